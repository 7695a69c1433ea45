import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { createManualClock } from '../../../src/core/clock.ts';
import { defaultRandomSource } from '../../../src/analytics/dp/random.ts';
import { startTestServer, type TestServer } from '../../helpers/harness.ts';
import { bearer, PEOPLE, populateTenant, sessionHeaders, type TenantFixture } from '../../access/access-fixtures.ts';
import { insertLearning, insertSessions } from '../analytics-fixtures.ts';
import { seedTwoWeeks, WEEK1 } from './etl-fixtures.ts';

const PERIOD = `from=${WEEK1}&to=2025-01-19`;

/** Seed 004's documented keys of the tenant and learner answers. */
const SEED_TENANT_KEYS = ['tenant_id', 'reporting_period_start', 'reporting_period_end', 'total_active_learners', 'total_learning_hours', 'average_engagement_rate',
  'session_metrics', 'weekly_activity', 'top_subjects', 'iep_progress_summary', 'privacy_level', 'last_updated'];
const SEED_SESSION_KEYS = ['total_sessions', 'avg_duration_minutes', 'median_duration_minutes', 'total_hours', 'trend_direction', 'privacy_level', 'data_points'];
const SEED_LEARNER_KEYS = ['learner_id_hash', 'reporting_period_start', 'reporting_period_end', 'session_metrics', 'subject_progress', 'iep_progress', 'privacy_level',
  'minimum_cohort_size', 'differential_privacy_epsilon', 'last_updated', 'data_completeness'];

