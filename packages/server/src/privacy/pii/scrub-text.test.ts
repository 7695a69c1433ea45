import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { scrubText } from './scrub-text.ts';
import type { Redactions } from './redactions.ts';
import { bearerArb, cardArb, embed, emailArb, ibanArb, ipv4Arb, ipv6Arb, jwtArb, phoneArb, plantedArb, secretArb, surroundingArb } from './test-arbitraries.ts';
import type { Planted } from './test-arbitraries.ts';

const scrub = (s: string): { out: string; r: Redactions } => {
  const r: Redactions = {};
  return { out: scrubText(s, r), r };
};

const leaks = (out: string, p: Planted): string[] => p.forbidden.filter((f) => out.includes(f));

describe('scrubText: planted identifiers never survive', () => {
  const cases: Array<[string, fc.Arbitrary<Planted>]> = [
    ['e-mail', emailArb],
    ['phone', phoneArb],
    ['IPv4', ipv4Arb],
    ['IPv6', ipv6Arb],
    ['card', cardArb],
    ['JWT', jwtArb],
    ['bearer token', bearerArb],
    ['secret', secretArb],
    ['IBAN', ibanArb],
  ];
  for (const [name, arb] of cases) {
    it(`${name} inside random text`, () => {
      fc.assert(
        fc.property(arb, surroundingArb, (planted, around) => {
          const { out, r } = scrub(embed(planted.value, around));
          expect(leaks(out, planted)).toEqual([]);
          expect(Object.keys(r).length).toBeGreaterThan(0);
        }),
        { numRuns: 300 },
      );
    });
  }

  it('several identifiers in one text', () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(plantedArb, surroundingArb), { minLength: 2, maxLength: 5 }), (items) => {
        const text = items.map(([p, around]) => embed(p.value, around)).join(' ');
        const { out } = scrub(text);
        for (const [p] of items) expect(leaks(out, p)).toEqual([]);
      }),
      { numRuns: 200 },
    );
  });

  it('is idempotent', () => {
    fc.assert(
      fc.property(plantedArb, surroundingArb, (p, around) => {
        const once = scrub(embed(p.value, around)).out;
        const again = scrub(once);
        expect(again.out).toBe(once);
        expect(again.r).toEqual({});
      }),
      { numRuns: 200 },
    );
  });
});

