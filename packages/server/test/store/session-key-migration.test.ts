import { afterEach, describe, expect, it } from 'vitest';
import { openDuckDb, type DuckDbHandle } from '../../src/store/duckdb/connection.ts';
import { loadMigrations, migrate } from '../../src/store/duckdb/migrate.ts';
import { createDuckDbEventStore } from '../../src/store/duckdb/event-store.ts';

describe('migration 006: sessions keyed by a 128-bit hash of their id', () => {
  let handle: DuckDbHandle | undefined;
  afterEach(() => handle?.close());

  it('keeps every stored session, keys it by md5_number(id), and ingest merges into it as before', async () => {
    handle = await openDuckDb(':memory:');
    const db = await handle.connect();
    const all = await loadMigrations();
    const now = new Date('2026-11-01T00:00:00Z');
    await migrate(db, now, all.filter((m) => m.version < 6));
    await db.run(`INSERT INTO sessions VALUES ('ss_a', 't1', 's_1', NULL, TIMESTAMPTZ '2026-10-01 10:00:00+00', TIMESTAMPTZ '2026-10-01 10:05:00+00',
      300000, 2, 3, '/a', '/b', 'desktop', 'Firefox', 'Linux', NULL)`);
    await db.run(`INSERT INTO sessions VALUES ('ss_b', 't1', NULL, 'v_1', TIMESTAMPTZ '2026-01-01 10:00:00+00', TIMESTAMPTZ '2026-01-01 10:01:00+00',
      60000, 1, 1, '/c', '/c', 'mobile', 'Safari', 'iOS', TIMESTAMPTZ '2026-04-01 00:00:00+00')`);

    expect(await migrate(db, now, all)).toContain(6);
    const rows = await db.all<{ id: string; same: boolean; subject_id: string | null; page_views: number }>(
      'SELECT id, key = md5_number(id) AS same, subject_id, page_views FROM sessions ORDER BY id',
    );
    expect(rows).toEqual([
      { id: 'ss_a', same: true, subject_id: 's_1', page_views: 2 },
      { id: 'ss_b', same: true, subject_id: null, page_views: 1 },
    ]);
    // The key is the primary key now: a second row with the same id cannot exist.
    await expect(db.run(`INSERT INTO sessions SELECT * REPLACE ('x' AS exit_page) FROM sessions WHERE id = 'ss_a'`)).rejects.toThrow(/constraint/i);

    // The writer's upsert finds the stored session through the key and widens it.
    const store = createDuckDbEventStore(db, db);
    await store.commitIngest({
      newSubjects: [], events: [], errors: [], learning: [],
      sessions: [{
        id: 'ss_a', tenantId: 't1', subjectId: 's_1', anonymousId: null, startedAt: new Date('2026-10-01T10:04:00Z'), endedAt: new Date('2026-10-01T10:09:00Z'),
        pageViews: 1, eventCount: 1, entryPage: '/b', exitPage: '/d', deviceType: 'desktop', browser: 'Firefox', os: 'Linux',
      }],
    });
    const merged = await db.one<{ n: bigint; page_views: number; exit_page: string; duration_ms: bigint }>(
      "SELECT count(*) OVER () AS n, page_views, exit_page, duration_ms FROM sessions WHERE id = 'ss_a'",
    );
    expect(merged).toEqual({ n: 1n, page_views: 3, exit_page: '/d', duration_ms: 540000n });
  });
});
