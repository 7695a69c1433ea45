import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../helpers/harness.ts';
import { bearer, PEOPLE, populateTenant, sessionHeaders, type TenantFixture } from '../access/access-fixtures.ts';

describe('who may request exports and erasures, and follow their jobs', () => {
  let t: TestServer;
  let f: TenantFixture;
  let as: Record<string, Record<string, string>>;

  const call = async (who: string, method: 'GET' | 'POST', url: string, payload?: unknown) => {
    const r = await t.app.inject({ method, url, headers: as[who]!, ...(payload ? { payload: payload as object } : {}) });
    return { status: r.statusCode, body: r.json() };
  };

  beforeAll(async () => {
    t = await startTestServer();
    f = await populateTenant(t, t.tenant, 'rights');
    as = {
      owner: await sessionHeaders(t, f.accounts.owner),
      admin: await sessionHeaders(t, f.accounts.admin),
      analyst: await sessionHeaders(t, f.accounts.analyst),
      learner: bearer(f.viewer.token(PEOPLE.learner, 'learner')),
      otherLearner: bearer(f.viewer.token(PEOPLE.otherLearner, 'learner')),
      guardian: bearer(f.viewer.token(PEOPLE.guardian, 'guardian')),
      otherGuardian: bearer(f.viewer.token(PEOPLE.otherGuardian, 'guardian')),
      serverKey: bearer(t.tenant.keys.server),
    };
  });
  afterAll(() => t?.close());

  it('lets a learner ask for their own export and erasure, and nobody else\'s', async () => {
    expect((await call('learner', 'POST', '/api/v1/privacy/export', { subject: PEOPLE.learner })).status).toBe(202);
    expect((await call('learner', 'POST', '/api/v1/privacy/delete', { subject: PEOPLE.learner, confirm: PEOPLE.learner })).status).toBe(202);
    for (const [url, body] of [['/api/v1/privacy/export', { subject: PEOPLE.otherLearner }], ['/api/v1/privacy/delete', { subject: PEOPLE.otherLearner, confirm: PEOPLE.otherLearner }]] as const) {
      const r = await call('learner', 'POST', url, body);
      expect(r.status).toBe(403);
      expect(r.body.error.code).toBe('EBB_FORBIDDEN');
    }
    expect((await call('learner', 'POST', '/api/v1/privacy/export', { scope: 'tenant' })).status).toBe(403);
  });

  it('lets a guardian ask for their child, not for another child', async () => {
    expect((await call('guardian', 'POST', '/api/v1/privacy/export', { subject: PEOPLE.learner })).status).toBe(200); // the learner's export is active
    expect((await call('otherGuardian', 'POST', '/api/v1/privacy/export', { subject: PEOPLE.learner })).status).toBe(403);
    expect((await call('otherGuardian', 'POST', '/api/v1/privacy/export', { subject: PEOPLE.otherLearner })).status).toBe(202);
  });

  it('never lets analysts or ingest keys in', async () => {
    for (const who of ['analyst', 'serverKey']) {
      expect((await call(who, 'POST', '/api/v1/privacy/export', { subject: PEOPLE.learner })).status, who).toBe(403);
      expect((await call(who, 'POST', '/api/v1/privacy/delete', { subject: PEOPLE.learner, confirm: PEOPLE.learner })).status, who).toBe(403);
      expect((await call(who, 'GET', '/api/v1/privacy/jobs')).status, who).toBe(403);
    }
  });

  it('lets owners and admins ask for anyone in the tenant; the whole tenant is the owners\'', async () => {
    expect((await call('admin', 'POST', '/api/v1/privacy/delete', { subject: PEOPLE.otherLearner, confirm: PEOPLE.otherLearner })).status).toBe(202);
    expect((await call('admin', 'POST', '/api/v1/privacy/export', { scope: 'tenant' })).status).toBe(403);
    expect((await call('owner', 'POST', '/api/v1/privacy/export', { scope: 'tenant' })).status).toBe(202);
  });

  it('shows each viewer only the jobs about themselves or their children', async () => {
    const all = (await call('owner', 'GET', '/api/v1/privacy/jobs')).body.jobs as Array<{ id: string; scope: string; subjectId: string | null }>;
    expect(all.length).toBe(5);
    const learnerId = (await t.services.subjectRows.find(t.tenant.tenantId, PEOPLE.learner))!.id;
    const own = (await call('learner', 'GET', '/api/v1/privacy/jobs')).body.jobs as typeof all;
    expect(own.length).toBe(2);
    expect(own.every((j) => j.subjectId === learnerId)).toBe(true);
    expect(((await call('guardian', 'GET', '/api/v1/privacy/jobs')).body.jobs as typeof all).map((j) => j.id).sort()).toEqual(own.map((j) => j.id).sort());
    const others = all.filter((j) => j.subjectId !== learnerId);
    for (const j of others) {
      const r = await call('learner', 'GET', `/api/v1/privacy/jobs/${j.id}`);
      expect(r.status).toBe(404);
      expect(r.body.error.code).toBe('EBB_RIGHTS_JOB_NOT_FOUND');
      expect((await call('learner', 'POST', `/api/v1/privacy/jobs/${j.id}/cancel`)).status).toBe(404);
    }
  });

  it('lets a learner cancel their own erasure in its grace period', async () => {
    const own = (await call('learner', 'GET', '/api/v1/privacy/jobs?kind=erase')).body.jobs as Array<{ id: string; state: string }>;
    expect(own).toHaveLength(1);
    expect(own[0]!.state).toBe('scheduled');
    const r = await call('learner', 'POST', `/api/v1/privacy/jobs/${own[0]!.id}/cancel`);
    expect(r.status).toBe(200);
    expect(r.body.job.state).toBe('cancelled');
  });

  it('gives the learner the download link of their export, which works without a credential', async () => {
    await t.services.rights.worker.runDue();
    const own = (await call('learner', 'GET', '/api/v1/privacy/jobs?kind=export')).body.jobs as Array<{ id: string; state: string; download: { url: string } | null }>;
    expect(own[0]!.state).toBe('succeeded');
    const dl = await t.app.inject({ method: 'GET', url: own[0]!.download!.url });
    expect(dl.statusCode).toBe(200);
  });
});
