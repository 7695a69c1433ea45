import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { EventInput } from '@ebb/contracts';
import { validateEvent } from './validate-event.ts';

/** Events near the edges of the schema: valid ones, and ones with one field pushed out of bounds. */
const field = fc.oneof(
  fc.constant(undefined), fc.string({ maxLength: 8 }), fc.integer(), fc.double(), fc.boolean(), fc.constant(null),
  fc.constantFrom('', 'x'.repeat(129), '2025-01-01T10:00:00Z', '2025-01-01T10:00:00', '1999-12-31T23:59:59Z', '2100-01-01T00:00:00Z', '203.0.113.7', '::1', '2001:db8::1', 'not an ip', 'a b'),
  fc.dictionary(fc.constantFrom('a', '__proto__', 'constructor', 'k-1', 'bad key'), fc.oneof(fc.string(), fc.integer(), fc.constant({ nested: { deeper: { deepest: { too: 1 } } } }))),
);
const event = fc.record({
  id: field, type: fc.oneof(fc.constantFrom('page_view', 'quest_started', 'bad type'), field), category: field, occurredAt: field,
  userId: field, sessionId: field, anonymousId: field,
  page: fc.oneof(fc.constant(undefined), fc.record({ path: field, title: field, durationMs: field, loadTimeMs: field }, { requiredKeys: [] })),
  props: field,
  context: fc.oneof(fc.constant(undefined), fc.record({ ip: field, userAgent: field, locale: field, gpc: field }, { requiredKeys: [] })),
  learning: fc.oneof(fc.constant(undefined), fc.record({ score: field, maxScore: field, course: field }, { requiredKeys: [] })),
  error: fc.oneof(fc.constant(undefined), fc.record({ type: field, message: field, status: field }, { requiredKeys: [] })),
}, { requiredKeys: ['type'] }).map((e) => JSON.parse(JSON.stringify(e)) as unknown);

describe('validateEvent', () => {
  it('decides exactly as the zod schema does', () => {
    fc.assert(fc.property(event, (e) => {
      expect(validateEvent(e).ok).toBe(EventInput.safeParse(e).success);
    }), { numRuns: 3000 });
  });

  it('words the refusal with the path of the problem', () => {
    const v = validateEvent({ type: 'x', page: { path: 5 } });
    expect(v).toEqual({ ok: false, message: expect.stringMatching(/^page\.path: /) });
  });
});
