import { afterAll, describe, expect, it } from 'vitest';
import { createManualClock } from '../../src/core/clock.ts';
import type { RouteEntry } from '../../src/http/permission-declaration.ts';
import { startTestServer } from '../helpers/harness.ts';
import { bearer, PEOPLE, populateTenant, sessionHeaders, TEST_PASSWORD } from './access-fixtures.ts';

/**
 * A key, account or token of tenant B never sees tenant A, and A's own credentials never see B:
 * tried on every read route the server registers (the list comes from the route table).
 */

const t = await startTestServer({ clock: createManualClock('2026-06-01T09:00:00Z') });
afterAll(() => t.close());

const A = await populateTenant(t, t.tenant, 'a');
const B = await populateTenant(t, await t.services.tenants.create({ name: 'Other Tenant', actor: 'test' }), 'b');
const tenantA = A.tenant.tenantId;
const tenantB = B.tenant.tenantId;

// B gets data of every kind the read routes show, each marked so that a leak is visible.
const MARK = 'only-in-tenant-b';
// Enough learners that B's aggregates are published (not withheld under k), so a leak would show.
const visits = (path: string) => Array.from({ length: 8 }, (_, i) => ({
  type: 'page_view', userId: i === 0 ? PEOPLE.learner : `learner-${i}`, occurredAt: '2026-06-01T08:00:00Z', page: { path, title: path.slice(1) },
  props: { quest_id: path.slice(1) },
}));
await t.send(visits(`/${MARK}`), B.tenant.keys.server);
await t.services.holds.place({ tenantId: tenantB, reason: `hold ${MARK}`, actor: 'test' });
await t.services.retention.change({ tenantId: tenantB, changes: { events: { anonymizeAfterDays: 11, deleteAfterDays: 111 } }, actor: 'test' });
await t.services.consents.record({ tenantId: tenantB, userId: `${MARK}-learner`, ageBand: 'under_13', actor: 'test' });
await t.services.viewerTokens.createKey({ tenantId: tenantB, alg: 'HS256', name: `viewer ${MARK}`, actor: 'test' });
await t.services.keys.create({ tenantId: tenantB, kind: 'read', name: `key ${MARK}`, actor: 'test' });
await t.send(visits('/in-a'), A.tenant.keys.server);

/** Everything that names tenant B or something of it. */
const bSecrets = async (): Promise<string[]> => {
  const ids = [tenantB, MARK, ...Object.values(B.accounts), ...Object.values(B.emails), ...Object.values(B.tenant.keys)];
  ids.push(...(await t.services.keys.list(tenantB)).map((k) => k.id));
  ids.push(...(await t.services.viewerTokens.listKeys(tenantB)).map((k) => k.id));
  const subjects = await t.query<{ id: string }>('SELECT id FROM subjects WHERE tenant_id = $1', [tenantB]);
  ids.push(...subjects.map((s) => s.id));
  const audit = (await t.services.store.control.readAudit(1, 100_000)).filter((e) => e.tenantId === tenantB);
  ids.push(...audit.map((e) => e.hash));
  return ids;
};

const readRoutes = t.routes.filter((r) => r.method === 'GET' && r.permission.check !== 'public');

function urlOf(r: RouteEntry): string {
  const loc = r.permission.check === 'public' ? undefined : r.permission.subject;
  let url = r.url.replace(/:([A-Za-z0-9_]+)/g, (_m, name: string) => (name === 'tenantId' ? tenantA : name === loc?.field ? PEOPLE.learner : 'isolation-placeholder'));
  if (loc?.in === 'query') url += `?${loc.field}=${encodeURIComponent(PEOPLE.learner)}`;
  return url;
}

