/**
 * Data-subject rights over 10 million events: Ebb's export and erasure jobs for one person, and a
 * whole tenant's export, beside the seeds' design on PostgreSQL (seed 001's user_activity_events
 * with its indexes; one person's rows read by `SELECT ... WHERE user_id = $1` on the indexed
 * column, erased by `DELETE ... WHERE user_id = $1`; a tenant export paged through the table and
 * written as JSON), in one run. Prints one JSON line; progress on stderr.
 *
 *   node --import tsx bench/rights.bench.ts [--events 10000000] [--tenant-events 1000000] [--pg-events 2000000] [--repeat 3] [--skip-baseline] [--long-ids]
 *
 * `--long-ids`: subject ids as long as Ebb's own (`s_` and 32 hex digits) instead of the short
 * `s_b00000200`: DuckDB keeps strings of up to 12 bytes inline, so short ids are cheaper to read
 * and compare in every column that holds them.
 *
 * Ebb: events of 50,000 people (about 200 each at 10M) written with set-based SQL, with their
 * sessions, errors, learning milestones and subject rows; each figure is one whole job through
 * the worker (request, run, audit): an export builds the zip with README; an erasure deletes the
 * person's rows in every inventory table, checkpoints (on a connection of its own, while the
 * verification scan reads) and runs the verification scan over every column of every table that
 * can hold text, then over the write-ahead log once the checkpoint is done. `erase_delete_ms` is
 * the deletes and their commit; `erase_scan_ms` the scan, waiting for the checkpoint and the log.
 * The baseline keeps the same 200 events per person.
 */
import { createWriteStream, mkdtempSync, rmSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { createServices, type Services } from '../packages/server/src/app/services.ts';
import { loadConfig } from '../packages/server/src/core/config.ts';
import { createLogger } from '../packages/server/src/core/logger.ts';
import type { RightsStore } from '../packages/server/src/store/ports.ts';

const arg = (name: string, fallback: string) => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1]! : fallback;
};
const EVENTS = Number(arg('events', '10000000'));
const TENANT_EVENTS = Number(arg('tenant-events', '1000000'));
const PG_EVENTS = Number(arg('pg-events', '2000000'));
const REPEAT = Number(arg('repeat', '3'));
const SKIP_BASELINE = process.argv.includes('--skip-baseline');
const LONG_IDS = process.argv.includes('--long-ids');
/** SQL for the subject id of person number `n`: short (`s_b00000200`) or as long as Ebb's own (`s_` and 32 hex digits). */
const subjectIdSql = (prefix: string, n: string) => (LONG_IDS
  ? `'s_' || md5('${prefix}' || CAST(${n} AS VARCHAR))`
  : `'${prefix}' || lpad(CAST(${n} AS VARCHAR), 8, '0')`);
const PER_PERSON = 200;
const log = (msg: string) => process.stderr.write(`${new Date().toISOString().slice(11, 19)} ${msg}\n`);
const ms = (t0: number) => Math.round((performance.now() - t0) * 10) / 10;
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

