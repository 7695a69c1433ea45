import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createKeyDenyList } from './deny-list.ts';
import type { Redactions } from './redactions.ts';
import { scrubJson } from './scrub-json.ts';
import { embed, plantedArb, surroundingArb } from './test-arbitraries.ts';

const denyList = createKeyDenyList();

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

/**
 * Puts `leaf` somewhere inside `value`: in a random container (as a new array item or object
 * entry under `key`; `keyed` puts it in an object under `key` inside arrays too), or beside the
 * whole value when there is no container. `pick` chooses the spot.
 */
function insertAt(value: Json, leaf: Json, key: string, pick: number, keyed = false): Json {
  const containers: Array<Json[] | { [key: string]: Json }> = [];
  const collect = (v: Json): void => {
    if (Array.isArray(v)) {
      containers.push(v);
      v.forEach(collect);
    } else if (v !== null && typeof v === 'object') {
      containers.push(v);
      Object.values(v).forEach(collect);
    }
  };
  collect(value);
  if (containers.length === 0) return { [key]: leaf, other: value };
  const target = containers[pick % containers.length]!;
  if (Array.isArray(target)) target.splice(pick % (target.length + 1), 0, keyed ? { [key]: leaf } : leaf);
  else Object.defineProperty(target, key, { value: leaf, enumerable: true, writable: true, configurable: true });
  return value;
}

const jsonArb = fc.jsonValue({ maxDepth: 3 }) as fc.Arbitrary<Json>;

const hasDeniedKey = (v: Json): boolean =>
  Array.isArray(v)
    ? v.some(hasDeniedKey)
    : v !== null && typeof v === 'object' && Object.entries(v).some(([k, x]) => denyList.match(k) !== null || hasDeniedKey(x));
// Keys that are not on the deny-list, so the planted value has to be found by the detectors.
const plainKeyArb = fc.constantFrom('note', 'comment', 'answer', 'title', 'message', 'details', 'q1', 'feedback');
const deniedKeyArb = fc.constantFrom(
  'email', 'userEmail', 'e-mail', 'phoneNumber', 'mobile', 'ip_address', 'clientIP', 'password', 'authorization',
  'access_token', 'apiKey', 'cardNumber', 'first_name', 'fullName', 'name', 'billingAddress', 'dob', 'iban', 'ssn',
  'latitude', 'cookie', 'userId',
);

describe('scrubJson: planted identifiers never survive', () => {
  it('inside a random string value anywhere in nested JSON', () => {
    fc.assert(
      fc.property(jsonArb, plantedArb, surroundingArb, plainKeyArb, fc.nat(), (base, planted, around, key, pick) => {
        const doc = insertAt(structuredClone(base), embed(planted.value, around), key, pick);
        const r: Redactions = {};
        const out = JSON.stringify(scrubJson(doc, denyList, r));
        for (const f of planted.forbidden) expect(out).not.toContain(f);
        expect(Object.keys(r).length).toBeGreaterThan(0);
      }),
      { numRuns: 300 },
    );
  });

  it('as the value of a deny-listed key, whatever the value type', () => {
    const valueArb = fc.oneof(
      plantedArb.map((p) => ({ value: p.value as Json, forbidden: p.forbidden })),
      plantedArb.map((p) => ({ value: { nested: [p.value, 42], ok: true } as Json, forbidden: p.forbidden })),
      // Any value at all: short random text can also occur elsewhere in the document, so only the
      // marker is checked for it.
      fc.jsonValue({ maxDepth: 2 }).map((v) => ({ value: v as Json, forbidden: [] as string[] })),
    );
    fc.assert(
      // The base has no denied key of its own: one could swallow the planted entry whole.
      fc.property(jsonArb.filter((v) => !hasDeniedKey(v)), deniedKeyArb, valueArb, fc.nat(), (base, key, planted, pick) => {
        const doc = insertAt(structuredClone(base), planted.value, key, pick, true);
        const r: Redactions = {};
        const scrubbed = scrubJson(doc, denyList, r);
        const out = JSON.stringify(scrubbed);
        expect(out).toContain(`"${key}":"[redacted:`);
        for (const f of planted.forbidden) expect(out).not.toContain(f);
      }),
      { numRuns: 300 },
    );
  });

  it('returns the same reference when nothing was redacted', () => {
    fc.assert(
      fc.property(jsonArb, (doc) => {
        const r: Redactions = {};
        const out = scrubJson(doc, denyList, r);
        if (Object.keys(r).length === 0) expect(out).toBe(doc);
        else expect(out).not.toBe(doc);
      }),
      { numRuns: 300 },
    );
  });

  it('never mutates its input', () => {
    fc.assert(
      fc.property(jsonArb, plantedArb, plainKeyArb, fc.nat(), (base, planted, key, pick) => {
        const doc = insertAt(structuredClone(base), planted.value, key, pick);
        const before = JSON.stringify(doc);
        scrubJson(doc, denyList, {});
        expect(JSON.stringify(doc)).toBe(before);
      }),
      { numRuns: 100 },
    );
  });
});

