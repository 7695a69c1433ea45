import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { analyticsEnvelope } from '@ebb/contracts';
import { createManualClock } from '../../src/core/clock.ts';
import { findRecoverableCells } from '../../src/analytics/suppression/index.ts';
import { startTestServer, type TestServer } from '../helpers/harness.ts';
import { bearer, PEOPLE, populateTenant, sessionHeaders, type TenantFixture } from '../access/access-fixtures.ts';

/**
 * The analytics routes through the HTTP layer: the envelope, privacy levels, k per tenant,
 * suppression that leaves nothing derivable, and who sees which individual.
 */
let t: TestServer;
let A: TenantFixture;
let B: TenantFixture;
let owner: Record<string, string>;
const inA = () => ({ 'x-ebb-tenant': t.tenant.tenantId });

/** Pages /a (7 people), /b (3 people), /c (2 people); learner-self 3 events, learner-other 1. */
beforeAll(async () => {
  t = await startTestServer({ clock: createManualClock('2026-03-10T12:00:00Z') });
  A = await populateTenant(t, t.tenant, 'a');
  const other = await t.services.tenants.create({ name: 'Other School', actor: 'test' });
  B = await populateTenant(t, other, 'b');
  owner = { ...(await sessionHeaders(t, A.accounts.owner)), ...inA() };
  const events: unknown[] = [];
  const at = (h: number) => new Date(Date.parse('2026-03-09T08:00:00Z') + h * 60_000).toISOString();
  for (let i = 0; i < 7; i++) events.push({ type: 'page_view', userId: `u${i}`, occurredAt: at(i), page: { path: '/a', loadTimeMs: 100 } });
  for (let i = 0; i < 3; i++) events.push({ type: 'page_view', userId: `u${i}`, occurredAt: at(10 + i), page: { path: '/b' } });
  for (let i = 3; i < 5; i++) events.push({ type: 'page_view', userId: `u${i}`, occurredAt: at(20 + i), page: { path: '/c' } });
  events.push(
    { type: 'page_view', userId: PEOPLE.learner, occurredAt: at(30), page: { path: '/a' } },
    { type: 'quest_started', userId: PEOPLE.learner, occurredAt: at(31), props: { quest_id: 'q1' } },
    { type: 'quest_completed', userId: PEOPLE.learner, occurredAt: at(32), props: { quest_id: 'q1', pillar: 'science' } },
    { type: 'page_view', userId: PEOPLE.otherLearner, occurredAt: at(33), page: { path: '/a' } },
  );
  const sent = await t.send(events);
  expect(sent.status).toBe(200);
});
afterAll(() => t.close());

const get = async (url: string, headers: Record<string, string>) => {
  const res = await t.app.inject({ method: 'GET', url, headers });
  return { status: res.statusCode, body: res.json() };
};

const AGGREGATES = ['overview', 'event-counts', 'pages', 'quests', 'errors', 'sessions', 'weekly-active', 'mastery', 'iep'];

