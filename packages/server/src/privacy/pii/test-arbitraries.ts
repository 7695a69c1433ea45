/**
 * fast-check generators of realistic direct identifiers, planted by the scrubber property tests.
 * Used by tests only.
 */
import fc from 'fast-check';
import { ibanCheckDigits } from './checksums.ts';

export interface Planted {
  kind: string;
  /** The text as written. */
  value: string;
  /** Strings that must not survive scrubbing (the value, and for cards its bare digits). */
  forbidden: string[];
}

const chars = (alphabet: string, minLength: number, maxLength: number): fc.Arbitrary<string> =>
  fc.string({ unit: fc.constantFrom(...alphabet.split('')), minLength, maxLength });

const DIGITS = '0123456789';
const LOWER = 'abcdefghijklmnopqrstuvwxyz';
const ALNUM = `${LOWER}${LOWER.toUpperCase()}${DIGITS}`;
const BASE64URL = `${ALNUM}-_`;

const digits = (min: number, max: number): fc.Arbitrary<string> => chars(DIGITS, min, max);
const plant = (kind: string, value: string, ...more: string[]): Planted => ({ kind, value, forbidden: [value, ...more] });

export const emailArb: fc.Arbitrary<Planted> = fc
  .tuple(
    chars(`${LOWER}${DIGITS}`, 1, 12),
    fc.option(fc.tuple(fc.constantFrom('.', '_', '+', '-'), chars(`${LOWER}${DIGITS}`, 1, 8)), { nil: undefined }),
    fc.array(chars(`${LOWER}${DIGITS}`, 1, 10), { minLength: 1, maxLength: 3 }),
    chars(LOWER, 2, 6),
  )
  .map(([a, b, labels, tld]) => plant('email', `${a}${b ? b[0] + b[1] : ''}@${labels.join('.')}.${tld}`));

/** Splits digits into groups of 2-4 joined by one separator. */
const grouped = (ds: string, sep: string, sizes: number[]): string => {
  const out: string[] = [];
  let i = 0;
  for (const size of sizes) {
    if (i >= ds.length) break;
    out.push(ds.slice(i, i + size));
    i += size;
  }
  if (i < ds.length) out.push(ds.slice(i));
  // A lone trailing digit joins the group before it ("0958" rather than "095 8").
  if (out.length > 1 && out[out.length - 1]!.length === 1) {
    const lone = out.pop()!;
    out.push(out.pop()! + lone);
  }
  return out.join(sep);
};

/** Digits written like a date are a date, whatever else they are: not something to plant. */
const DATE_LIKE = /(?:^|\D)(?:\d{1,2}[-./]\d{1,2}[-./]\d{4}|\d{4}[-./]\d{1,2}[-./]\d{1,2})(?:\D|$)/;

export const phoneArb: fc.Arbitrary<Planted> = fc.oneof(
  // International: +CC then the national number in groups.
  fc
    .tuple(
      fc.integer({ min: 1, max: 999 }),
      digits(7, 11),
      fc.constantFrom(' ', '-', '.', ''),
      fc.array(fc.integer({ min: 2, max: 4 }), { minLength: 6, maxLength: 6 }),
      fc.constantFrom(' ', ''),
    )
    .filter(([cc, national]) => String(cc).length + national.length <= 15)
    .map(([cc, national, sep, sizes, afterCc]) => plant('phone', `+${cc}${afterCc || sep}${grouped(national, sep, sizes)}`)),
  // National with trunk prefix: 0 then 9-10 digits, e.g. 020 7946 0958, 06 12 34 56 78.
  fc
    .tuple(fc.integer({ min: 1, max: 9 }), digits(8, 9), fc.constantFrom(' ', '-', '.', '/'), fc.array(fc.integer({ min: 2, max: 4 }), { minLength: 5, maxLength: 5 }))
    .map(([d1, rest, sep, sizes]) => plant('phone', grouped(`0${d1}${rest}`, sep, sizes))),
  fc.tuple(fc.integer({ min: 1, max: 9 }), digits(8, 9)).map(([d1, rest]) => plant('phone', `0${d1}${rest}`)),
  // North American.
  fc
    .tuple(fc.integer({ min: 200, max: 999 }), fc.integer({ min: 200, max: 999 }), digits(4, 4), fc.constantFrom('(a) b-c', 'a-b-c', 'a.b.c', 'a b c', '1-a-b-c', '+1 a b c'))
    .map(([a, b, c, shape]) => plant('phone', shape.replace('a', String(a)).replace('b', String(b)).replace('c', c))),
).filter((p) => !DATE_LIKE.test(p.value));

const octet = fc.integer({ min: 0, max: 255 });
export const ipv4Arb: fc.Arbitrary<Planted> = fc.tuple(octet, octet, octet, octet).map((o) => plant('ip', o.join('.')));

