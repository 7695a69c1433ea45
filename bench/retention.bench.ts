/**
 * Retention over 10 million events: Ebb's retention job on DuckDB beside the seeds' design (seed
 * 001's user_activity_events on PostgreSQL with its BRIN, btree and GIN indexes, anonymised by
 * one UPDATE and purged by one DELETE), in one run. Prints one JSON line; progress on stderr.
 *
 *   node --import tsx bench/retention.bench.ts [--events 10000000] [--pg-events 1000000] [--skip-baseline]
 *     [--chunk-rows 1000000] [--scenarios daily,all]
 *
 * Ebb, scenario "daily": events spread evenly over three years (oldest first, as ingest writes
 * them), with sessions, errors and learning milestones; the default policies (detail 90 days,
 * deleted after two years, errors after one); one run of the real job (`retentionRunner.run`).
 * Scenario "all": the same rows with a tenant policy of one day of detail, so the job anonymises
 * every event older than a day in one run.
 */
import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { createServices, type Services } from '../packages/server/src/app/services.ts';
import { createManualClock, DAY_MS } from '../packages/server/src/core/clock.ts';
import { loadConfig } from '../packages/server/src/core/config.ts';
import { createLogger } from '../packages/server/src/core/logger.ts';
import type { CategoryCounts, LifecycleStore, RetentionSlice } from '../packages/server/src/store/ports.ts';

const arg = (name: string, fallback: string) => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1]! : fallback;
};
const EVENTS = Number(arg('events', '10000000'));
const PG_EVENTS = Number(arg('pg-events', '1000000'));
const SKIP_BASELINE = process.argv.includes('--skip-baseline');
const CHUNK_ROWS = arg('chunk-rows', '1000000');
const SCENARIOS = new Set(arg('scenarios', 'daily,all').split(','));
const SPAN_DAYS = 3 * 365;
const log = (msg: string) => process.stderr.write(`${new Date().toISOString().slice(11, 19)} ${msg}\n`);
const seconds = (t0: number) => Math.round((performance.now() - t0) / 10) / 100;
const perSecond = (rows: number, s: number) => (s > 0 ? Math.round(rows / s) : null);

// A manual clock: the same instant for the catch-up run and its repeat, one day later for the next daily run.
const NOW = Date.now();
const open = (dataDir: string, clock = createManualClock(NOW)) =>
  createServices(loadConfig({ 'data-dir': dataDir, 'log-level': 'silent', 'retention-chunk-rows': CHUNK_ROWS }, {}), { logger: createLogger('silent'), clock });

/**
 * Rows as ingest writes them: oldest first, one event every ~9.5 s per 10M over three years; each
 * events row with its retention category (`data_category`: errors and milestones have rows of their
 * own) and, in a quarter of them, an identifying property key (`friend_id`) kept apart from the
 * other properties (`identifying_props`).
 */
