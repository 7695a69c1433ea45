import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { createManualClock } from '../../../src/core/clock.ts';
import { defaultRandomSource } from '../../../src/analytics/dp/random.ts';
import { startTestServer, type TestServer } from '../../helpers/harness.ts';
import { insertSessions } from '../analytics-fixtures.ts';
import { seedTwoWeeks, WEEK1, WEEK2 } from './etl-fixtures.ts';

/** JSON with BigInt as numbers, for comparing table contents. */
const json = (v: unknown) => JSON.stringify(v, (_, x) => (typeof x === 'bigint' ? Number(x) : x));
const AGGREGATES = ['session_aggregates', 'mastery_aggregates', 'weekly_active_aggregates', 'iep_progress_aggregates', 'page_view_daily'];
const PERIOD = { from: WEEK1, to: '2025-01-19' };

describe('ETL runs', () => {
  let t: TestServer;
  let tenantId: string;
  const clock = createManualClock('2025-01-22T12:00:00Z');
  const tables = async () => {
    const out: Record<string, string> = {};
    for (const table of AGGREGATES) {
      out[table] = json(await t.query(`SELECT * EXCLUDE (etl_run_id, computed_at) FROM ${table} WHERE tenant_id = $1 ORDER BY ALL`, [tenantId]));
    }
    out.dp_releases = json(await t.query(`SELECT * FROM dp_releases WHERE tenant_id = $1 ORDER BY release_key`, [tenantId]));
    out.privacy_ledger = json(await t.query(`SELECT * FROM privacy_ledger WHERE tenant_id = $1 ORDER BY release_key`, [tenantId]));
    return out;
  };

  beforeAll(async () => {
    t = await startTestServer({ clock });
    tenantId = t.tenant.tenantId;
    await seedTwoWeeks(t, tenantId);
  });
  afterAll(async () => t.close());

  it('builds the aggregates of the period as computed by hand', async () => {
    const report = await t.services.etl.run({ tenantId, ...PERIOD, trigger: 'api', actor: 'test' });
    expect(report.tenants[0]!.steps.every((s) => s.status === 'succeeded')).toBe(true);

    const [day1] = await t.query(`SELECT session_count, total_duration_s, median_duration_s, cohort_size, privacy_level FROM session_aggregates
      WHERE tenant_id = $1 AND aggregation_level = 'tenant' AND day = DATE '2025-01-06'`, [tenantId]);
    // Six learners' sessions of 10..60 minutes and one anonymous minute: 7 sessions, 12,660 s, 7 people.
    expect(json(day1)).toBe(json({ session_count: 7, total_duration_s: 12_660, median_duration_s: 1800, cohort_size: 7, privacy_level: 'anonymized' }));
    const learnerRows = await t.query(`SELECT subject_id, total_duration_s, privacy_level FROM session_aggregates
      WHERE tenant_id = $1 AND aggregation_level = 'learner' AND subject_id = 'l1' ORDER BY day`, [tenantId]);
    expect(json(learnerRows)).toBe(json([
      { subject_id: 'l1', total_duration_s: 600, privacy_level: 'pseudonymous' },
      { subject_id: 'l1', total_duration_s: 1200, privacy_level: 'pseudonymous' },
      { subject_id: 'l1', total_duration_s: 900, privacy_level: 'pseudonymous' },
    ]));

    const weekly = await t.query(`SELECT strftime(week_start, '%Y-%m-%d') AS week, active_learners, new_learners, returning_learners, churned_learners, total_sessions, total_minutes
      FROM weekly_active_aggregates WHERE tenant_id = $1 ORDER BY week_start`, [tenantId]);
    expect(json(weekly)).toBe(json([
      { week: WEEK1, active_learners: 6, new_learners: 6, returning_learners: 0, churned_learners: 0, total_sessions: 7, total_minutes: 230 },
      { week: WEEK2, active_learners: 6, new_learners: 2, returning_learners: 4, churned_learners: 2, total_sessions: 6, total_minutes: 90 },
    ]));

    const [numeracy] = await t.query(`SELECT assessments_completed, round(avg_score_pct, 2) AS avg, last_score_pct, cohort_size FROM mastery_aggregates
      WHERE tenant_id = $1 AND aggregation_level = 'subject' AND subject_area = 'numeracy' AND day = DATE '2025-01-06'`, [tenantId]);
    // l1: 80% then 90%; l2: 60%.
    expect(json(numeracy)).toBe(json({ assessments_completed: 3, avg: 76.67, last_score_pct: 90, cohort_size: 2 }));

    const iep = await t.query(`SELECT strftime(day, '%Y-%m-%d') AS day, goals, progress_pct, on_track_goals, cohort_size FROM iep_progress_aggregates
      WHERE tenant_id = $1 AND aggregation_level = 'tenant' ORDER BY day`, [tenantId]);
    // 2025-01-08: l4 at 50% (on track), l5 at 10%; 2025-01-15: l4 at 100%.
    expect(json(iep)).toBe(json([
      { day: '2025-01-08', goals: 2, progress_pct: 30, on_track_goals: 1, cohort_size: 2 },
      { day: '2025-01-15', goals: 1, progress_pct: 100, on_track_goals: 1, cohort_size: 1 },
    ]));

    const [quests] = await t.query(`SELECT views, unique_visitors, avg_load_ms, cohort_size FROM page_view_daily
      WHERE tenant_id = $1 AND page_path = '/quests' AND day = DATE '2025-01-06'`, [tenantId]);
    expect(json(quests)).toBe(json({ views: 7, unique_visitors: 7, avg_load_ms: 310, cohort_size: 7 }));
  });

  it('releases both ended weeks once, charging exactly the level\'s epsilon per week', async () => {
    const releases = await t.query(`SELECT strftime(window_start, '%Y-%m-%d') AS week, metric, epsilon FROM dp_releases WHERE tenant_id = $1 ORDER BY week, metric`, [tenantId]);
    expect(releases).toHaveLength(12);
    const ledger = await t.query(`SELECT status FROM privacy_ledger WHERE tenant_id = $1`, [tenantId]);
    expect(ledger.every((r) => r.status === 'committed')).toBe(true);
    for (const week of [WEEK1, WEEK2]) {
      const spent = await t.services.budget.spent(tenantId, { start: `${week}T00:00:00.000Z`, end: `${week}T00:00:01.000Z` });
      expect(spent.epsilon).toEqual({ num: 1n, den: 1n });
    }
  });

  it('re-runs a period idempotently: the same aggregates, the same releases, no budget spent, no noise drawn', async () => {
    const before = await tables();
    const random = defaultRandomSource();
    const byte = vi.spyOn(random, 'byte');
    const below = vi.spyOn(random, 'uniformBelow');
    try {
      const report = await t.services.etl.run({ tenantId, ...PERIOD, trigger: 'api', actor: 'test' });
      expect(report.tenants[0]!.releases.map((r) => r.status)).toEqual(Array(12).fill('kept'));
      expect(byte).not.toHaveBeenCalled();
      expect(below).not.toHaveBeenCalled();
    } finally {
      byte.mockRestore();
      below.mockRestore();
    }
    expect(await tables()).toEqual(before);
  });

  it('replaces the period\'s rows when late data arrives, and still never re-samples a released week', async () => {
    const releasesBefore = json(await t.query(`SELECT * FROM dp_releases WHERE tenant_id = $1 ORDER BY release_key`, [tenantId]));
    await insertSessions(t, tenantId, [{ subject: 'l8', start: '2025-01-06T20:00:00Z', durationMs: 120_000 }]);
    await t.services.etl.run({ tenantId, ...PERIOD, trigger: 'api', actor: 'test' });
    const rows = await t.query(`SELECT session_count, total_duration_s FROM session_aggregates WHERE tenant_id = $1 AND aggregation_level = 'tenant' AND day = DATE '2025-01-06'`, [tenantId]);
    expect(json(rows)).toBe(json([{ session_count: 8, total_duration_s: 12_780 }]));
    expect(json(await t.query(`SELECT * FROM dp_releases WHERE tenant_id = $1 ORDER BY release_key`, [tenantId]))).toBe(releasesBefore);
  });

  it('records every step in etl_runs with status, rows in and out, and duration', async () => {
    const runs = await t.services.etl.list({ tenantId, limit: 500 });
    expect(runs).toHaveLength(18);
    expect(new Set(runs.map((r) => r.job))).toEqual(new Set(['session', 'mastery', 'weekly_active', 'iep', 'page_views', 'releases']));
    for (const r of runs) {
      expect(r.status).toBe('succeeded');
      expect(r.periodStart).toBe(WEEK1);
      expect(r.periodEnd).toBe('2025-01-19');
      expect(r.durationMs).toBeGreaterThanOrEqual(0);
      expect(r.finishedAt).not.toBeNull();
      expect(r.error).toBeNull();
    }
    // Two runs over the 14 sessions (16 rows: 13 learner-days, 3 tenant days), one after a late session (15 in, 17 out).
    const sessionRuns = runs.filter((r) => r.job === 'session').map((r) => [r.rowsIn, r.rowsOut]).sort();
    expect(sessionRuns).toEqual([[14, 16], [14, 16], [15, 17]]);
    expect(await t.services.etl.list({ tenantId, status: 'failed', limit: 10 })).toEqual([]);
  });

  it('writes a time zone\'s local days beside, not over, another time zone\'s', async () => {
    await insertSessions(t, tenantId, [{ subject: 'l2', start: '2025-01-13T02:00:00Z', durationMs: 60_000 }]);
    await t.services.etl.run({ tenantId, from: '2025-01-12', to: '2025-01-13', timeZone: 'America/New_York', trigger: 'api', actor: 'test' });
    const ny = await t.query(`SELECT strftime(day, '%Y-%m-%d') AS day, session_count FROM session_aggregates
      WHERE tenant_id = $1 AND time_zone = 'America/New_York' AND aggregation_level = 'learner' AND subject_id = 'l2' ORDER BY day`, [tenantId]);
    // 02:00 UTC on the 13th is 21:00 on the 12th in New York.
    expect(json(ny)).toBe(json([{ day: '2025-01-12', session_count: 1 }]));
    const utc = await t.query(`SELECT count(*) AS n FROM session_aggregates WHERE tenant_id = $1 AND time_zone = 'UTC'`, [tenantId]);
    // The UTC rows stay as the last UTC run wrote them (16, and l8's late session day).
    expect(Number(utc[0]!.n)).toBe(17);
  });
});