/** `events` events of `events / 200` people, with sessions, errors, learning rows and subject rows. */
async function generate(s: Services, tenantId: string, events: number, prefix: string): Promise<void> {
  const db = await s.store.connect();
  const people = Math.max(1, Math.round(events / PER_PERSON));
  await db.run(`
    INSERT INTO subjects (id, tenant_id, pseudonym, kind, consent_state, created_at)
    SELECT ${subjectIdSql(prefix, 'i')}, $1, 'p${prefix}' || md5(CAST(i AS VARCHAR)), 'learner', 'granted', now() FROM range(${people}) r(i)`, [tenantId]);
  await db.run(`
    INSERT INTO events (id, tenant_id, occurred_at, received_at, category, type, subject_id, session_id, anonymous_id,
                        page_path, page_title, referrer_host, duration_ms, load_time_ms, props, browser, os, device_type, locale, ip_prefix)
    SELECT uuid(), $1, now() - to_seconds(i // 10), now() - to_seconds(i // 10),
      CASE WHEN i % 50 = 0 THEN 'error' WHEN i % 20 = 1 THEN 'quest' ELSE 'navigation' END,
      CASE WHEN i % 50 = 0 THEN 'app_error' WHEN i % 20 = 1 THEN 'task_completed' ELSE 'page_view' END,
      ${subjectIdSql(prefix, `hash(i) % ${people}`)}, 'ss_${prefix}' || lpad(CAST(hash(i) % ${people} AS VARCHAR), 8, '0') || '_' || CAST(i // 100000 AS VARCHAR), NULL,
      '/quests/' || CAST(i % 300 AS VARCHAR), 'Quest ' || CAST(i % 300 AS VARCHAR), 'www.example.org', NULL, 200 + i % 900,
      CASE WHEN i % 4 = 0 THEN '{"quest_id":"q' || CAST(i % 300 AS VARCHAR) || '","step":3}' ELSE '{"step":1}' END,
      'Chrome', 'Windows', 'desktop', 'en-GB', '198.51.' || CAST(i % 200 AS VARCHAR) || '.0/24'
    FROM range(${events}) r(i)`, [tenantId]);
  await db.run(`
    INSERT INTO error_events (id, event_id, tenant_id, occurred_at, received_at, subject_id, session_id, error_type, message, component, page_path, browser, os)
    SELECT uuid(), id, tenant_id, occurred_at, received_at, subject_id, session_id, 'TypeError', 'x is undefined', 'QuestList', page_path, browser, os
    FROM events WHERE tenant_id = $1 AND type = 'app_error'`, [tenantId]);
  await db.run(`
    INSERT INTO learning_events (id, event_id, tenant_id, occurred_at, received_at, subject_id, session_id, type, course, activity, score, max_score)
    SELECT uuid(), id, tenant_id, occurred_at, received_at, subject_id, session_id, type, 'math-1', 'fractions', 4, 5
    FROM events WHERE tenant_id = $1 AND type = 'task_completed'`, [tenantId]);
  await db.run(`
    INSERT INTO sessions (id, key, tenant_id, subject_id, anonymous_id, started_at, ended_at, duration_ms, page_views, event_count, entry_page, exit_page, device_type, browser, os)
    SELECT session_id, md5_number(session_id), any_value(tenant_id), any_value(subject_id), NULL, min(occurred_at), max(occurred_at),
      epoch_ms(max(occurred_at)) - epoch_ms(min(occurred_at)), count(*) FILTER (WHERE type = 'page_view'), count(*), min(page_path), max(page_path), 'desktop', 'Chrome', 'Windows'
    FROM events WHERE tenant_id = $1 GROUP BY session_id`, [tenantId]);
  await db.run('CHECKPOINT');
}

/** Wraps the store's erase and scan to time them inside the job. */
function timeStore(store: RightsStore) {
  const t = { eraseMs: [] as number[], scanMs: [] as number[], exportMs: [] as number[] };
  const erase = store.eraseSubject.bind(store);
  const scan = store.scan.bind(store);
  const exp = store.exportSubject.bind(store);
  store.exportSubject = async (...a) => { const t0 = performance.now(); try { return await exp(...a); } finally { t.exportMs.push(ms(t0)); } };
  store.eraseSubject = async (...a) => { const t0 = performance.now(); try { return await erase(...a); } finally { t.eraseMs.push(ms(t0)); } };
  store.scan = async (...a) => { const t0 = performance.now(); try { return await scan(...a); } finally { t.scanMs.push(ms(t0)); } };
  return t;
}