async function generate(s: Services, tenantId: string, now: number): Promise<void> {
  const db = await s.store.connect();
  const start = now - SPAN_DAYS * DAY_MS;
  const stepMs = (SPAN_DAYS * DAY_MS) / EVENTS;
  await db.run(`
    INSERT INTO events (id, tenant_id, occurred_at, received_at, category, type, subject_id, session_id, anonymous_id,
                        page_path, page_title, referrer_host, duration_ms, load_time_ms, props, browser, os, device_type, locale, ip_prefix,
                        data_category, identifying_props)
    SELECT uuid(), $1, to_timestamp(($2 + i * $3 + hash(i) % 5000) / 1000.0), to_timestamp(($2 + i * $3 + 7000) / 1000.0),
      CASE WHEN i % 50 = 0 THEN 'error' WHEN i % 20 = 1 THEN 'quest' ELSE 'navigation' END,
      CASE WHEN i % 50 = 0 THEN 'app_error' WHEN i % 20 = 1 THEN 'task_completed' ELSE 'page_view' END,
      's_' || lpad(CAST(hash(i // 40) % 50000 AS VARCHAR), 8, '0'), 'ss_' || CAST(i // 8 AS VARCHAR),
      CASE WHEN i % 3 = 0 THEN 'a_' || CAST(hash(i // 40) % 70000 AS VARCHAR) END,
      '/quests/' || CAST(i % 300 AS VARCHAR), 'Quest ' || CAST(i % 300 AS VARCHAR), 'www.example.org', NULL, 200 + i % 900,
      CASE WHEN i % 4 = 0 THEN '{"quest_id":"q' || CAST(i % 300 AS VARCHAR) || '","step":3}' WHEN i % 4 = 1 THEN '{"step":1}' END,
      'Chrome', 'Windows', 'desktop', 'en-GB', '198.51.' || CAST(i % 200 AS VARCHAR) || '.0/24',
      CASE WHEN i % 50 = 0 THEN 'errors' WHEN i % 20 = 1 THEN 'learning_events' ELSE 'events' END,
      CASE WHEN i % 4 = 0 THEN '{"friend_id":"p_x"}' END
    FROM range(${EVENTS}) r(i)`, [tenantId, start, stepMs]);
  await db.run(`
    INSERT INTO error_events (id, event_id, tenant_id, occurred_at, received_at, subject_id, session_id, error_type, message, component, page_path, browser, os)
    SELECT uuid(), id, tenant_id, occurred_at, received_at, subject_id, session_id, 'TypeError', 'x is undefined', 'QuestList', page_path, browser, os
    FROM events WHERE type = 'app_error'`);
  await db.run(`
    INSERT INTO learning_events (id, event_id, tenant_id, occurred_at, received_at, subject_id, session_id, type, course, activity, score, max_score)
    SELECT uuid(), id, tenant_id, occurred_at, received_at, subject_id, session_id, type, 'math-1', 'fractions', 4, 5
    FROM events WHERE type = 'task_completed'`);
  await db.run(`
    INSERT INTO sessions (id, key, tenant_id, subject_id, anonymous_id, started_at, ended_at, duration_ms, page_views, event_count, entry_page, exit_page, device_type, browser, os)
    SELECT session_id, md5_number(session_id), any_value(tenant_id), any_value(subject_id), any_value(anonymous_id), min(occurred_at), max(occurred_at),
      epoch_ms(max(occurred_at)) - epoch_ms(min(occurred_at)), count(*) FILTER (WHERE type = 'page_view'), count(*), min(page_path), max(page_path), 'desktop', 'Chrome', 'Windows'
    FROM events GROUP BY session_id`);
  await db.run('CHECKPOINT');
}

/**
 * Times the store's passes while the real job runs: per stage and group of categories (events,
 * errors and learning milestones share `events` rows and are one pass; sessions are another),
 * with the rows changed per table.
 */
function timePasses(lifecycle: LifecycleStore) {
  const t = { anonymizeS: 0, deleteS: 0, chunks: 0, seconds: {} as Record<string, number>, rows: {} as Record<string, Record<string, number>> };
  const note = (key: string, t0: number, counts: CategoryCounts) => {
    const s = (performance.now() - t0) / 1000;
    t.seconds[key] = (t.seconds[key] ?? 0) + s;
    const rows = (t.rows[key] ??= {});
    for (const c of Object.values(counts)) for (const [table, n] of Object.entries(c ?? {})) rows[table] = (rows[table] ?? 0) + n;
    t.chunks++;
    return s;
  };
  const anonymize = lifecycle.anonymizeBefore.bind(lifecycle);
  const remove = lifecycle.deleteBefore.bind(lifecycle);
  const name = (slices: readonly RetentionSlice[]) => slices.map((s) => s.category).join('+');
  lifecycle.anonymizeBefore = async (slices, at) => {
    const t0 = performance.now();
    const r = await anonymize(slices, at);
    t.anonymizeS += note(`anonymize ${name(slices)}`, t0, r);
    return r;
  };
  lifecycle.deleteBefore = async (slices) => {
    const t0 = performance.now();
    const r = await remove(slices);
    t.deleteS += note(`delete ${name(slices)}`, t0, r);
    return r;
  };
  return t;
}

const round2 = (n: number) => Math.round(n * 100) / 100;

/** Peak resident memory of this process (Ebb and DuckDB run in it), sampled while the job runs. */
function rssSampler() {
  let peak = process.memoryUsage().rss;
  const timer = setInterval(() => {
    peak = Math.max(peak, process.memoryUsage().rss);
  }, 100);
  return {
    stop: () => {
      clearInterval(timer);
      return { peak_mb: Math.round(Math.max(peak, process.memoryUsage().rss) / 2 ** 20), end_mb: Math.round(process.memoryUsage().rss / 2 ** 20) };
    },
  };
}

