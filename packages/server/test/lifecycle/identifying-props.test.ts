import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createManualClock, DAY_MS } from '../../src/core/clock.ts';
import { IDENTIFYING_PROP_KEY } from '../../src/privacy/inventory.ts';
import { startTestServer, type TestServer } from '../helpers/harness.ts';
import { scanForIdentifiers, sendOk } from './retention-fixtures.ts';

const NOW = Date.parse('2026-06-01T00:00:00Z');

/** Properties as apps send them: keys that name a person in any case and spelling, and keys that do not. */
const PROPS: Array<Record<string, unknown>> = [
  { friend_id: 'f-1', level: 3 },
  { Friend_ID: 'f-1', quest_id: 'q1' }, // any case
  { learnerId: 7, step: 1 }, // no underscore, a number
  { parentId: null, ok: true }, // null stays null
  { quest_id: 'q2', step: 2 }, // ends in id, names no person
  { nested: { user_id: 'u-3' } }, // not a top-level key: scrubbed as a value, not split
  { user_id: 'u-4' }, // nothing else
  { step: 1 },
];

const parse = (v: unknown) => (v == null ? null : (JSON.parse(String(v)) as Record<string, unknown>));

describe('identifying property keys', () => {
  const clock = createManualClock(NOW);
  let t: TestServer;
  let rows: Array<{ props: string | null; identifying_props: string | null; type: string }>;

  beforeAll(async () => {
    t = await startTestServer({ clock });
    await sendOk(t, PROPS.map((props, i) => ({ type: 'quest_viewed', userId: `learner-${i}`, occurredAt: new Date(NOW - i * 60_000).toISOString(), props })));
    rows = await t.query('SELECT type, CAST(props AS VARCHAR) AS props, CAST(identifying_props AS VARCHAR) AS identifying_props FROM events ORDER BY occurred_at DESC');
  });
  afterAll(() => t?.close());

  it('are stored apart from the other properties at ingest, with pseudonymised values', () => {
    expect(rows).toHaveLength(PROPS.length);
    for (const [i, sent] of PROPS.entries()) {
      const props = parse(rows[i]!.props);
      const identifying = parse(rows[i]!.identifying_props);
      const keys = Object.keys(sent).filter((k) => IDENTIFYING_PROP_KEY.test(k));
      const others = Object.fromEntries(Object.entries(sent).filter(([k]) => !IDENTIFYING_PROP_KEY.test(k)));
      // props keeps every other key (no identifying key, however written; values scrubbed as usual: the nested user_id is redacted)...
      expect(Object.keys(props ?? {}).sort(), `row ${i} props`).toEqual(Object.keys(others).sort());
      if (!('nested' in sent)) expect(props ?? {}, `row ${i} props`).toEqual(others);
      // ...and identifying_props holds exactly the identifying keys, each value a pseudonym (or null, or redacted by the
      // key deny-list, which takes the app's own account ids), never the app's id.
      expect(Object.keys(identifying ?? {}).sort(), `row ${i} identifying keys`).toEqual(keys.sort());
      for (const k of keys) {
        const v = identifying![k];
        if (sent[k] === null) expect(v).toBeNull();
        else expect(String(v)).toMatch(/^(p_|\[redacted:)/);
        if (typeof sent[k] === 'string') expect(JSON.stringify(rows[i])).not.toContain(String(sent[k]));
      }
    }
    // The test can fail: some rows had keys to split and some had none.
    expect(rows.filter((r) => r.identifying_props !== null)).toHaveLength(5);
    expect(rows.filter((r) => r.identifying_props === null)).toHaveLength(3);
  });

  it('are cleared by anonymisation, which leaves every other property as it was', async () => {
    clock.set(new Date(NOW + 100 * DAY_MS));
    const report = await t.services.retentionRunner.run();
    expect(report.totals.anonymized.events).toBe(PROPS.length);
    const after = await t.query<{ props: string | null; identifying_props: string | null; subject_id: string | null }>(
      'SELECT CAST(props AS VARCHAR) AS props, CAST(identifying_props AS VARCHAR) AS identifying_props, subject_id FROM events ORDER BY occurred_at DESC',
    );
    expect(after.map((r) => r.props)).toEqual(rows.map((r) => r.props));
    expect(after.every((r) => r.identifying_props === null && r.subject_id === null)).toBe(true);
    expect(await scanForIdentifiers(t, (id) => t.services.retention.forTenant(id))).toEqual([]);
  });
});

describe('the retention category of an events row', () => {
  let t: TestServer;
  afterAll(() => t?.close());

  it('follows the rows ingest writes for the event, not the category the app names', async () => {
    t = await startTestServer();
    await sendOk(t, [
      { id: 'plain', type: 'page_view', userId: 'u1' },
      { id: 'named-error', type: 'page_view', category: 'error', userId: 'u1' }, // the app's taxonomy says error; no error row
      { id: 'error', type: 'custom_thing', category: 'navigation', userId: 'u1', error: { type: 'TypeError' } },
      { id: 'learning', type: 'quiz_completed', userId: 'u1', learning: { score: 1, maxScore: 2 } },
      { id: 'both', type: 'quiz_failed', userId: 'u1', error: { type: 'Timeout' }, learning: { score: 0, maxScore: 2 } },
    ]);
    const rows = await t.query<{ type: string; category: string; data_category: string; errors: bigint; learning: bigint }>(`
      SELECT e.type, e.category, e.data_category,
        (SELECT count(*) FROM error_events x WHERE x.event_id = e.id) AS errors,
        (SELECT count(*) FROM learning_events x WHERE x.event_id = e.id) AS learning
      FROM events e ORDER BY e.type, e.category`);
    expect(rows.map((r) => [r.type, r.category, r.data_category, Number(r.errors), Number(r.learning)])).toEqual([
      ['custom_thing', 'navigation', 'errors', 1, 0],
      ['page_view', 'error', 'events', 0, 0],
      ['page_view', 'navigation', 'events', 0, 0],
      ['quiz_completed', 'custom', 'learning_events', 0, 1],
      ['quiz_failed', 'custom', 'errors', 1, 1],
    ]);
  });
});