async function ebb() {
  const root = mkdtempSync(path.join(os.tmpdir(), 'ebb-rights-bench-'));
  try {
    const s = await createServices(loadConfig({ 'data-dir': root, 'log-level': 'silent' }, {}), { logger: createLogger('silent') });
    try {
      const big = await s.tenants.create({ name: 'Bench School', actor: 'bench' });
      const small = await s.tenants.create({ name: 'Bench Tenant Export', actor: 'bench' });
      log(`ebb: generating ${EVENTS} events of ${EVENTS / PER_PERSON} people`);
      let t0 = performance.now();
      await generate(s, big.tenantId, EVENTS, 's_b');
      const loadMs = ms(t0);
      log(`ebb: generated in ${Math.round(loadMs / 1000)} s; ${TENANT_EVENTS} events for the tenant export`);
      await generate(s, small.tenantId, TENANT_EVENTS, 's_t');
      const db = await s.store.connect();
      const n = (await db.one<{ n: bigint }>('SELECT count(*) AS n FROM events'))!.n;
      const timing = timeStore(s.store.rights);
      /** The big tenant's n-th person in id order (with short ids, `s_b` and n in 8 digits). */
      const nth = async (n: number) =>
        String((await db.one<{ id: string }>(`SELECT id FROM subjects WHERE tenant_id = $1 ORDER BY id LIMIT 1 OFFSET ${n}`, [big.tenantId]))!.id);

      const exportRuns: Array<{ ms: number; rows: number; bytes: number }> = [];
      for (let i = 0; i < REPEAT; i++) {
        const subjectId = await nth(100 + i);
        const sub = (await s.store.rights.subjectById(big.tenantId, subjectId))!;
        t0 = performance.now();
        const req = await s.rights.requests.requestExport({ tenantId: big.tenantId, target: { scope: 'subject', subject: { pseudonym: sub.pseudonym, id: subjectId }, userId: 'bench' }, format: 'json', actor: 'bench' });
        const job = await s.rights.worker.runJob(req.job.id);
        exportRuns.push({ ms: ms(t0), rows: Number(job.result?.rows), bytes: Number(job.result?.bytes) });
        if (job.state !== 'succeeded') throw new Error(`export failed: ${job.error}`);
        log(`ebb: export of one person: ${exportRuns.at(-1)!.ms} ms (rows written ${timing.exportMs.at(-1)} ms), ${job.result?.rows} rows`);
      }

      const eraseRuns: Array<{ ms: number; rows: number }> = [];
      for (let i = 0; i < REPEAT; i++) {
        const subjectId = await nth(200 + i);
        const sub = (await s.store.rights.subjectById(big.tenantId, subjectId))!;
        t0 = performance.now();
        const req = await s.rights.requests.requestErasure({ tenantId: big.tenantId, target: { scope: 'subject', subject: { pseudonym: sub.pseudonym, id: subjectId }, userId: 'bench' }, confirm: 'bench', graceDays: 0, actor: 'bench' });
        const job = await s.rights.worker.runJob(req.job.id);
        eraseRuns.push({ ms: ms(t0), rows: Number(job.result?.rowsDeleted) });
        if (job.state !== 'succeeded') throw new Error(`erasure failed: ${job.error}`);
        log(`ebb: erasure of one person: ${eraseRuns.at(-1)!.ms} ms (delete and commit ${timing.eraseMs.at(-1)} ms, scan with the checkpoint beside it ${timing.scanMs.at(-1)} ms), ${job.result?.rowsDeleted} rows`);
      }

      log('ebb: tenant export');
      t0 = performance.now();
      const req = await s.rights.requests.requestExport({ tenantId: small.tenantId, target: { scope: 'tenant' }, format: 'json', actor: 'bench' });
      const tenantJob = await s.rights.worker.runJob(req.job.id);
      const tenantMs = ms(t0);
      if (tenantJob.state !== 'succeeded') throw new Error(`tenant export failed: ${tenantJob.error}`);
      const tenantRows = Number(tenantJob.result?.rows);
      const zipBytes = statSync(s.rights.files.resolve(tenantJob.file!)!).size;
      log(`ebb: tenant export: ${tenantRows} rows in ${tenantMs} ms`);
      return {
        events: Number(n),
        people: EVENTS / PER_PERSON,
        subject_ids: LONG_IDS ? 'long (s_ and 32 hex digits)' : 'short',
        load_s: Math.round(loadMs / 1000),
        export_one_ms: median(exportRuns.map((r) => r.ms)),
        export_one_runs_ms: exportRuns.map((r) => r.ms),
        export_one_rows: exportRuns[0]!.rows,
        erase_one_ms: median(eraseRuns.map((r) => r.ms)),
        erase_one_runs_ms: eraseRuns.map((r) => r.ms),
        erase_one_rows: eraseRuns[0]!.rows,
        export_rows_ms: median(timing.exportMs),
        erase_delete_ms: median(timing.eraseMs),
        erase_scan_ms: median(timing.scanMs),
        tenant_export: {
          events: TENANT_EVENTS, rows: tenantRows, ms: tenantMs, rows_per_s: Math.round(tenantRows / (tenantMs / 1000)),
          zip_mib: Math.round(zipBytes / 2 ** 20), format: 'json',
        },
      };
    } finally {
      await s.close();
    }
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
}

async function baseline() {
  const client = new pg.Client({ host: '127.0.0.1', port: 5432, user: 'postgres', database: 'test' });
  await client.connect();
  const q = (sql: string, params?: unknown[]) => client.query(sql, params);
  const people = Math.round(PG_EVENTS / PER_PERSON);
  const file = path.join(os.tmpdir(), `ebb-rights-bench-pg-${process.pid}.json`);
  try {
    await q('DROP SCHEMA IF EXISTS rights_bench CASCADE');
    await q('CREATE SCHEMA rights_bench');
    await q('SET search_path = rights_bench, public');
    await q(`CREATE TABLE user_activity_events (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(), user_id uuid, session_id text, event_type text NOT NULL, event_data jsonb DEFAULT '{}'::jsonb,
      page_url text, user_agent text, ip_address text, created_at timestamptz NOT NULL DEFAULT now(), anonymized_at timestamptz)`);
    log(`baseline: loading ${PG_EVENTS} rows of ${people} users, then the seed's indexes`);
    let t0 = performance.now();
    await q(`INSERT INTO user_activity_events (user_id, session_id, event_type, event_data, page_url, user_agent, ip_address, created_at)
      SELECT md5('u' || (hashint4(i) % ${people})::text)::uuid, 'ss_' || (hashint4(i) % ${people})::text,
        CASE WHEN i % 50 = 0 THEN 'error' WHEN i % 20 = 1 THEN 'task_completed' ELSE 'page_view' END,
        CASE WHEN i % 4 = 0 THEN jsonb_build_object('quest_id', 'q' || i % 300, 'step', 3) ELSE jsonb_build_object('step', 1) END,
        '/quests/' || i % 300, 'Mozilla/5.0 (Windows NT 10.0; Win64; x64) Chrome/124.0', '198.51.' || i % 200 || '.0',
        now() - (i / 10) * interval '1 second'
      FROM generate_series(0, ${PG_EVENTS - 1}) g(i)`);
    await q('CREATE INDEX idx_activity_events_created_brin ON user_activity_events USING brin (created_at)');
    await q('CREATE INDEX idx_activity_events_user ON user_activity_events (user_id, created_at DESC)');
    await q('CREATE INDEX idx_activity_events_data ON user_activity_events USING gin (event_data)');
    await q('VACUUM ANALYZE user_activity_events');
    const loadS = Math.round(ms(t0) / 1000);
    const user = (i: number) => q(`SELECT md5('u' || $1::text)::uuid AS u`, [i]).then((r) => r.rows[0].u as string);

    const exportRuns: number[] = [];
    let exportRows = 0;
    for (let i = 0; i < REPEAT; i++) {
      const u = await user(100 + i);
      t0 = performance.now();
      const r = await q('SELECT * FROM user_activity_events WHERE user_id = $1', [u]);
      JSON.stringify(r.rows);
      exportRuns.push(ms(t0));
      exportRows = r.rowCount ?? 0;
    }
    const eraseRuns: number[] = [];
    let erasedRows = 0;
    for (let i = 0; i < REPEAT; i++) {
      const u = await user(200 + i);
      t0 = performance.now();
      const r = await q('DELETE FROM user_activity_events WHERE user_id = $1', [u]);
      eraseRuns.push(ms(t0));
      erasedRows = r.rowCount ?? 0;
    }
    log(`baseline: export of one user ${median(exportRuns)} ms, erasure ${median(eraseRuns)} ms; tenant export of ${Math.min(TENANT_EVENTS, PG_EVENTS)} rows`);
    // A tenant export as the seed's worker would do it: pages of rows in key order, written as JSON.
    t0 = performance.now();
    const out = createWriteStream(file, { mode: 0o600 });
    let last = '00000000-0000-0000-0000-000000000000';
    let rows = 0;
    const want = Math.min(TENANT_EVENTS, PG_EVENTS);
    while (rows < want) {
      const page = await q('SELECT * FROM user_activity_events WHERE id > $1 ORDER BY id LIMIT $2', [last, Math.min(10_000, want - rows)]);
      if (page.rows.length === 0) break;
      for (const row of page.rows) out.write(`${JSON.stringify(row)}\n`);
      rows += page.rows.length;
      last = page.rows.at(-1).id;
    }
    await new Promise<void>((resolve) => out.end(resolve));
    const tenantMs = ms(t0);
    return {
      events: PG_EVENTS,
      load_s: loadS,
      export_one_ms: median(exportRuns),
      export_one_runs_ms: exportRuns,
      export_one_rows: exportRows,
      erase_one_ms: median(eraseRuns),
      erase_one_runs_ms: eraseRuns,
      erase_one_rows: erasedRows,
      tenant_export: { rows, ms: tenantMs, rows_per_s: Math.round(rows / (tenantMs / 1000)), format: 'json lines, not zipped' },
      note: 'seed design: one table, btree index on user_id; export = indexed SELECT serialised to JSON, erasure = DELETE ... WHERE user_id = $1 (no other tables, no verification)',
    };
  } finally {
    rmSync(file, { force: true });
    await q('DROP SCHEMA IF EXISTS rights_bench CASCADE').catch(() => undefined);
    await client.end();
  }
}

const machine = { cpus: os.cpus().length, memory_gib: Math.round(os.totalmem() / 2 ** 30), node: process.version, load_avg_1m: os.loadavg()[0] };
const ebbResult = await ebb();
const baselineResult = SKIP_BASELINE ? null : await baseline();
process.stdout.write(`${JSON.stringify({ bench: 'rights', machine, ebb: ebbResult, baseline: baselineResult })}\n`);