async function ebbScenario(dataDir: string, tenantId: string, name: string, policy?: { anonymizeAfterDays: number; deleteAfterDays: number }) {
  const clock = createManualClock(NOW);
  const s = await open(dataDir, clock);
  try {
    if (policy) {
      await s.retention.change({ tenantId, changes: { events: policy, sessions: policy, learning_events: policy, errors: policy }, actor: 'bench' });
    }
    const passes = timePasses(s.store.lifecycle);
    log(`ebb ${name}: retention run`);
    const rss = rssSampler();
    const t0 = performance.now();
    const report = await s.retentionRunner.run({ actor: 'bench' });
    const runS = seconds(t0);
    const rssMb = rss.stop();
    const categories = report.tenants[0]!.categories;
    const eventsRowsAnonymized = categories.reduce((a, c) => a + (c.anonymized.events ?? 0), 0);
    const eventsRowsDeleted = categories.reduce((a, c) => a + (c.deleted.events ?? 0), 0);
    // The pass that anonymises events rows: every events row (plain events, errors', milestones'), with the error and milestone rows.
    const eventsPass = Object.keys(passes.seconds).find((k) => k.startsWith('anonymize ') && k.slice(10).split('+').includes('events'));
    const eventsS = eventsPass ? passes.seconds[eventsPass]! : 0;
    const out = {
      run_s: runS,
      anonymize_s: round2(passes.anonymizeS),
      delete_s: round2(passes.deleteS),
      chunks: passes.chunks,
      per_pass: Object.fromEntries(Object.entries(passes.seconds).map(([k, v]) => {
        const rows = Object.values(passes.rows[k]!).reduce((a, b) => a + b, 0);
        // A copy: the repeat and next-day runs below go through the same timers.
        return [k, { s: round2(v), rows: { ...passes.rows[k] }, rows_per_s: perSecond(rows, v) }];
      })),
      events_rows_anonymized: eventsRowsAnonymized,
      events_rows_deleted: eventsRowsDeleted,
      rows_anonymized: report.totals.rowsAnonymized,
      rows_deleted: report.totals.rowsDeleted,
      // Every events row anonymised (plain events, errors' and milestones' rows) over the time of the pass that does them
      // (which also anonymises the error and milestone rows themselves).
      events_pass_s: round2(eventsS),
      events_anonymize_rows_per_s: perSecond(eventsRowsAnonymized, eventsS),
      anonymize_rows_per_s: perSecond(report.totals.rowsAnonymized, passes.anonymizeS),
      delete_rows_per_s: perSecond(report.totals.rowsDeleted, passes.deleteS),
      anonymization_rate_after: report.after.anonymizationRate,
      rss_mb: rssMb,
    };
    log(`ebb ${name}: ${JSON.stringify(out)}`);
    const t1 = performance.now();
    const again = await s.retentionRunner.run({ actor: 'bench' });
    const repeat = { s: seconds(t1), rows: again.totals.rowsAnonymized + again.totals.rowsDeleted };
    // The next day's run: what a daily schedule does once caught up.
    clock.advance(DAY_MS);
    const t2 = performance.now();
    const next = await s.retentionRunner.run({ actor: 'bench' });
    const nextDay = { s: seconds(t2), rows_anonymized: next.totals.rowsAnonymized, rows_deleted: next.totals.rowsDeleted };
    log(`ebb ${name}: repeat ${JSON.stringify(repeat)}, next day ${JSON.stringify(nextDay)}`);
    return { ...out, repeat_run: repeat, next_day_run: nextDay };
  } finally {
    await s.close();
  }
}

