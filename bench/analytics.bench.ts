/**
 * The dashboard's overview and the at-risk list over 10 million events and 50,000 learners,
 * through the real routes (app.inject: routing, access check, validation, query, suppression,
 * JSON), beside the same queries on the seeds' PostgreSQL design (seed 001's user_activity_events
 * with its indexes, and a sessions table) in the same run. Data is generated with set-based SQL
 * straight into each store (not through ingest). Prints one JSON line.
 *
 *   node --import tsx bench/analytics.bench.ts [--events 10000000] [--learners 50000] [--runs 20] [--skip-baseline]
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { createServices } from '../packages/server/src/app/services.ts';
import { createManualClock } from '../packages/server/src/core/clock.ts';
import { loadConfig } from '../packages/server/src/core/config.ts';
import { createLogger } from '../packages/server/src/core/logger.ts';
import { createHttpApp } from '../packages/server/src/http/app.ts';

const arg = (name: string, fallback: string) => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1]! : fallback;
};
const EVENTS = Number(arg('events', '10000000'));
const LEARNERS = Number(arg('learners', '50000'));
const RUNS = Number(arg('runs', '20'));
const SKIP_BASELINE = process.argv.includes('--skip-baseline');
const NOW = '2026-11-20T12:00:00Z';
const DAYS = 365;
/** Sessions: 20 per learner over the year. */
const SESSIONS = LEARNERS * 20;
const PG_SCHEMA = 'bench_analytics';

const TARGETS = { overview_ms: 200, at_risk_ms: 2000 };

/**
 * The same synthetic year in both stores, from integers only: event i happens at
 * now - (1 - i/N) x 365 days (so rows arrive in time order, as ingest writes them); h is a
 * multiplicative hash of i that picks the type, the quest and the page, and g another that picks the learner. In the last
 * 30 days only 70% of learners are active, so the at-risk list has work to do. Rows older than
 * 90 days are anonymised, as retention leaves them.
 */
const H = '((i * 2654435761) % 4294967296)';
/** A second hash (mod the prime 2^31 - 1, whose low bits scatter well) picks the learner. */
const G = '((i * 1103515245 + 12345) % 2147483647)';
const TYPE_CASE = (h: string) => `CASE (${h} // 7) % 20
  WHEN 10 THEN 'page_exit' WHEN 11 THEN 'quest_viewed' WHEN 12 THEN 'quest_started' WHEN 13 THEN 'quest_completed'
  WHEN 14 THEN 'badge_earned' WHEN 15 THEN 'tutor_message_sent' WHEN 16 THEN 'login_success' WHEN 17 THEN 'route_change'
  WHEN 18 THEN 'task_completed' WHEN 19 THEN 'api_error' ELSE 'page_view' END`;
const CATEGORY_CASE = (h: string) => `CASE (${h} // 7) % 20
  WHEN 11 THEN 'quest' WHEN 12 THEN 'quest' WHEN 13 THEN 'quest' WHEN 18 THEN 'quest' WHEN 14 THEN 'badge'
  WHEN 15 THEN 'tutor' WHEN 16 THEN 'auth' WHEN 19 THEN 'error' ELSE 'navigation' END`;

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

async function timed(runs: number, fn: () => Promise<unknown>): Promise<{ p50_ms: number; p95_ms: number; min_ms: number; runs: number }> {
  for (let i = 0; i < 2; i++) await fn(); // warm-up: first reads page the data in
  const ms: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t0 = process.hrtime.bigint();
    await fn();
    ms.push(Number(process.hrtime.bigint() - t0) / 1e6);
  }
  ms.sort((a, b) => a - b);
  const r = (x: number) => Math.round(x * 10) / 10;
  return { p50_ms: r(percentile(ms, 50)), p95_ms: r(percentile(ms, 95)), min_ms: r(ms[0]!), runs };
}

