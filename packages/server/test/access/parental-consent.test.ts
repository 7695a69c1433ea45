import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createManualClock } from '../../src/core/clock.ts';
import { startTestServer, type TestServer } from '../helpers/harness.ts';
import { bearer } from './access-fixtures.ts';

/**
 * COPPA end to end: a learner recorded as under 13 without a guardian's consent is counted
 * anonymously only (no subject, session or visitor link on the stored rows), or not at all when
 * the tenant says so; once consent is recorded their events are linked again, and a withdrawal
 * stops them.
 */
describe('learners under 13 without parental consent', () => {
  const clock = createManualClock('2026-06-01T09:00:00Z');
  let t: TestServer;
  let n = 0;

  const consent = async (body: Record<string, unknown>, key = t.tenant.keys.admin) => {
    const res = await t.app.inject({ method: 'PUT', url: '/api/v1/subjects/consent', headers: bearer(key), payload: body });
    expect(res.statusCode, res.body).toBe(200);
    return res.json();
  };
  /** Sends one page view and one assessment for the user, from a server key; returns what ingest said. */
  const track = async (userId: string, key = t.tenant.keys.server) => {
    const tag = `t${++n}`;
    const res = await t.send([
      { id: `${tag}-view`, type: 'page_view', userId, sessionId: `s-${tag}`, anonymousId: `visitor-${tag}`, occurredAt: clock.now().toISOString(), page: { path: '/quests/1' } },
      { id: `${tag}-test`, type: 'assessment_submitted', userId, sessionId: `s-${tag}`, occurredAt: clock.now().toISOString(), learning: { course: 'AAA', activity: 'TMA1', subject: 'maths', score: 7, maxScore: 10 } },
    ], key);
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    return res.body as { accepted: number; dropped: number };
  };
  const rows = async (tenantId: string) => ({
    events: await t.query<{ subject_id: string | null; session_id: string | null; anonymous_id: string | null; type: string }>(
      'SELECT subject_id, session_id, anonymous_id, type FROM events WHERE tenant_id = $1 ORDER BY received_at, id', [tenantId]),
    learning: await t.query<{ subject_id: string | null; session_id: string | null }>('SELECT subject_id, session_id FROM learning_events WHERE tenant_id = $1', [tenantId]),
  });
  const subjectId = async (tenantId: string, userId: string) => (await t.services.subjectRows.find(tenantId, userId))!.id;

  beforeAll(async () => {
    t = await startTestServer({ clock });
  });
  afterAll(() => t?.close());

  it('tracks a learner anonymous-only once recorded as under 13, and links them again after a guardian\'s consent', async () => {
    const tenantId = t.tenant.tenantId;
    // Before anything is known the learner is tracked as usual.
    await track('kid-1');
    const id = await subjectId(tenantId, 'kid-1');
    expect((await rows(tenantId)).events.filter((e) => e.subject_id === id)).toHaveLength(2);

    const status = await consent({ userId: 'kid-1', ageBand: 'under_13' });
    expect(status).toMatchObject({ subjectId: id, ageBand: 'under_13', consentState: 'anonymous_only', parentalConsentRequired: true });

    const unlinked = async () => (await rows(tenantId)).events.filter((e) => e.subject_id === null && e.session_id === null && e.anonymous_id === null).length;
    const unlinkedBefore = await unlinked();
    expect(await track('kid-1')).toMatchObject({ accepted: 2, dropped: 0 });
    expect((await rows(tenantId)).events.filter((e) => e.subject_id === id)).toHaveLength(2);
    expect(await unlinked()).toBe(unlinkedBefore + 2);
    const learning = await rows(tenantId);
    expect(learning.learning.filter((r) => r.subject_id === id)).toHaveLength(1); // only the one from before
    expect(learning.learning.filter((r) => r.subject_id === null && r.session_id === null)).toHaveLength(1);

    const granted = await consent({ userId: 'kid-1', parentalConsent: { state: 'granted', method: 'signed_form', givenAt: '2026-05-30' } });
    expect(granted.consentState).toBe('granted');
    expect(granted.history[0]).toMatchObject({ kind: 'parental', state: 'granted', method: 'signed_form', givenAt: '2026-05-30T00:00:00.000Z' });
    await track('kid-1');
    expect((await rows(tenantId)).events.filter((e) => e.subject_id === id)).toHaveLength(4);

    const withdrawn = await consent({ userId: 'kid-1', parentalConsent: { state: 'withdrawn', method: 'email_plus' } });
    expect(withdrawn.consentState).toBe('refused');
    const count = (await rows(tenantId)).events.length;
    expect(await track('kid-1')).toMatchObject({ accepted: 0, dropped: 2 });
    expect((await rows(tenantId)).events).toHaveLength(count);

    const audit = (await t.services.store.control.readAudit(1, 100_000)).filter((e) => e.action === 'consent.recorded' && e.target === id);
    expect(audit.map((e) => (e.details as { consentState: string }).consentState)).toEqual(['anonymous_only', 'granted', 'refused']);
    expect(JSON.stringify(audit)).not.toContain('kid-1');
  });

  it('tracks a learner recorded as under 13 before their first event anonymous-only from the start', async () => {
    await consent({ userId: 'kid-2', ageBand: 'under_13' });
    const id = await subjectId(t.tenant.tenantId, 'kid-2');
    await track('kid-2');
    const all = await rows(t.tenant.tenantId);
    expect(all.events.some((e) => e.subject_id === id)).toBe(false);
    expect(all.learning.some((e) => e.subject_id === id)).toBe(false);
  });

  it('leaves older learners and the school-consent method to the rules', async () => {
    expect((await consent({ userId: 'teen-1', ageBand: '13_15' })).consentState).toBe('unknown');
    await track('teen-1');
    const teen = await subjectId(t.tenant.tenantId, 'teen-1');
    expect((await rows(t.tenant.tenantId)).events.some((e) => e.subject_id === teen)).toBe(true);
    const school = await consent({ userId: 'kid-3', ageBand: 'under_13', parentalConsent: { state: 'granted', method: 'school_authorization' } });
    expect(school.consentState).toBe('granted');
    // The learner's own refusal wins over a guardian's consent.
    expect((await consent({ userId: 'kid-3', consent: { state: 'refused' } })).consentState).toBe('refused');
  });

  it('drops such a learner\'s events altogether when the tenant is set to refuse', async () => {
    const tenant = await t.services.tenants.create({ name: 'Strict School', actor: 'test' });
    await t.services.tenants.updateSettings({ tenantId: tenant.tenantId, changes: { withoutParentalConsent: 'refuse' }, actor: 'test' });
    const status = await consent({ userId: 'kid-9', ageBand: 'under_13' }, tenant.keys.admin);
    expect(status.consentState).toBe('refused');
    expect(await track('kid-9', tenant.keys.server)).toMatchObject({ accepted: 0, dropped: 2 });
    expect((await rows(tenant.tenantId)).events).toHaveLength(0);
    const granted = await consent({ userId: 'kid-9', parentalConsent: { state: 'granted', method: 'video_call' } }, tenant.keys.admin);
    expect(granted.consentState).toBe('granted');
    expect(await track('kid-9', tenant.keys.server)).toMatchObject({ accepted: 2 });
  });

  it('records consent only with a credential that may manage subjects', async () => {
    for (const key of [t.tenant.keys.server, t.tenant.keys.browser]) {
      const res = await t.app.inject({ method: 'PUT', url: '/api/v1/subjects/consent', headers: bearer(key), payload: { userId: 'kid-1', parentalConsent: { state: 'granted', method: 'other' } } });
      expect(res.statusCode).toBe(403);
    }
    const bad = await t.app.inject({ method: 'PUT', url: '/api/v1/subjects/consent', headers: bearer(t.tenant.keys.admin), payload: { userId: 'kid-1', parentalConsent: { state: 'granted', method: 'pinky_promise' } } });
    expect(bad.json().error.code).toBe('EBB_VALIDATION_FAILED');
  });
});