describe('analytics answers', () => {
  it('answer every aggregate in the envelope, at anonymized by default, for the asked days and zone', async () => {
    for (const name of AGGREGATES) {
      const r = await get(`/api/v1/analytics/${name}?from=2026-03-01&to=2026-03-09&tz=Europe/Berlin`, owner);
      expect(r.status, name).toBe(200);
      const env = analyticsEnvelope(z.unknown()).parse(r.body);
      expect(env).toMatchObject({ metric: name, tenantId: t.tenant.tenantId, period: { from: '2026-03-01', to: '2026-03-09', timeZone: 'Europe/Berlin' } });
      expect(env.privacy).toEqual({ level: 'anonymized', minGroupSize: 5, epsilon: 'infinity', source: 'exact', releasedAt: null });
    }
  });

  it('refuse levels a metric is not released at, and say when a DP release is still pending', async () => {
    const na = await get('/api/v1/analytics/event-counts?privacy_level=dp_medium', owner);
    expect(na.status).toBe(400);
    expect(na.body.error.code).toBe('EBB_PRIVACY_LEVEL_NOT_APPLICABLE');
    expect(na.body.error.message).toContain('anonymized');
    const pending = await get('/api/v1/analytics/sessions?privacy_level=dp_high', owner);
    expect(pending.status).toBe(404);
    expect(pending.body.error.code).toBe('EBB_RELEASE_PENDING');
    const unknown = await get('/api/v1/analytics/sessions?privacy_level=dp_extreme', owner);
    expect(unknown.body.error.code).toBe('EBB_PRIVACY_LEVEL_UNKNOWN');
    const own = await get(`/api/v1/analytics/learners/${PEOPLE.learner}/journey?privacy_level=dp_low`, owner);
    expect(own.body.error.code).toBe('EBB_PRIVACY_LEVEL_NOT_APPLICABLE');
  });

  it('refuse bad ranges and zones with their codes', async () => {
    expect((await get('/api/v1/analytics/pages?from=2026-03-09&to=2026-03-01', owner)).body.error.code).toBe('EBB_DATE_RANGE_INVALID');
    expect((await get('/api/v1/analytics/pages?tz=Mars/Olympus', owner)).body.error.code).toBe('EBB_TIME_ZONE_UNKNOWN');
    expect((await get('/api/v1/analytics/pages?limit=0', owner)).body.error.code).toBe('EBB_VALIDATION_FAILED');
    expect((await get('/api/v1/analytics/at-risk?threshold=2', owner)).body.error.code).toBe('EBB_VALIDATION_FAILED');
  });
});

describe('suppression on the endpoints', () => {
  it('withholds pages under k and enough others that no withheld value follows from the published ones', async () => {
    const r = await get('/api/v1/analytics/pages?from=2026-03-09&to=2026-03-09', owner);
    const { total, pages, daily } = r.body.data;
    // /a: 7 + learner-self + learner-other = 9 people; /b: 3; /c: 2.
    expect(pages.find((p: { key: string }) => p.key === '/a')).toMatchObject({ suppressed: false, views: 9, uniqueUsers: 9 });
    expect(pages.find((p: { key: string }) => p.key === '/b')).toEqual({ key: '/b', suppressed: true, reason: 'min_group' });
    expect(pages.find((p: { key: string }) => p.key === '/c')).toEqual({ key: '/c', suppressed: true, reason: 'min_group' });
    expect(JSON.stringify(r.body)).not.toMatch(/"views":3\b|"views":2\b/);
    // No suppressed cell is determined by the published relations: total = pages, total = days.
    const suppressed = new Set<string>([...pages, ...daily, total].filter((x: { suppressed: boolean }) => x.suppressed).map((x: { key: string }) => x.key));
    const relations = [{ parent: 'total', children: pages.map((p: { key: string }) => p.key) }, { parent: 'total', children: daily.map((d: { key: string }) => d.key) }];
    expect(findRecoverableCells(relations, suppressed)).toEqual([]);
  });

  it('withholds a quest started by one learner, and the total that would equal it', async () => {
    const r = await get('/api/v1/analytics/quests?from=2026-03-09&to=2026-03-09', owner);
    const quest = r.body.data.quests[0];
    expect(quest).toEqual({ key: 'q1', suppressed: true, reason: 'min_group' });
    expect(r.body.data.total).toEqual({ key: 'total', suppressed: true, reason: 'min_group' });
  });

  it('takes k from the tenant\'s settings', async () => {
    const res = await t.app.inject({ method: 'PUT', url: '/api/v1/tenant/settings', headers: owner, payload: { minGroupSize: 2 } });
    expect(res.statusCode).toBe(200);
    try {
      const r = await get('/api/v1/analytics/pages?from=2026-03-09&to=2026-03-09', owner);
      expect(r.body.privacy.minGroupSize).toBe(2);
      expect(r.body.data.pages.map((p: { key: string; suppressed: boolean }) => [p.key, p.suppressed])).toEqual([['/a', false], ['/b', false], ['/c', false]]);
    } finally {
      await t.app.inject({ method: 'PUT', url: '/api/v1/tenant/settings', headers: owner, payload: { minGroupSize: 5 } });
    }
  });
});