async function ebb() {
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'ebb-bench-analytics-'));
  const config = loadConfig({ 'data-dir': dataDir, 'log-level': 'silent' }, {});
  const s = await createServices(config, { clock: createManualClock(NOW), logger: createLogger('silent') });
  const { app } = await createHttpApp(s);
  await app.ready();
  try {
    const tenant = await s.tenants.create({ name: 'Bench School', actor: 'bench' });
    const tid = tenant.tenantId;
    const db = await s.store.connect();
    const t0 = Date.now();
    await db.run(`INSERT INTO subjects (id, tenant_id, pseudonym, kind, created_at)
      SELECT 'l' || i, '${tid}', 'p' || i, 'learner', TIMESTAMPTZ '${NOW}' - INTERVAL 400 DAY FROM range(${LEARNERS}) r(i)`);
    await db.run(`INSERT INTO events (id, tenant_id, occurred_at, received_at, category, type, subject_id, session_id, page_path, duration_ms, load_time_ms, props, anonymized_at)
      SELECT uuid(), '${tid}', t, t, ${CATEGORY_CASE('h')}, ${TYPE_CASE('h')},
             CASE WHEN old THEN NULL ELSE 'l' || u END, CASE WHEN old THEN NULL ELSE 's' || u || '-' || (i // 25) END,
             '/quests/' || (h % 300), CASE WHEN (h // 7) % 20 = 10 THEN (h % 120000)::INTEGER END, CASE WHEN (h // 7) % 20 < 10 THEN (200 + h % 900)::INTEGER END,
             CASE WHEN (h // 7) % 20 IN (11, 12, 13) THEN json_object('quest_id', 'q' || (h % 300), 'pillar', ['stem', 'arts', 'civics', 'wellness'][1 + h % 4])
                  WHEN (h // 7) % 20 = 14 THEN json_object('badge_id', 'b' || (h % 40)) END,
             CASE WHEN old THEN t + INTERVAL 90 DAY END
      FROM (
        SELECT i, h, t, t < TIMESTAMPTZ '${NOW}' - INTERVAL 90 DAY AS old,
               CASE WHEN t >= TIMESTAMPTZ '${NOW}' - INTERVAL 30 DAY THEN g % ${Math.floor(LEARNERS * 0.7)} ELSE g % ${LEARNERS} END AS u
        FROM (SELECT i, ${H} AS h, ${G} AS g, TIMESTAMPTZ '${NOW}' - to_microseconds((${EVENTS} - i) * ${Math.floor((DAYS * 86_400_000_000) / EVENTS)}) AS t FROM range(${EVENTS}) r(i))
      )`);
    await db.run(`INSERT INTO sessions (id, key, tenant_id, subject_id, started_at, ended_at, duration_ms, page_views, event_count, entry_page, exit_page, anonymized_at)
      SELECT 'sess' || i, md5_number('sess' || i), '${tid}', CASE WHEN old THEN NULL ELSE 'l' || (h % ${LEARNERS}) END, t, t + to_milliseconds(d), d, 1 + h % 9, 3 + h % 20, '/quests/' || (h % 300), '/quests/' || (h % 300),
             CASE WHEN old THEN t + INTERVAL 90 DAY END
      FROM (SELECT i, h, t, (60000 + h % 3540000)::BIGINT AS d, t < TIMESTAMPTZ '${NOW}' - INTERVAL 90 DAY AS old
            FROM (SELECT i, ${H} AS h, TIMESTAMPTZ '${NOW}' - to_microseconds((${SESSIONS} - i) * ${Math.floor((DAYS * 86_400_000_000) / SESSIONS)}) AS t FROM range(${SESSIONS}) r(i)))`);
    await db.run('CHECKPOINT');
    const loadSeconds = (Date.now() - t0) / 1000;
    const n = ((await db.all('SELECT count(*) AS n FROM events')) as Array<{ n: bigint }>)[0]!.n;

    const headers = { authorization: `Bearer ${tenant.keys.admin}` };
    const call = async (url: string) => {
      const res = await app.inject({ method: 'GET', url, headers });
      if (res.statusCode !== 200) throw new Error(`${url}: ${res.statusCode} ${res.body.slice(0, 300)}`);
      return res.json();
    };
    const sampleOverview = await call('/api/v1/analytics/overview');
    const sampleRisk = await call('/api/v1/analytics/at-risk?threshold=0.7&limit=100');
    const overview = await timed(RUNS, () => call('/api/v1/analytics/overview'));
    const atRisk = await timed(Math.max(5, Math.floor(RUNS / 2)), () => call('/api/v1/analytics/at-risk?threshold=0.7&limit=100'));
    return {
      events: Number(n), load_seconds: Math.round(loadSeconds), overview, at_risk: atRisk,
      check: { mau: sampleOverview.data.activeUsers.monthly.value, events_30d: sampleOverview.data.totals.events, at_risk: sampleRisk.data.atRisk, scored: sampleRisk.data.learnersScored },
      rss_mb: Math.round(process.memoryUsage().rss / 1e6),
    };
  } finally {
    await app.close();
    await s.close();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

/** Seed 001's tables and indexes (bench/baseline/seed-schema.sql) in a schema of their own, loaded set-based. */
async function postgres() {
  const client = new pg.Client({ host: '127.0.0.1', port: 5432, user: 'postgres', database: 'test' });
  await client.connect();
  const end = NOW;
  try {
    await client.query(`DROP SCHEMA IF EXISTS ${PG_SCHEMA} CASCADE; CREATE SCHEMA ${PG_SCHEMA}; SET search_path = ${PG_SCHEMA}, public`);
    await client.query(`
      CREATE TABLE user_activity_events (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(), user_id text, session_id text, event_type text NOT NULL, event_category text,
        event_data jsonb DEFAULT '{}'::jsonb, page_url text, referrer_url text, user_agent text, ip_address text, duration_ms integer,
        created_at timestamptz NOT NULL DEFAULT now(), anonymized_at timestamptz);
      CREATE TABLE user_sessions (id text PRIMARY KEY, user_id text, started_at timestamptz NOT NULL, ended_at timestamptz, duration_seconds integer, page_views integer);
      CREATE TABLE learners (id text PRIMARY KEY)`);
    const t0 = Date.now();
    const h = '((i::bigint * 2654435761) % 4294967296)';
    const pgType = TYPE_CASE('h').replaceAll('//', '/');
    const pgCategory = CATEGORY_CASE('h').replaceAll('//', '/');
    await client.query(`INSERT INTO learners SELECT 'l' || i FROM generate_series(0, ${LEARNERS - 1}) i`);
    await client.query(`INSERT INTO user_activity_events (user_id, session_id, event_type, event_category, event_data, page_url, duration_ms, created_at, anonymized_at)
      SELECT CASE WHEN old THEN NULL ELSE 'l' || u END, CASE WHEN old THEN NULL ELSE 's' || u || '-' || (i / 25) END, ${pgType}, ${pgCategory},
             CASE WHEN (h / 7) % 20 IN (11, 12, 13) THEN jsonb_build_object('quest_id', 'q' || (h % 300), 'pillar', (ARRAY['stem', 'arts', 'civics', 'wellness'])[1 + h % 4])
                  WHEN (h / 7) % 20 = 14 THEN jsonb_build_object('badge_id', 'b' || (h % 40)) ELSE '{}'::jsonb END,
             '/quests/' || (h % 300), CASE WHEN (h / 7) % 20 = 10 THEN (h % 120000)::int END, t, CASE WHEN old THEN t + interval '90 days' END
      FROM (
        SELECT i, h, t, t < timestamptz '${end}' - interval '90 days' AS old,
               CASE WHEN t >= timestamptz '${end}' - interval '30 days' THEN g % ${Math.floor(LEARNERS * 0.7)} ELSE g % ${LEARNERS} END AS u
        FROM (SELECT i, ${h} AS h, ${G.replace('i *', 'i::bigint *')} AS g, timestamptz '${end}' - make_interval(secs => (${EVENTS} - i) * ${DAYS * 86_400}.0 / ${EVENTS}) AS t
              FROM generate_series(0, ${EVENTS - 1}) i) x
      ) y`);
    await client.query(`INSERT INTO user_sessions (id, user_id, started_at, ended_at, duration_seconds, page_views)
      SELECT 'sess' || i, CASE WHEN old THEN NULL ELSE 'l' || (h % ${LEARNERS}) END, t, t + make_interval(secs => d / 1000.0), d / 1000, 1 + h % 9
      FROM (SELECT i, h, t, 60000 + h % 3540000 AS d, t < timestamptz '${end}' - interval '90 days' AS old
            FROM (SELECT i, ${h} AS h, timestamptz '${end}' - make_interval(secs => (${SESSIONS} - i) * ${DAYS * 86_400}.0 / ${SESSIONS}) AS t
                  FROM generate_series(0, ${SESSIONS - 1}) i) x) y`);
    // Seed 001's indexes, built after the load (the same end state as inserting into indexed tables, sooner).
    await client.query(`
      CREATE INDEX idx_activity_events_created_brin ON user_activity_events USING brin (created_at);
      CREATE INDEX idx_activity_events_user ON user_activity_events (user_id, created_at DESC);
      CREATE INDEX idx_activity_events_type ON user_activity_events (event_type, created_at DESC);
      CREATE INDEX idx_activity_events_data ON user_activity_events USING gin (event_data);
      CREATE INDEX idx_sessions_user ON user_sessions (user_id, started_at DESC);
      CREATE INDEX idx_sessions_started ON user_sessions (started_at);
      ANALYZE`);
    const loadSeconds = (Date.now() - t0) / 1000;

    const endDay = NOW.slice(0, 10);
    const start30 = new Date(Date.parse(`${endDay}T00:00:00Z`) - 29 * 86_400_000).toISOString();
    const endAt = new Date(Date.parse(`${endDay}T00:00:00Z`) + 86_400_000).toISOString();
    const lookback = new Date(Date.parse(start30) - 365 * 86_400_000).toISOString();
    // The overview: the same three queries as Ebb's (cells by type/day/total, active users, sessions).
    const overview = async () => {
      await client.query(`
        WITH e AS (SELECT event_type, user_id, (created_at AT TIME ZONE 'UTC')::date AS day FROM user_activity_events WHERE created_at >= $1 AND created_at < $2)
        SELECT event_type, day, count(*), count(DISTINCT user_id) FROM e GROUP BY GROUPING SETS ((event_type), (day), ())`, [start30, endAt]);
      await client.query(`
        WITH e AS (SELECT user_id, (created_at AT TIME ZONE 'UTC')::date AS day FROM user_activity_events WHERE created_at >= $1 AND created_at < $2)
        SELECT count(DISTINCT CASE WHEN day = $3::date THEN user_id END), count(DISTINCT CASE WHEN day >= $3::date - 6 THEN user_id END), count(DISTINCT user_id) FROM e`, [start30, endAt, endDay]);
      await client.query('SELECT count(*) FROM user_sessions WHERE started_at >= $1 AND started_at < $2', [start30, endAt]);
    };
    // The at-risk list: the same per-learner summary as Ebb's (last activity within a year, active
    // days, streak, quests, sessions in the 30-day window); scoring is the same JS on both sides.
    const atRisk = async () => {
      await client.query(`
        WITH e AS (
          SELECT user_id, event_type, event_data, created_at, (created_at AT TIME ZONE 'UTC')::date AS day FROM user_activity_events
          WHERE created_at >= $3 AND created_at < $2 AND user_id IN (SELECT id FROM learners)),
        last_day AS (SELECT user_id, max(day) AS last_day FROM e GROUP BY user_id),
        days AS (SELECT DISTINCT user_id, day FROM e WHERE created_at >= $1),
        streak AS (SELECT user_id, count(*) AS streak FROM (SELECT user_id, day, row_number() OVER (PARTITION BY user_id ORDER BY day DESC) - 1 AS rn FROM days) d
                   WHERE ($4::date - day) = rn GROUP BY user_id),
        active AS (SELECT user_id, count(*) AS active_days FROM days GROUP BY user_id),
        quests AS (SELECT user_id, count(*) FILTER (WHERE started) AS started, count(*) FILTER (WHERE started AND completed) AS completed FROM (
          SELECT user_id, event_data->>'quest_id' AS quest, bool_or(event_type = 'quest_started') AS started, bool_or(event_type = 'quest_completed') AS completed
          FROM e WHERE created_at >= $1 AND event_type IN ('quest_started', 'quest_completed') AND (event_data->>'quest_id') IS NOT NULL GROUP BY user_id, quest) q GROUP BY user_id),
        sess AS (SELECT user_id, count(*) AS sessions, sum(duration_seconds) AS total_s FROM user_sessions WHERE started_at >= $1 AND started_at < $2 GROUP BY user_id)
        SELECT l.id, last_day.last_day, coalesce(active_days, 0), coalesce(streak, 0), coalesce(started, 0), coalesce(completed, 0), coalesce(sessions, 0), coalesce(total_s, 0)
        FROM learners l LEFT JOIN last_day ON last_day.user_id = l.id LEFT JOIN active ON active.user_id = l.id LEFT JOIN streak ON streak.user_id = l.id
        LEFT JOIN quests ON quests.user_id = l.id LEFT JOIN sess ON sess.user_id = l.id`, [start30, endAt, lookback, endDay]);
    };
    const n = ((await client.query('SELECT count(*)::int AS n FROM user_activity_events')).rows as Array<{ n: number }>)[0]!.n;
    return {
      events: n, load_seconds: Math.round(loadSeconds),
      overview: await timed(Math.max(3, Math.floor(RUNS / 4)), overview),
      at_risk_query: await timed(3, atRisk),
    };
  } finally {
    await client.query(`DROP SCHEMA IF EXISTS ${PG_SCHEMA} CASCADE`).catch(() => undefined);
    await client.end();
  }
}

const ebbResult = await ebb();
const baseline = SKIP_BASELINE ? null : await postgres();
const ratio = (a: number | undefined, b: number | undefined) => (a && b ? Math.round((b / a) * 10) / 10 : null);
process.stdout.write(`${JSON.stringify({
  bench: 'analytics',
  learners: LEARNERS,
  sessions: SESSIONS,
  machine: { cpus: os.cpus().length, node: process.version, load_avg_1m: Math.round(os.loadavg()[0]! * 100) / 100 },
  targets: TARGETS,
  ebb: ebbResult,
  met: { overview: ebbResult.overview.p95_ms < TARGETS.overview_ms, at_risk: ebbResult.at_risk.p95_ms < TARGETS.at_risk_ms },
  baseline_postgres_seed_design: baseline,
  speedup_p50: baseline ? { overview: ratio(ebbResult.overview.p50_ms, baseline.overview.p50_ms), at_risk: ratio(ebbResult.at_risk.p50_ms, baseline.at_risk_query.p50_ms) } : null,
})}\n`);