describe('scrubText: examples', () => {
  it.each([
    ['mail me at john.doe+school@example.co.uk please', 'mail me at [redacted:email] please', 'email'],
    ['jürgen@müller.de', '[redacted:email]', 'email'],
    ['GET /api?email=ada%40example.org failed', 'GET /api?email=[redacted:email] failed', 'email'],
    ['call +44 20 7946 0958 now', 'call [redacted:phone] now', 'phone'],
    ['+1 (555) 123-4567', '[redacted:phone]', 'phone'],
    ['tel 020 7946 0958', 'tel [redacted:phone]', 'phone'],
    ['06 12 34 56 78', '[redacted:phone]', 'phone'],
    ['0612345678', '[redacted:phone]', 'phone'],
    ['030/1234567', '[redacted:phone]', 'phone'],
    ['555-123-4567', '[redacted:phone]', 'phone'],
    ['1-800-555-0199', '[redacted:phone]', 'phone'],
    ['0044 20 7946 0958', '[redacted:phone]', 'phone'],
    ['paid with 4111 1111 1111 1111.', 'paid with [redacted:card].', 'card'],
    ['amex 3782-822463-10005', 'amex [redacted:card]', 'card'],
    ['ssn 123-45-6789', 'ssn [redacted:national_id]', 'national_id'],
    ['NI number AB 12 34 56 C', 'NI number [redacted:national_id]', 'national_id'],
    ['dni 12345678Z', 'dni [redacted:national_id]', 'national_id'],
    ['nie X1234567L', 'nie [redacted:national_id]', 'national_id'],
    ['cf RSSMRA85T10A562S', 'cf [redacted:national_id]', 'national_id'],
    ['nir 1 85 05 78 006 084 91', 'nir [redacted:national_id]', 'national_id'],
    ['sin 130-692-544', 'sin [redacted:national_id]', 'national_id'],
    ['iban DE89 3704 0044 0532 0130 00 thanks', 'iban [redacted:iban] thanks', 'iban'],
    ['GB82WEST12345698765432', '[redacted:iban]', 'iban'],
    ['from 192.168.1.20:8080', 'from [redacted:ip]:8080', 'ip'],
    ['[2001:db8::8a2e:370:7334]:443', '[[redacted:ip]]:443', 'ip'],
    ['peer ::ffff:203.0.113.9 closed', 'peer [redacted:ip] closed', 'ip'],
    ['Authorization: Bearer abcdef1234567890', 'Authorization: Bearer [redacted:secret]', 'secret'],
    ['Authorization: Basic dXNlcjpwYXNzd29yZA==', 'Authorization: Basic [redacted:secret]', 'secret'],
    ['key sk_live_4eC39HqLyjWDarjtT1zdp7dc', 'key [redacted:secret]', 'secret'],
    ['AKIAIOSFODNN7EXAMPLE', '[redacted:secret]', 'secret'],
    ['xoxb-123456789012-abcdefghij', '[redacted:secret]', 'secret'],
    ['sid a8F3kL9mQ2xV7bN1cZ5tR0wY4uE6iO8pS3dG', 'sid [redacted:secret]', 'secret'],
    ['login?user=ada&password=hunter2', 'login?user=ada&password=[redacted:password]', 'password'],
    ['{"api_key":"abc"}', '{"api_key":"[redacted:secret]"}', 'secret'],
  ])('%j -> %j', (input, expected, kind) => {
    const { out, r } = scrub(input);
    expect(out).toBe(expected);
    expect(r[kind as keyof Redactions]).toBeGreaterThan(0);
  });

  it('counts every redaction by kind', () => {
    const { r } = scrub('a@b.io and c@d.io, +44 20 7946 0958, 10.0.0.1');
    expect(r).toEqual({ email: 2, phone: 1, ip: 1 });
  });
});

describe('scrubText: what must stay', () => {
  it.each([
    '85', 'score 85/100', '2024-01-15', '2024-01-15T10:30:00Z', '15.01.2024', '01/15/2024', 'v1.2.3', '1.2.3', '12:30',
    '01:23:45', 'quest_42', 'lesson-7', 'Chrome/120.0.6099.109', '1700000000000', 'order 123456789', '1,234,567',
    '10 000 000 000', '0.5 0.25 0.125', 'The quick brown fox jumps over the lazy dog.', 'Basic understanding of fractions',
    'Basic internationalization', '550e8400-e29b-41d4-a716-446655440000', 'introduction-to-linear-algebra-chapter-12',
    '/api/v1/users/profile/settings/notifications', 'std::vector<int>', 'at Object.<anonymous> (/app/src/index.js:10:15)',
    'npm i react@18.2.0', 'at https://app.example.com/static/js/main.8f9a7b6c.chunk.js:1:2345',
    "TypeError: Cannot read properties of undefined (reading 'map')", 'renderComponentWithProps2AndState',
    'ISBN 978-3-16-148410-0', '05.01.2024 12:30', 'token_count', 'Completed 3 of 12 lessons in 45 min',
    'Level 12, 3400 XP, streak 21 days', 'elapsed 00:01:30.250', 'price 1299.99 EUR',
  ])('%j', (input) => {
    const { out, r } = scrub(input);
    expect(out).toBe(input);
    expect(r).toEqual({});
  });

  it('returns the very same string when nothing is found', () => {
    const s = `lesson ${'x'.repeat(50)} done`;
    expect(scrubText(s, {})).toBe(s);
  });

  it('stays linear on long adversarial input', () => {
    // Quadratic scanning would take seconds here; the assertion is on the output, not the time.
    const s = `${'a'.repeat(20_000)}@${'1 '.repeat(5_000)}${'9'.repeat(5_000)}`;
    expect(scrubText(s, {})).toBe(s);
  });
});
