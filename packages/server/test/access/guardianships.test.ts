import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createManualClock } from '../../src/core/clock.ts';
import { startTestServer, type TestServer } from '../helpers/harness.ts';
import { bearer, sessionHeaders, viewerSigner, populateTenant, type TenantFixture, type ViewerSigner } from './access-fixtures.ts';

describe('guardianships over HTTP: link, read as guardian, unlink, audit', () => {
  const clock = createManualClock('2026-06-01T09:00:00Z');
  let t: TestServer;
  let A: TenantFixture;
  let viewer: ViewerSigner;

  const link = async (method: 'POST' | 'DELETE', body: object, headers: Record<string, string> = bearer(t.tenant.keys.admin)) => {
    const res = await t.app.inject({ method, url: '/api/v1/guardianships', headers, payload: body });
    return { status: res.statusCode, body: res.json() };
  };
  const childAsSeenBy = async (guardian: string, child: string) =>
    (await t.app.inject({ method: 'GET', url: `/api/v1/subjects/${child}`, headers: bearer(viewer.token(guardian, 'guardian')) })).statusCode;

  beforeAll(async () => {
    t = await startTestServer({ clock });
    A = await populateTenant(t, t.tenant, 'a');
    viewer = await viewerSigner(t, t.tenant.tenantId);
  });
  afterAll(() => t?.close());

  it('links a parent to two children; the parent then reads both and nobody else', async () => {
    const first = await link('POST', { guardianUserId: 'parent-7', learnerUserId: 'child-7a' });
    expect(first.status).toBe(201);
    expect(first.body.created).toBe(true);
    expect((await link('POST', { guardianUserId: 'parent-7', learnerUserId: 'child-7a' })).status).toBe(200);
    expect((await link('POST', { guardianUserId: 'parent-7', learnerUserId: 'child-7b' }, await sessionHeaders(t, A.accounts.admin))).status).toBe(201);
    await t.send([{ type: 'page_view', userId: 'child-7c', occurredAt: clock.now().toISOString() }]);
    expect(await childAsSeenBy('parent-7', 'child-7a')).toBe(200);
    expect(await childAsSeenBy('parent-7', 'child-7b')).toBe(200);
    expect(await childAsSeenBy('parent-7', 'child-7c')).toBe(403);
    // The child's own token does not see their sibling.
    const sibling = await t.app.inject({ method: 'GET', url: '/api/v1/subjects/child-7b', headers: bearer(viewer.token('child-7a', 'learner')) });
    expect(sibling.statusCode).toBe(403);
  });

  it('unlinks, after which the parent no longer reads that child', async () => {
    const r = await link('DELETE', { guardianUserId: 'parent-7', learnerUserId: 'child-7b' });
    expect(r).toMatchObject({ status: 200, body: { removed: true } });
    expect(await childAsSeenBy('parent-7', 'child-7b')).toBe(403);
    expect(await childAsSeenBy('parent-7', 'child-7a')).toBe(200);
    expect((await link('DELETE', { guardianUserId: 'parent-7', learnerUserId: 'child-7b' })).body.removed).toBe(false);
  });

  it('refuses self-guardianship, bad bodies and credentials that may not manage people', async () => {
    expect((await link('POST', { guardianUserId: 'same', learnerUserId: 'same' })).body.error.code).toBe('EBB_VALIDATION_FAILED');
    expect((await link('POST', { guardianUserId: 'parent-8' })).body.error.code).toBe('EBB_VALIDATION_FAILED');
    const analyst = await link('POST', { guardianUserId: 'parent-8', learnerUserId: 'child-8' }, await sessionHeaders(t, A.accounts.analyst));
    expect(analyst.body.error.code).toBe('EBB_FORBIDDEN');
    const asGuardian = await link('POST', { guardianUserId: 'parent-8', learnerUserId: 'child-7a' }, bearer(viewer.token('parent-8', 'guardian')));
    expect(asGuardian.body.error.code).toBe('EBB_FORBIDDEN');
    expect(await childAsSeenBy('parent-8', 'child-7a')).toBe(403);
  });

  it('audits links and unlinks by internal ids only', async () => {
    const entries = (await t.services.store.control.readAudit(1, 100_000)).filter((e) => e.action.startsWith('guardianship.') && e.tenantId === t.tenant.tenantId);
    const child7b = await t.services.subjectRows.find(t.tenant.tenantId, 'child-7b');
    const mine = entries.filter((e) => e.target === child7b!.id);
    expect(mine.map((e) => [e.action, e.actor])).toEqual([['guardianship.linked', `account:${A.accounts.admin}`], ['guardianship.unlinked', `key:${(await t.services.keys.authenticate(t.tenant.keys.admin)).id}`]]);
    const text = JSON.stringify(entries);
    for (const id of ['parent-7', 'child-7a', 'child-7b']) expect(text).not.toContain(id);
  });
});