export const ipv6Arb: fc.Arbitrary<Planted> = fc
  .tuple(fc.array(fc.integer({ min: 0, max: 0xffff }), { minLength: 8, maxLength: 8 }), fc.boolean(), fc.boolean(), fc.nat(7), fc.integer({ min: 2, max: 6 }))
  .map(([groups, upper, compress, at, len]) => {
    let parts = groups.map((g) => g.toString(16));
    if (upper) parts = parts.map((p) => p.toUpperCase());
    if (!compress) return parts.join(':');
    const end = Math.min(8, at + len);
    return `${parts.slice(0, at).join(':')}::${parts.slice(end).join(':')}`;
  })
  // At least three written groups: "::1" or "fe80::1" say nothing about anyone.
  .filter((text) => text.split(':').filter((p) => p !== '').length >= 3)
  .map((text) => plant('ip', text));

function luhnCheckDigit(body: string): string {
  let sum = 0;
  for (let i = 0; i < body.length; i++) {
    let d = body.charCodeAt(body.length - 1 - i) - 48;
    if (i % 2 === 0) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
  }
  return String((10 - (sum % 10)) % 10);
}

export const cardArb: fc.Arbitrary<Planted> = fc
  .tuple(
    fc.constantFrom(['4', 16], ['4', 13], ['4', 19], ['51', 16], ['55', 16], ['2221', 16], ['34', 15], ['37', 15], ['6011', 16], ['62', 18]),
    digits(18, 18),
    fc.constantFrom(' ', '-', ''),
  )
  .map(([[prefix, length], filler, sep]) => {
    const body = (prefix as string) + filler.slice(0, (length as number) - 1 - (prefix as string).length);
    const number = body + luhnCheckDigit(body);
    const sizes = number.length === 15 ? [4, 6, 5] : [4, 4, 4, 4, 4];
    return plant('card', grouped(number, sep, sizes), number);
  });

const b64url = (s: string): string => Buffer.from(s).toString('base64url');

export const jwtArb: fc.Arbitrary<Planted> = fc
  .tuple(fc.constantFrom('HS256', 'RS256', 'ES256'), fc.uuid(), fc.integer({ min: 1_600_000_000, max: 2_000_000_000 }), chars(BASE64URL, 43, 86))
  .map(([alg, sub, exp, sig]) => plant('jwt', `${b64url(JSON.stringify({ alg, typ: 'JWT' }))}.${b64url(JSON.stringify({ sub, exp }))}.${sig}`));

export const bearerArb: fc.Arbitrary<Planted> = chars(BASE64URL, 20, 60)
  .filter((t) => /[0-9_-]/.test(t))
  .map((token) => ({ kind: 'bearer', value: `Bearer ${token}`, forbidden: [token] }));

const transitions = (t: string): number => (t.match(/[A-Za-z](?=[0-9])|[0-9](?=[A-Za-z])/g) ?? []).length;

export const secretArb: fc.Arbitrary<Planted> = fc.oneof(
  chars(ALNUM, 24, 32).map((t) => plant('secret', `sk_live_${t}`)),
  chars(ALNUM, 36, 36).map((t) => plant('secret', `ghp_${t}`)),
  chars(`${LOWER.toUpperCase()}${DIGITS}`, 16, 16).map((t) => plant('secret', `AKIA${t}`)),
  fc.tuple(digits(10, 13), digits(10, 13), chars(ALNUM, 24, 24)).map(([a, b, c]) => plant('secret', `xoxb-${a}-${b}-${c}`)),
  // Long random tokens without a known prefix, mixing letters and digits.
  chars(ALNUM, 32, 64).filter((t) => transitions(t) >= 3).map((t) => plant('secret', t)),
);

export const ibanArb: fc.Arbitrary<Planted> = fc
  .tuple(
    fc.oneof(digits(18, 18).map((b) => ['DE', b] as const), fc.tuple(chars(LOWER.toUpperCase(), 4, 4), digits(14, 14)).map(([bank, n]) => ['GB', bank + n] as const)),
    fc.boolean(),
  )
  .map(([[country, bban], spaced]) => {
    const iban = `${country}${ibanCheckDigits(country, bban)}${bban}`;
    return plant('iban', spaced ? iban.replace(/(.{4})/g, '$1 ').trim() : iban, iban);
  });

export const plantedArb: fc.Arbitrary<Planted> = fc.oneof(emailArb, phoneArb, ipv4Arb, ipv6Arb, cardArb, jwtArb, bearerArb, secretArb, ibanArb);

/** Ordinary text around a planted value, with separators people actually write. */
export const surroundingArb = fc.record({
  before: fc.string({ maxLength: 24 }),
  open: fc.constantFrom(' ', ' (', ': ', ' "', '\n', '=', ''),
  close: fc.constantFrom(' ', '. ', ', ', ') ', '! ', '\n', '" ', ''),
  after: fc.string({ maxLength: 24 }),
});

export type Surrounding = { before: string; open: string; close: string; after: string };

/** `before + open + value + close + after`; an empty separator only at the start or end of the text. */
export function embed(value: string, s: Surrounding): string {
  const open = s.open === '' && s.before !== '' ? ' ' : s.open;
  const close = s.close === '' && s.after !== '' ? ' ' : s.close;
  return `${s.before}${open}${value}${close}${s.after}`;
}
