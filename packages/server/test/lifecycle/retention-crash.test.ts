import { spawn } from 'node:child_process';
import { rmSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createServices } from '../../src/app/services.ts';
import { DAY_MS } from '../../src/core/clock.ts';
import { loadConfig } from '../../src/core/config.ts';
import { createLogger } from '../../src/core/logger.ts';
import { createDuckDbStore } from '../../src/store/duckdb/index.ts';
import type { RetentionReport } from '../../src/lifecycle/retention-runner.ts';
import { tempDataDir } from '../helpers/harness.ts';

const ROOT = fileURLToPath(new URL('../../../../', import.meta.url));
const EVENTS = 200_000;
const SPAN_DAYS = 900;

/** Runs `ebb retention run` on the data directory; kills it with SIGKILL after `killAfterChunks` committed chunks. */
function runRetention(dataDir: string, killAfterChunks?: number): Promise<{ code: number | null; signal: NodeJS.Signals | null; chunks: number; stdout: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['bin/ebb.js', 'retention', 'run', '--data-dir', dataDir, '--retention-chunk-rows', '2000', '--log-level', 'debug', '--json'], {
      cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let chunks = 0;
    let killed = false;
    child.stdout.setEncoding('utf8');
    child.stdout.on('data', (s: string) => {
      stdout += s;
      chunks = (stdout.match(/retention chunk committed/g) ?? []).length;
      if (killAfterChunks !== undefined && !killed && chunks >= killAfterChunks) {
        killed = true;
        child.kill('SIGKILL');
      }
    });
    child.stderr.resume();
    child.on('error', reject);
    child.on('exit', (code, signal) => resolve({ code, signal, chunks, stdout }));
  });
}