describe('ETL budget and failures', () => {
  it('refuses a release the budget cannot pay for: nothing of it is stored or charged, the others are', async () => {
    const t = await startTestServer({ clock: createManualClock('2025-01-22T12:00:00Z') });
    try {
      const tenantId = t.tenant.tenantId;
      await seedTwoWeeks(t, tenantId);
      await t.services.budget.saveSettings({ tenantId, level: 'dp_medium', windowCap: '1/2', deltaCap: '0' }, 'test');
      const report = await t.services.etl.run({ tenantId, from: WEEK1, to: '2025-01-12', trigger: 'api', actor: 'test' });
      // Shares 1/5, 1/5, 1/5, 1/5, 1/10, 1/10 against a cap of 1/2: overview, sessions and iep fit (1/2 exactly).
      expect(report.tenants[0]!.releases.map((r) => `${r.metric}:${r.status}`)).toEqual([
        'overview:released', 'sessions:released', 'weekly-active:refused', 'mastery:refused', 'iep:released', 'pages:refused',
      ]);
      const stored = await t.query(`SELECT metric FROM dp_releases WHERE tenant_id = $1 ORDER BY metric`, [tenantId]);
      expect(stored.map((r) => r.metric)).toEqual(['iep', 'overview', 'sessions']);
      const charged = await t.query(`SELECT metric, epsilon FROM privacy_ledger WHERE tenant_id = $1 ORDER BY metric`, [tenantId]);
      expect(charged).toEqual([{ metric: 'iep', epsilon: '1/10' }, { metric: 'overview', epsilon: '1/5' }, { metric: 'sessions', epsilon: '1/5' }]);
      expect(await t.services.releases.read({ tenantId, metric: 'mastery', level: 'dp_medium', from: WEEK1, to: '2025-01-12', timeZone: 'UTC' })).toBeNull();
      const audit = await t.query(`SELECT details FROM audit_log WHERE tenant_id = $1 AND action = 'privacy.budget_spent'`, [tenantId]);
      expect(audit).toHaveLength(1);
      expect(JSON.parse(String(audit[0]!.details))).toMatchObject({ epsilon: '1/2', refused: ['weekly-active@2025-01-06', 'mastery@2025-01-06', 'pages@2025-01-06'] });
    } finally {
      await t.close();
    }
  });

  it('records a failed step with its error and still runs the others', async () => {
    const t = await startTestServer({ clock: createManualClock('2025-01-22T12:00:00Z') });
    try {
      const tenantId = t.tenant.tenantId;
      await t.query('DROP TABLE page_view_daily');
      const report = await t.services.etl.run({ tenantId, from: WEEK1, to: '2025-01-12', trigger: 'cli', actor: 'test' });
      const steps = Object.fromEntries(report.tenants[0]!.steps.map((s) => [s.job, s.status]));
      expect(steps).toMatchObject({ session: 'succeeded', page_views: 'failed', releases: 'succeeded' });
      const [failed] = await t.services.etl.list({ tenantId, status: 'failed', limit: 10 });
      expect(failed!.job).toBe('page_views');
      expect(failed!.error).toMatch(/page_view_daily/);
      expect(failed!.triggeredBy).toBe('cli');
    } finally {
      await t.close();
    }
  });
});