describe('tenant isolation on every read route', () => {
  it('finds read routes to try', () => {
    expect(readRoutes.length).toBeGreaterThan(5);
  });

  it('would notice a leak: tenant B\'s own answers show its marks', async () => {
    const secrets = await bSecrets();
    let showing = 0;
    for (const route of readRoutes) {
      const res = await t.app.inject({ method: 'GET', url: urlOf(route).replace(tenantA, tenantB), headers: bearer(B.tenant.keys.admin) });
      if (secrets.some((x) => res.body.includes(x))) showing++;
    }
    expect(showing).toBeGreaterThanOrEqual(Math.min(5, readRoutes.length));
    const pages = readRoutes.find((r) => r.url === '/api/v1/analytics/pages');
    if (pages) {
      const res = await t.app.inject({ method: 'GET', url: pages.url, headers: bearer(B.tenant.keys.admin) });
      expect(res.body).toContain(MARK);
    }
  });

  const bCredentials: Array<[string, () => Promise<Record<string, string>>]> = [
    ['B\'s owner', () => sessionHeaders(t, B.accounts.owner)],
    ['B\'s admin key', async () => bearer(B.tenant.keys.admin)],
    ['B\'s learner token', async () => bearer(B.viewer.token(PEOPLE.learner, 'learner'))],
    ['B\'s guardian token', async () => bearer(B.viewer.token(PEOPLE.guardian, 'guardian'))],
  ];

  for (const route of readRoutes) {
    it(`${route.method} ${route.url}: B's credentials naming A are refused`, async () => {
      if (route.permission.check === 'canReadSelf') return; // describes the caller only
      for (const [who, headers] of bCredentials) {
        const res = await t.app.inject({ method: 'GET', url: urlOf(route), headers: { ...(await headers()), 'x-ebb-tenant': tenantA } });
        expect([401, 403], `${who}: ${res.statusCode} ${res.body.slice(0, 200)}`).toContain(res.statusCode);
      }
    });

    it(`${route.method} ${route.url}: A's owner and admin key see nothing of B`, async () => {
      const secrets = await bSecrets();
      let answered = 0;
      for (const [who, headers] of [['A\'s owner', await sessionHeaders(t, A.accounts.owner)], ['A\'s admin key', bearer(A.tenant.keys.admin)]] as const) {
        const res = await t.app.inject({ method: 'GET', url: urlOf(route), headers });
        if (res.statusCode !== 403) answered++;
        const leaked = secrets.filter((s) => res.body.includes(s));
        expect(leaked, `${who} on ${route.url} sees tenant B's ${leaked.join(', ')}`).toEqual([]);
      }
      expect(answered, 'neither A\'s owner nor its admin key may call this route, so nothing was tried').toBeGreaterThan(0);
    });
  }
});

describe('tenant isolation of people and accounts', () => {
  it('resolves the same app user id to a different person per tenant', async () => {
    const inA = await t.app.inject({ method: 'GET', url: `/api/v1/subjects/${PEOPLE.learner}`, headers: bearer(A.tenant.keys.admin) });
    const inB = await t.app.inject({ method: 'GET', url: `/api/v1/subjects/${PEOPLE.learner}`, headers: bearer(B.tenant.keys.admin) });
    expect(inA.statusCode).toBe(200);
    expect(inB.statusCode).toBe(200);
    expect(inA.json().subjectId).not.toBe(inB.json().subjectId);
    const onlyInB = await t.app.inject({ method: 'GET', url: `/api/v1/subjects/${MARK}-learner`, headers: bearer(A.tenant.keys.admin) });
    expect(onlyInB.json().error.code).toBe('EBB_SUBJECT_NOT_FOUND');
  });

  it('makes an account in two tenants name one, and gives it each tenant\'s role there only', async () => {
    const both = 'both@example.org';
    const inA = await t.services.memberships.add({ tenantId: tenantA, email: both, role: 'owner', password: TEST_PASSWORD, actor: 'test' });
    await t.services.memberships.add({ tenantId: tenantB, email: both, role: 'analyst', actor: 'test' });
    const session = await sessionHeaders(t, inA.member.accountId);
    const members = (tenant?: string) => t.app.inject({ method: 'GET', url: '/api/v1/members', headers: { ...session, ...(tenant ? { 'x-ebb-tenant': tenant } : {}) } });
    expect((await members()).json().error.code).toBe('EBB_TENANT_REQUIRED');
    const listA = await members(tenantA);
    expect(listA.statusCode).toBe(200);
    expect(listA.body).not.toContain(B.accounts.owner);
    expect((await members(tenantB)).json().error.code).toBe('EBB_FORBIDDEN');
    expect((await members('t_unknown')).json().error.code).toBe('EBB_FORBIDDEN');
    expect((await members('not a tenant!')).json().error.code).toBe('EBB_BAD_REQUEST');
  });

  it('keeps ingest with B\'s key in B, whatever the events say', async () => {
    const before = await t.query<{ n: bigint }>('SELECT count(*) AS n FROM events WHERE tenant_id = $1', [tenantA]);
    const res = await t.app.inject({
      method: 'POST', url: '/api/v1/events', headers: { ...bearer(B.tenant.keys.server), 'x-ebb-tenant': tenantA },
      payload: { events: [{ type: 'page_view', tenantId: tenantA, occurredAt: '2026-06-01T08:00:00Z' }] },
    });
    expect(res.json().error.code).toBe('EBB_TENANT_MISMATCH');
    const after = await t.query<{ n: bigint }>('SELECT count(*) AS n FROM events WHERE tenant_id = $1', [tenantA]);
    expect(after[0]!.n).toBe(before[0]!.n);
  });
});