describe('scrubJson: examples', () => {
  it('replaces denied keys whole, scrubs other strings, keeps the rest', () => {
    const props = {
      quest_id: 'quest_42',
      score: 85,
      passed: true,
      userEmail: 'ada@example.org',
      parent: { firstName: 'Ada', phone: 447700900123, notes: ['call me on +44 7700 900123', 'ok'] },
      answer: 'my card is 4242 4242 4242 4242',
      tags: ['algebra', 'level-2'],
    };
    const r: Redactions = {};
    const out = scrubJson(props, denyList, r) as typeof props;
    expect(out).toEqual({
      quest_id: 'quest_42',
      score: 85,
      passed: true,
      userEmail: '[redacted:email]',
      parent: { firstName: '[redacted:name]', phone: '[redacted:phone]', notes: ['call me on [redacted:phone]', 'ok'] },
      answer: 'my card is [redacted:card]',
      tags: ['algebra', 'level-2'],
    });
    // Untouched branches are shared, not copied.
    expect(out.tags).toBe(props.tags);
    expect(r).toEqual({ email: 1, name: 1, phone: 2, card: 1 });
  });

  it('redacts a whole nested value under a denied key', () => {
    const r: Redactions = {};
    expect(scrubJson({ address: { street: '1 Main St', city: 'Leeds' } }, denyList, r)).toEqual({ address: '[redacted:address]' });
    expect(r).toEqual({ address: 1 });
  });

  it('catches a card number sent as a JSON number', () => {
    expect(scrubJson({ n: 4111111111111111, t: 1700000000000 }, denyList, {})).toEqual({ n: '[redacted:card]', t: 1700000000000 });
  });

  it('scrubs keys that hold identifiers', () => {
    expect(scrubJson({ 'ada@example.org': 3 }, denyList, {})).toEqual({ '[redacted:email]': 3 });
  });

  it('keeps __proto__ as data', () => {
    const doc = JSON.parse('{"__proto__": {"x": "+44 20 7946 0958"}, "a": "b"}') as Record<string, unknown>;
    const out = scrubJson(doc, denyList, {}) as Record<string, unknown>;
    expect(Object.getPrototypeOf(out)).toBe(Object.prototype);
    expect(JSON.stringify(out)).toBe('{"__proto__":{"x":"[redacted:phone]"},"a":"b"}');
  });

  it('is a no-op on markers it already wrote', () => {
    const once = scrubJson({ email: 'a@b.io', text: 'see c@d.io' }, denyList, {});
    const r: Redactions = {};
    expect(scrubJson(once, denyList, r)).toBe(once);
    expect(r).toEqual({});
  });

  it('applies tenant keys, defaults first', () => {
    const custom = createKeyDenyList(['shoe_size', 'favouriteColour', 'nickname']);
    expect(scrubJson({ favourite_colour: 'green', shoeSize: 31, colour: 'red', nickname: 'Ace' }, custom, {})).toEqual({
      favourite_colour: '[redacted:custom]',
      shoeSize: '[redacted:custom]',
      colour: 'red',
      nickname: '[redacted:name]',
    });
  });
});