async function ebb() {
  const root = mkdtempSync(path.join(os.tmpdir(), 'ebb-retention-bench-'));
  const daily = path.join(root, 'daily');
  const all = path.join(root, 'all');
  try {
    const now = NOW;
    const s = await open(daily);
    const tenantId = (await s.tenants.create({ name: 'Bench School', actor: 'bench' })).tenantId;
    log(`ebb: generating ${EVENTS} events over ${SPAN_DAYS} days`);
    const t0 = performance.now();
    await generate(s, tenantId, now);
    const generateS = seconds(t0);
    const counts = await s.store.lifecycle.stats(tenantId);
    await s.close();
    log(`ebb: generated in ${generateS} s: ${JSON.stringify(counts)}`);
    if (SCENARIOS.has('all')) cpSync(daily, all, { recursive: true });
    const dailyResult = SCENARIOS.has('daily') ? await ebbScenario(daily, tenantId, 'daily') : null;
    rmSync(daily, { recursive: true, force: true });
    const allResult = SCENARIOS.has('all') ? await ebbScenario(all, tenantId, 'all', { anonymizeAfterDays: 1, deleteAfterDays: 3650 }) : null;
    return {
      events: EVENTS,
      chunk_rows: Number(CHUNK_ROWS),
      tables: Object.fromEntries(Object.entries(counts).map(([t, c]) => [t, c.rows])),
      generate_s: generateS,
      daily: dailyResult,
      all: allResult,
    };
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
}

/** Seed 001's table and its maintenance statements, in a schema of its own. */
async function baseline() {
  const client = new pg.Client({ host: '127.0.0.1', port: 5432, user: 'postgres', database: 'test' });
  await client.connect();
  const q = (sql: string) => client.query(sql);
  try {
    await q('DROP SCHEMA IF EXISTS retention_bench CASCADE');
    await q('CREATE SCHEMA retention_bench');
    await q('SET search_path = retention_bench, public');
    await q(`CREATE TABLE user_activity_events (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(), user_id uuid, event_type text NOT NULL, event_data jsonb DEFAULT '{}'::jsonb,
      page_url text, user_agent text, ip_address text, created_at timestamptz NOT NULL DEFAULT now(), anonymized_at timestamptz)`);
    log(`baseline: loading ${PG_EVENTS} rows over ${SPAN_DAYS} days, then building the seed's indexes`);
    const t0 = performance.now();
    // Users are drawn from 50,000 ids; about one in four events carries an e-mail in event_data, as the seed's job expects.
    await q(`INSERT INTO user_activity_events (user_id, event_type, event_data, page_url, user_agent, ip_address, created_at)
      SELECT md5('u' || (hashint4(i) % 50000)::text)::uuid,
        CASE WHEN i % 50 = 0 THEN 'error' WHEN i % 20 = 1 THEN 'task_completed' ELSE 'page_view' END,
        CASE WHEN i % 4 = 0 THEN jsonb_build_object('quest_id', 'q' || i % 300, 'email', 'learner' || i % 50000 || '@example.org', 'step', 3)
             ELSE jsonb_build_object('step', 1) END,
        '/quests/' || i % 300, 'Mozilla/5.0 (Windows NT 10.0; Win64; x64) Chrome/124.0', '198.51.' || i % 200 || '.' || i % 250,
        now() - interval '${SPAN_DAYS} days' + (i * (${SPAN_DAYS}::float8 * 86400 / ${PG_EVENTS})) * interval '1 second'
      FROM generate_series(0, ${PG_EVENTS - 1}) g(i)`);
    await q('CREATE INDEX idx_activity_events_created_brin ON user_activity_events USING brin (created_at)');
    await q('CREATE INDEX idx_activity_events_user ON user_activity_events (user_id, created_at DESC)');
    await q('CREATE INDEX idx_activity_events_data ON user_activity_events USING gin (event_data)');
    await q('VACUUM ANALYZE user_activity_events');
    const loadS = seconds(t0);
    log(`baseline: loaded in ${loadS} s; anonymising`);
    const t1 = performance.now();
    const anon = await q(`UPDATE user_activity_events SET user_id = NULL, user_agent = NULL, ip_address = NULL,
        event_data = event_data - 'email' - 'ip_address' - 'user_email', anonymized_at = now()
      WHERE created_at < now() - interval '90 days' AND anonymized_at IS NULL`);
    const anonymizeS = seconds(t1);
    log(`baseline: anonymised ${anon.rowCount} rows in ${anonymizeS} s; deleting`);
    const t2 = performance.now();
    const del = await q(`DELETE FROM user_activity_events WHERE created_at < now() - interval '2 years'`);
    const deleteS = seconds(t2);
    log(`baseline: deleted ${del.rowCount} rows in ${deleteS} s`);
    return {
      events: PG_EVENTS,
      load_s: loadS,
      anonymize_s: anonymizeS,
      rows_anonymized: anon.rowCount ?? 0,
      anonymize_rows_per_s: perSecond(anon.rowCount ?? 0, anonymizeS),
      delete_s: deleteS,
      rows_deleted: del.rowCount ?? 0,
      delete_rows_per_s: perSecond(del.rowCount ?? 0, deleteS),
      note: 'seed order: anonymise every row older than 90 days (those past two years too), then delete those past two years',
    };
  } finally {
    await q('DROP SCHEMA IF EXISTS retention_bench CASCADE').catch(() => undefined);
    await client.end();
  }
}

const machine = { cpus: os.cpus().length, memory_gib: Math.round(os.totalmem() / 2 ** 30), node: process.version };
const ebbResult = await ebb();
const baselineResult = SKIP_BASELINE ? null : await baseline();
const ratio = baselineResult && ebbResult.all?.events_anonymize_rows_per_s && baselineResult.anonymize_rows_per_s
  ? {
      events_anonymize_rows_per_s: Math.round((ebbResult.all.events_anonymize_rows_per_s / baselineResult.anonymize_rows_per_s) * 10) / 10,
      delete_rows_per_s: ebbResult.daily?.delete_rows_per_s && baselineResult.delete_rows_per_s
        ? Math.round((ebbResult.daily.delete_rows_per_s / baselineResult.delete_rows_per_s) * 10) / 10 : null,
    }
  : null;
process.stdout.write(`${JSON.stringify({ bench: 'retention', machine, ebb: ebbResult, baseline: baselineResult, ratio })}\n`);