describe('ETL, privacy and seed-004 metrics routes', () => {
  let t: TestServer;
  let a: TenantFixture;
  let tenantId: string;
  let otherTenantId: string;
  let owner: Record<string, string>;
  let analyst: Record<string, string>;
  let learnerSubject: string;

  beforeAll(async () => {
    t = await startTestServer({ clock: createManualClock('2025-01-22T12:00:00Z') });
    tenantId = t.tenant.tenantId;
    a = await populateTenant(t, t.tenant, 'a');
    otherTenantId = (await t.services.tenants.create({ name: 'Other School', actor: 'test' })).tenantId;
    owner = await sessionHeaders(t, a.accounts.owner);
    analyst = await sessionHeaders(t, a.accounts.analyst);
    await seedTwoWeeks(t, tenantId);
    const [row] = await t.query(`SELECT id FROM subjects WHERE tenant_id = $1 AND pseudonym = $2`, [tenantId, t.services.pseudonyms.subject(tenantId, PEOPLE.learner)]);
    learnerSubject = String(row!.id);
    await insertSessions(t, tenantId, [
      { subject: learnerSubject, start: '2025-01-14T15:00:00Z', durationMs: 1_200_000 },
      { subject: learnerSubject, start: '2025-01-16T15:00:00Z', durationMs: 2_400_000 },
    ]);
    await insertLearning(t, tenantId, [
      { at: '2025-01-13T16:00:00Z', subject: learnerSubject, area: 'numeracy', score: 5, maxScore: 10 },
      { at: '2025-01-15T16:00:00Z', subject: learnerSubject, area: 'numeracy', score: 9, maxScore: 10 },
      { at: '2025-01-15T16:00:00Z', subject: learnerSubject, goal: { id: 'g-math', baseline: 0, current: 5, target: 10 } },
    ]);
  });
  afterAll(async () => t.close());

  const get = (url: string, headers: Record<string, string>) => t.app.inject({ method: 'GET', url, headers });

  it('lets owners and admins trigger the ETL, never analysts', async () => {
    const refused = await t.app.inject({ method: 'POST', url: '/api/v1/etl/trigger', headers: analyst, payload: { from: WEEK1, to: '2025-01-19' } });
    expect(refused.statusCode).toBe(403);
    expect(refused.json().error.code).toBe('EBB_FORBIDDEN');
    expect(await t.services.etl.list({ tenantId, limit: 10 })).toEqual([]);

    const bad = await t.app.inject({ method: 'POST', url: '/api/v1/etl/trigger', headers: owner, payload: { from: WEEK1, to: '2025-01-19', privacy_level: 'anonymized' } });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().error.code).toBe('EBB_PRIVACY_LEVEL_NOT_APPLICABLE');

    const res = await t.app.inject({ method: 'POST', url: '/api/v1/etl/trigger', headers: owner, payload: { from: WEEK1, to: '2025-01-19' } });
    expect(res.statusCode, res.body).toBe(200);
    const report = res.json().tenants[0];
    expect(report.tenantId).toBe(tenantId);
    expect(report.releases.filter((r: { status: string }) => r.status === 'released')).toHaveLength(12);
  });

  it('lists ETL runs for analysts, filtered by status, and refuses an unknown status', async () => {
    const all = await get('/api/v1/etl/jobs?limit=100', analyst);
    expect(all.statusCode).toBe(200);
    expect(all.json().jobs).toHaveLength(6);
    expect(all.json().jobs[0]).toMatchObject({ tenantId, status: 'succeeded', triggeredBy: 'api', periodStart: WEEK1, periodEnd: '2025-01-19' });
    expect((await get('/api/v1/etl/jobs?status=failed', analyst)).json().jobs).toEqual([]);
    expect((await get('/api/v1/etl/jobs?limit=2', analyst)).json().jobs).toHaveLength(2);
    const bad = await get('/api/v1/etl/jobs?status=done', analyst);
    expect(bad.statusCode).toBe(400);
    expect(bad.json().error.code).toBe('EBB_VALIDATION_FAILED');
  });

  it('describes the levels with epsilon and the tenant\'s k, and the budget spent and remaining per window', async () => {
    const levels = (await get('/api/v1/privacy/levels', analyst)).json();
    expect(levels.release_level).toBe('dp_medium');
    expect(levels.privacy_levels.map((l: { level: string; epsilon: string; k: number }) => [l.level, l.epsilon, l.k])).toEqual([
      ['anonymized', 'infinity', 5], ['dp_low', '2', 5], ['dp_medium', '1', 5], ['dp_high', '1/2', 5],
    ]);
    expect(levels.privacy_levels.every((l: { description: string }) => l.description.length > 20)).toBe(true);

    const budget = (await get('/api/v1/privacy/budget', analyst)).json();
    expect(budget).toMatchObject({ tenant_id: tenantId, level: 'dp_medium', window_cap_epsilon: '1', trailing_12_months: { spent_epsilon: '2' } });
    expect(budget.windows.map((w: Record<string, unknown>) => [w.window_start, w.spent_epsilon, w.remaining_epsilon, w.releases])).toEqual([
      ['2025-01-13T00:00:00.000Z', '1', '0', 6],
      ['2025-01-06T00:00:00.000Z', '1', '0', 6],
    ]);
  });

  it('serves tenant metrics in seed 004\'s shape at anonymized, withholding groups under k with complementary suppression', async () => {
    const res = await get(`/api/v1/metrics/tenant/${tenantId}?${PERIOD}`, analyst);
    expect(res.statusCode, res.body).toBe(200);
    const m = res.json();
    for (const key of SEED_TENANT_KEYS) expect(m).toHaveProperty(key);
    for (const key of SEED_SESSION_KEYS) expect(m.session_metrics).toHaveProperty(key);
    const [known] = await t.query(`SELECT count(*) AS n FROM subjects WHERE tenant_id = $1 AND kind = 'learner' AND erased_at IS NULL`, [tenantId]);
    expect(m).toMatchObject({
      tenant_id: tenantId, reporting_period_start: WEEK1, reporting_period_end: '2025-01-19', privacy_level: 'anonymized', minimum_cohort_size: 5,
      differential_privacy_epsilon: 'infinity', source: 'aggregates',
      // l1..l8 and the fixture learner had sessions; 22,860 s in 16 sessions; the median session is (900 + 1200) / 2 s.
      total_active_learners: 9, total_learning_hours: 6.35, average_engagement_rate: Math.round((9 / Number(known!.n)) * 10_000) / 10_000,
      session_metrics: { total_sessions: 16, avg_duration_minutes: 23.81, median_duration_minutes: 17.5, total_hours: 6.35, trend_direction: 'flat', privacy_level: 'anonymized', data_points: 4 },
    });
    // Week 1: nobody returning or churned (an empty cell is no group: published as 0); week 2: 2 new, 4 returning, 2 churned, all under k.
    expect(m.weekly_activity).toEqual([
      { week_start: WEEK1, active_learners: 6, new_learners: 6, returning_learners: 0, churned_learners: 0 },
      { week_start: '2025-01-13', active_learners: 6, new_learners: null, returning_learners: null, churned_learners: null },
    ]);
    expect(m.withheld).toMatchObject({
      'weekly_activity.2025-01-13.new_learners': 'min_group', 'weekly_activity.2025-01-13.returning_learners': 'min_group', 'weekly_activity.2025-01-13.churned_learners': 'min_group',
    });
    // active = new + returning: never exactly one unknown, or it would follow from the other two.
    for (const w of m.weekly_activity) expect([w.active_learners, w.new_learners, w.returning_learners].filter((v) => v === null).length).not.toBe(1);
    // 3 learners in numeracy, 1 in literacy, 3 with IEP goals: all under k.
    expect(m.top_subjects.map((s: { subject: string; learners: number | null }) => [s.subject, s.learners])).toEqual([['numeracy', null], ['literacy', null]]);
    expect(m.iep_progress_summary).toEqual({ learners: null, goals: null, avg_progress_pct: null, on_track_goals: null, on_track_rate: null });
    expect(m.withheld).toMatchObject({ 'top_subjects.numeracy': 'min_group', iep_progress_summary: 'min_group' });
  });

  it('serves the stored weekly releases at DP levels: byte-identical on every read, no noise drawn, no budget spent', async () => {
    const ledger = async () => JSON.stringify(await t.query(`SELECT * FROM privacy_ledger WHERE tenant_id = $1 ORDER BY release_key`, [tenantId]));
    const before = await ledger();
    const random = defaultRandomSource();
    const byte = vi.spyOn(random, 'byte');
    const below = vi.spyOn(random, 'uniformBelow');
    try {
      const url = `/api/v1/metrics/tenant/${tenantId}?${PERIOD}&privacy_level=dp_medium`;
      const first = await get(url, analyst);
      const second = await get(url, owner);
      expect(first.statusCode, first.body).toBe(200);
      expect(second.body).toBe(first.body);
      const m = first.json();
      for (const key of SEED_TENANT_KEYS) expect(m).toHaveProperty(key);
      // Two weeks of sessions (1/5), weekly-active (1/5), mastery (1/5) and IEP (1/10) releases at dp_medium.
      expect(m).toMatchObject({ privacy_level: 'dp_medium', source: 'release', differential_privacy_epsilon: '7/5', session_metrics: { privacy_level: 'dp_medium', data_points: 2 } });
      expect(m.weekly_activity.map((w: { week_start: string }) => w.week_start)).toEqual([WEEK1, '2025-01-13']);

      const analytics = `/api/v1/analytics/sessions?${PERIOD}&privacy_level=dp_medium`;
      const a1 = await get(analytics, analyst);
      const a2 = await get(analytics, analyst);
      expect(a1.statusCode, a1.body).toBe(200);
      expect(a2.body.replace(/"generatedAt":"[^"]+"/, '')).toBe(a1.body.replace(/"generatedAt":"[^"]+"/, ''));
      expect(a1.json().privacy).toMatchObject({ level: 'dp_medium', source: 'release', epsilon: '2/5' });
      expect(byte).not.toHaveBeenCalled();
      expect(below).not.toHaveBeenCalled();
    } finally {
      byte.mockRestore();
      below.mockRestore();
    }
    expect(await ledger()).toBe(before);
  });

  it('answers EBB_RELEASE_PENDING for a DP period with no release, without computing one', async () => {
    const res = await get(`/api/v1/metrics/tenant/${tenantId}?from=2025-01-20&to=2025-01-26&privacy_level=dp_high`, analyst);
    expect(res.statusCode).toBe(404);
    expect(res.json().error.code).toBe('EBB_RELEASE_PENDING');
    expect(await t.query(`SELECT * FROM dp_releases WHERE tenant_id = $1 AND level = 'dp_high'`, [tenantId])).toEqual([]);
  });

  it('answers another tenant\'s id exactly as an unknown one', async () => {
    const other = await get(`/api/v1/metrics/tenant/${otherTenantId}?${PERIOD}`, owner);
    const unknown = await get(`/api/v1/metrics/tenant/t_00000000000000000000?${PERIOD}`, owner);
    expect(other.statusCode).toBe(404);
    expect(other.json().error.code).toBe('EBB_TENANT_NOT_FOUND');
    expect(unknown.statusCode).toBe(404);
    expect(other.json().error.message).toBe(unknown.json().error.message);
    const otherKey = await get(`/api/v1/metrics/tenant/${tenantId}?${PERIOD}`, bearer((await t.services.keys.create({ tenantId: otherTenantId, kind: 'read', actor: 'test' })).key));
    expect([403, 404]).toContain(otherKey.statusCode);
  });

  it('serves one learner\'s metrics in seed 004\'s shape to the learner and their guardian only', async () => {
    const url = `/api/v1/metrics/learner/${PEOPLE.learner}?${PERIOD}`;
    const res = await get(url, bearer(a.viewer.token(PEOPLE.learner, 'learner')));
    expect(res.statusCode, res.body).toBe(200);
    const m = res.json();
    for (const key of SEED_LEARNER_KEYS) expect(m).toHaveProperty(key);
    expect(m).toMatchObject({
      learner_id_hash: t.services.pseudonyms.subject(tenantId, PEOPLE.learner),
      reporting_period_start: WEEK1, reporting_period_end: '2025-01-19', privacy_level: 'pseudonymous', data_completeness: 1,
      session_metrics: { total_sessions: 2, avg_duration_minutes: 30, total_hours: 1, data_points: 2 },
      subject_progress: [{ subject: 'numeracy', first_score_pct: 50, current_score_pct: 90, improvement_delta: 40, assessments_completed: 2, days_to_mastery: 2 }],
      iep_progress: [{ goal_id: 'g-math', baseline: 0, current: 5, target: 10, progress_pct: 50, on_track: true }],
    });
    expect(JSON.stringify(m)).not.toContain(PEOPLE.learner);
    expect((await get(url, bearer(a.viewer.token(PEOPLE.guardian, 'guardian')))).statusCode).toBe(200);
    expect((await get(url, bearer(a.viewer.token(PEOPLE.otherLearner, 'learner')))).statusCode).toBe(403);
    expect((await get(url, analyst)).statusCode).toBe(403);
    const dp = await get(`${url}&privacy_level=dp_medium`, owner);
    expect(dp.statusCode).toBe(400);
    expect(dp.json().error.code).toBe('EBB_PRIVACY_LEVEL_NOT_APPLICABLE');
  });
});
