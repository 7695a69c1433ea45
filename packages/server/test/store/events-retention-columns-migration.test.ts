import { afterEach, describe, expect, it } from 'vitest';
import { IDENTIFYING_PROP_KEY } from '../../src/privacy/inventory.ts';
import { openDuckDb, type DuckDbHandle } from '../../src/store/duckdb/connection.ts';
import { loadMigrations, migrate } from '../../src/store/duckdb/migrate.ts';
import { IDENTIFYING_PROP_KEY_AT_007 } from '../../src/store/duckdb/migrations/007-events-retention-columns.ts';

/** Stored props before migration 007, written the ways a JSON writer may write them, and what the migration makes of them. */
const ROWS: Array<{ props: string | null; kept: unknown; moved: unknown }> = [
  { props: '{"friend_id":"p_1","level":3}', kept: { level: 3 }, moved: { friend_id: 'p_1' } },
  { props: '{"Friend_ID":"p_1","quest_id":"q1"}', kept: { quest_id: 'q1' }, moved: { Friend_ID: 'p_1' } }, // any case
  { props: '{ "learnerId" : 7 , "step" : 1 }', kept: { step: 1 }, moved: { learnerId: 7 } }, // spaces around the colon
  { props: '{"user\\u005fid":"p_2","ok":true}', kept: { ok: true }, moved: { user_id: 'p_2' } }, // an escaped underscore spells user_id
  { props: '{"\\u0070arentId":"p_3"}', kept: null, moved: { parentId: 'p_3' } }, // an escaped letter spells parentId; nothing left
  { props: '{"user_id":{"a":[1,"x"]},"x":1}', kept: { x: 1 }, moved: { user_id: { a: [1, 'x'] } } }, // any value
  { props: '{"quest_id":"q2","step":2}', kept: { quest_id: 'q2', step: 2 }, moved: null }, // ends in id, names no person
  { props: '{"note":"\\"user_id\\": is text, not a key"}', kept: { note: '"user_id": is text, not a key' }, moved: null }, // the key's text inside a value
  { props: '{"nested":{"user_id":"p_4"}}', kept: { nested: { user_id: 'p_4' } }, moved: null }, // not a top-level key
  { props: '[1,2]', kept: [1, 2], moved: null },
  { props: null, kept: null, moved: null },
];

describe('migration 007: retention category and identifying property keys on events rows', () => {
  let handle: DuckDbHandle | undefined;
  afterEach(() => handle?.close());

  it('moves identifying property keys out of props, however written, and files each row under the category of the rows sharing it', async () => {
    handle = await openDuckDb(':memory:');
    const db = await handle.connect();
    const all = await loadMigrations();
    const now = new Date('2026-11-01T00:00:00Z');
    await migrate(db, now, all.filter((m) => m.version < 7));
    for (const [i, r] of ROWS.entries()) {
      await db.run(
        `INSERT INTO events (id, tenant_id, occurred_at, received_at, category, type, subject_id, props)
         VALUES (uuid(), 't1', $1::TIMESTAMPTZ, $1::TIMESTAMPTZ, 'navigation', 'page_view', 's_1', $2::JSON)`,
        [new Date(now.getTime() - i * 60_000).toISOString(), r.props],
      );
    }
    // Shared rows: an error, a milestone, and an event with both (an error, as ingest decides); the app named them all "navigation".
    const shared = async (type: string, error: boolean, learning: boolean) => {
      const id = crypto.randomUUID();
      await db.run(`INSERT INTO events (id, tenant_id, occurred_at, received_at, category, type) VALUES ($1::UUID, 't1', now(), now(), 'navigation', $2)`, [id, type]);
      if (error) await db.run(`INSERT INTO error_events (id, event_id, tenant_id, occurred_at, received_at, error_type) VALUES (uuid(), $1::UUID, 't1', now(), now(), 'E')`, [id]);
      if (learning) await db.run(`INSERT INTO learning_events (id, event_id, tenant_id, occurred_at, received_at, type) VALUES (uuid(), $1::UUID, 't1', now(), now(), 'm')`, [id]);
    };
    await shared('x_error', true, false);
    await shared('x_learning', false, true);
    await shared('x_both', true, true);

    expect(await migrate(db, now, all)).toContain(7);
    const rows = await db.all<{ props: string | null; moved: string | null; data_category: string }>(
      `SELECT CAST(props AS VARCHAR) AS props, CAST(identifying_props AS VARCHAR) AS moved, data_category FROM events WHERE type = 'page_view' ORDER BY occurred_at DESC`,
    );
    const parse = (v: string | null) => (v === null ? null : JSON.parse(v) as unknown);
    expect(rows.map((r) => ({ kept: parse(r.props), moved: parse(r.moved) }))).toEqual(ROWS.map(({ kept, moved }) => ({ kept, moved })));
    expect(rows.every((r) => r.data_category === 'events')).toBe(true);

    const categories = await db.all<{ type: string; data_category: string }>(`SELECT type, data_category FROM events WHERE type LIKE 'x_%' ORDER BY type`);
    expect(categories).toEqual([
      { type: 'x_both', data_category: 'errors' },
      { type: 'x_error', data_category: 'errors' },
      { type: 'x_learning', data_category: 'learning_events' },
    ]);
  });

  it('moved the keys the inventory marks as identifying: a change of IDENTIFYING_PROP_KEY needs a migration of its own', () => {
    // When this fails, write a migration that moves the newly identifying keys out of the stored props (as 007 does) and point this test at it.
    expect(`${IDENTIFYING_PROP_KEY.flags.includes('i') ? '(?i)' : ''}${IDENTIFYING_PROP_KEY.source}`).toBe(IDENTIFYING_PROP_KEY_AT_007);
  });
});