describe('who sees individuals', () => {
  it('lists learners at risk for owners, never for analysts or viewer tokens', async () => {
    const list = await get('/api/v1/analytics/at-risk?from=2026-03-01&to=2026-03-09&threshold=0', owner);
    expect(list.status).toBe(200);
    expect(list.body.data.learnersScored).toBeGreaterThanOrEqual(2);
    expect(list.body.data.learners[0].factors.map((f: { name: string }) => f.name)).toEqual(['days_inactive', 'login_frequency', 'quest_completion', 'session_duration', 'streak']);
    // Subjects by internal id only: the app's user ids are never in an answer.
    expect(JSON.stringify(list.body)).not.toContain(PEOPLE.learner);
    const analyst = await get('/api/v1/analytics/at-risk', { ...(await sessionHeaders(t, A.accounts.analyst)), ...inA() });
    expect(analyst.status).toBe(403);
    expect((await get('/api/v1/analytics/at-risk', { ...bearer(A.viewer.token(PEOPLE.guardian, 'guardian')), ...inA() })).status).toBe(403);
  });

  it('an analyst cannot open one learner; a guardian sees their own child only; another tenant sees nothing', async () => {
    const analyst = { ...(await sessionHeaders(t, A.accounts.analyst)), ...inA() };
    expect((await get(`/api/v1/analytics/learners/${PEOPLE.learner}/engagement`, analyst)).status).toBe(403);

    const guardian = { ...bearer(A.viewer.token(PEOPLE.guardian, 'guardian')), ...inA() };
    const child = await get(`/api/v1/analytics/learners/${PEOPLE.learner}/engagement?from=2026-03-09&to=2026-03-09`, guardian);
    expect(child.status).toBe(200);
    expect(child.body.data).toMatchObject({ events: 3, pageViews: 1, questsStarted: 1, questsCompleted: 1 });
    const journey = await get(`/api/v1/analytics/learners/${PEOPLE.learner}/journey?to=2026-03-09`, guardian);
    expect(journey.body.data).toMatchObject({ questsCompleted: 1, favouritePillar: 'science', currentStreakDays: 1 });
    const notMine = await get(`/api/v1/analytics/learners/${PEOPLE.otherLearner}/engagement`, guardian);
    expect(notMine.status).toBe(403);

    const self = { ...bearer(A.viewer.token(PEOPLE.learner, 'learner')), ...inA() };
    expect((await get(`/api/v1/analytics/learners/${PEOPLE.learner}/risk?from=2026-03-01&to=2026-03-09`, self)).body.data.factors).toHaveLength(5);
    expect((await get(`/api/v1/analytics/learners/${PEOPLE.otherLearner}/risk`, self)).status).toBe(403);

    const otherOwner = { ...(await sessionHeaders(t, B.accounts.owner)), ...inA() };
    expect((await get('/api/v1/analytics/overview', otherOwner)).status).toBe(403);
    const theirOwn = await get('/api/v1/analytics/overview?from=2026-03-09&to=2026-03-09', { ...(await sessionHeaders(t, B.accounts.owner)), 'x-ebb-tenant': B.tenant.tenantId });
    expect(theirOwn.status).toBe(200);
    expect(theirOwn.body.data.totals).toEqual({ key: 'total', suppressed: false, events: 0, users: 0, sessions: 0 });
    expect(theirOwn.body.data.byType).toEqual([]);
  });

  it('answers 404 for a person Ebb holds nothing about', async () => {
    const r = await get('/api/v1/analytics/learners/nobody-here/engagement', owner);
    expect(r.status).toBe(404);
    expect(r.body.error.code).toBe('EBB_SUBJECT_NOT_FOUND');
  });
});