describe('a retention run killed with SIGKILL', () => {
  const dataDir = tempDataDir();
  let tenantId = '';
  let sessionIds: number;
  // Rows sit at whole days plus 12 hours of age, so the seconds between runs never cross a boundary.
  const now = Date.now();

  /** Opens the store the way the server does and checks every row is untouched or fully anonymised. */
  const inspect = async () => {
    const store = await createDuckDbStore(dataDir);
    const db = await store.connect();
    const one = async (sql: string) => Number(Object.values((await db.one(sql))!)[0] as bigint);
    try {
      const anonCut = new Date(now - 90 * DAY_MS).toISOString();
      return {
        events: await one('SELECT count(*) FROM events'),
        anonymized: await one('SELECT count(anonymized_at) FROM events'),
        dueLeft: await one(`SELECT count(*) FROM events WHERE anonymized_at IS NULL AND occurred_at <= '${anonCut}'::TIMESTAMPTZ`),
        halfDone: await one(`SELECT count(*) FROM events WHERE
            (anonymized_at IS NULL AND (subject_id IS NULL OR session_id IS NULL OR anonymous_id IS NULL OR ip_prefix IS NULL))
         OR (anonymized_at IS NOT NULL AND (subject_id IS NOT NULL OR session_id IS NOT NULL OR anonymous_id IS NOT NULL OR ip_prefix IS NOT NULL OR identifying_props IS NOT NULL))`),
        errorsHalfDone: await one(`SELECT count(*) FROM error_events x JOIN events e ON e.id = x.event_id WHERE (x.anonymized_at IS NULL) <> (e.anonymized_at IS NULL)`),
        sessions: await one('SELECT count(*) FROM sessions'),
        sessionsHalfDone: await one(`SELECT count(*) FROM sessions WHERE (anonymized_at IS NULL) <> (id LIKE 'ss_seed_%') OR (anonymized_at IS NULL) <> (subject_id IS NOT NULL)`),
        tooOld: await one(`SELECT count(*) FROM events WHERE occurred_at <= '${new Date(now - 730 * DAY_MS).toISOString()}'::TIMESTAMPTZ`),
        jobs: (await db.all<{ state: string; error: string | null }>(`SELECT state, error FROM privacy_jobs WHERE kind = 'retention' ORDER BY created_at`)),
      };
    } finally {
      await store.close();
    }
  };

  beforeAll(async () => {
    const config = loadConfig({ 'data-dir': dataDir, 'log-level': 'silent' }, {});
    const s = await createServices(config, { logger: createLogger('silent') });
    try {
      tenantId = (await s.tenants.create({ name: 'Crash School', actor: 'test' })).tenantId;
      const db = await s.store.connect();
      const base = now - SPAN_DAYS * DAY_MS;
      // Events spread evenly over 900 days, oldest first (as ingest writes them); every 50th is an error with its row. As ingest
      // writes them, the events row of an error is in the errors category, and a person's id in props is kept apart.
      await db.run(`
        INSERT INTO events (id, tenant_id, occurred_at, received_at, category, type, subject_id, session_id, anonymous_id, page_path, props, ip_prefix,
                            data_category, identifying_props)
        SELECT uuid(), $1, to_timestamp(($2 + (i * ${SPAN_DAYS}) // ${EVENTS} * ${DAY_MS} + 12 * 3600000) / 1000.0),
               to_timestamp(($2 + (i * ${SPAN_DAYS}) // ${EVENTS} * ${DAY_MS} + 12 * 3600000) / 1000.0),
               'navigation', CASE WHEN i % 50 = 0 THEN 'app_error' ELSE 'page_view' END,
               's_seed_' || (i % 700), 'ss_seed_' || (i // 8), 'a_seed_' || (i % 900), '/p/' || (i % 40),
               CASE WHEN i % 3 = 0 THEN '{"level":2}' ELSE '{"level":1}' END, '198.51.100.0/24',
               CASE WHEN i % 50 = 0 THEN 'errors' ELSE 'events' END, CASE WHEN i % 3 = 0 THEN '{"user_id":"p_someone"}' END
        FROM range(${EVENTS}) r(i)`, [tenantId, base]);
      await db.run(`
        INSERT INTO error_events (id, event_id, tenant_id, occurred_at, received_at, subject_id, session_id, error_type, message)
        SELECT uuid(), id, tenant_id, occurred_at, received_at, subject_id, session_id, 'TypeError', 'x is undefined'
        FROM events WHERE type = 'app_error'`);
      await db.run(`
        INSERT INTO sessions (id, key, tenant_id, subject_id, anonymous_id, started_at, ended_at, duration_ms, page_views, event_count)
        SELECT session_id, md5_number(session_id), any_value(tenant_id), any_value(subject_id), any_value(anonymous_id), min(occurred_at), max(occurred_at), 0, count(*), count(*)
        FROM events GROUP BY session_id`);
      sessionIds = Number((await db.one<{ n: bigint }>('SELECT count(*) AS n FROM sessions'))!.n);
    } finally {
      await s.close();
    }
  });
  afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

  it('leaves every row untouched or fully anonymised, and a second run finishes the job', { timeout: 120_000 }, async () => {
    const before = await inspect();
    expect(before.anonymized).toBe(0);
    expect(before.halfDone).toBe(0);

    const killed = await runRetention(dataDir, 12);
    expect(killed.signal).toBe('SIGKILL');
    const mid = await inspect();
    // Killed partway: some chunks committed, work remains.
    expect(mid.anonymized + (before.events - mid.events)).toBeGreaterThan(0);
    expect(mid.dueLeft + mid.tooOld).toBeGreaterThan(0);
    expect(mid.halfDone).toBe(0);
    expect(mid.errorsHalfDone).toBe(0);
    expect(mid.sessionsHalfDone).toBe(0);
    expect(mid.jobs).toEqual([{ state: 'running', error: null }]);

    const rerun = await runRetention(dataDir);
    expect(rerun.code).toBe(0);
    const report = JSON.parse(rerun.stdout.trim().split('\n').at(-1)!) as RetentionReport;
    expect(report.dryRun).toBe(false);
    expect(report.exposure.after).toEqual([]);

    const after = await inspect();
    expect(after.dueLeft).toBe(0);
    expect(after.tooOld).toBe(0);
    expect(after.halfDone).toBe(0);
    expect(after.errorsHalfDone).toBe(0);
    expect(after.sessionsHalfDone).toBe(0);
    // Both runs together did exactly what one run would: computed here from how the rows were made.
    // Event i is (900 - d) days minus 12 hours old, d = floor(i * 900 / 200000); every 50th is an error.
    const day = (i: number) => Math.floor((i * SPAN_DAYS) / EVENTS);
    let events = 0;
    let anonymized = 0;
    for (let i = 0; i < EVENTS; i++) {
      const kept = i % 50 === 0 ? day(i) >= 535 : day(i) >= 170; // errors go after 365 days, events after 730
      if (!kept) continue;
      events++;
      if (day(i) <= 809) anonymized++; // 90 days of detail
    }
    expect(after.events).toBe(events);
    expect(after.anonymized).toBe(anonymized);
    let sessions = 0;
    for (let k = 0; k * 8 < EVENTS; k++) if (day(k * 8) >= 170) sessions++;
    expect(after.sessions).toBe(sessions);
    expect(sessions).toBeLessThan(sessionIds);
    expect(after.jobs.map((j) => j.state)).toEqual(['failed', 'succeeded']);
    expect(after.jobs[0]!.error).toMatch(/interrupted/);

    const third = await runRetention(dataDir);
    const again = JSON.parse(third.stdout.trim().split('\n').at(-1)!) as RetentionReport;
    expect(again.totals.rowsAnonymized + again.totals.rowsDeleted).toBe(0);
  });
});
