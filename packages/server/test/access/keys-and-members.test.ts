import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createManualClock } from '../../src/core/clock.ts';
import type { AuditEntry } from '../../src/store/ports.ts';
import { startTestServer, type TestServer } from '../helpers/harness.ts';
import { bearer, populateTenant, sessionHeaders, type TenantFixture } from './access-fixtures.ts';

const event = (type: string) => ({ type, occurredAt: '2026-06-01T08:00:00Z', page: { path: '/home' } });

describe('API keys: revocation, key kinds, scopes, audit', () => {
  const clock = createManualClock('2026-06-01T09:00:00Z');
  let t: TestServer;
  let A: TenantFixture;
  let B: TenantFixture;
  const audit = async (): Promise<AuditEntry[]> => t.services.store.control.readAudit(1, 100_000);
  const call = async (method: 'GET' | 'POST' | 'PUT' | 'DELETE', url: string, headers: Record<string, string>, payload?: object) => {
    const res = await t.app.inject({ method, url, headers, ...(payload ? { payload } : {}) });
    return { status: res.statusCode, body: res.body ? res.json() : null };
  };

  beforeAll(async () => {
    t = await startTestServer({ clock });
    A = await populateTenant(t, t.tenant, 'a');
    B = await populateTenant(t, await t.services.tenants.create({ name: 'Other Tenant', actor: 'test' }), 'b');
  });
  afterAll(() => t?.close());

  it('creates a key once in the clear, lists it by prefix only, and audits who created it', async () => {
    const owner = await sessionHeaders(t, A.accounts.owner);
    const created = await call('POST', '/api/v1/keys', owner, { kind: 'server', name: 'backend' });
    expect(created.status).toBe(201);
    const key: string = created.body.key;
    expect(key).toMatch(/^ebb_srv_/);
    const listed = await call('GET', '/api/v1/keys', owner);
    expect(JSON.stringify(listed.body)).not.toContain(key);
    expect(listed.body.keys.find((k: { id: string }) => k.id === created.body.info.id)).toMatchObject({ kind: 'server', prefix: key.slice(0, 16), revokedAt: null });
    const entry = (await audit()).find((e) => e.action === 'api_key.created' && e.target === created.body.info.id);
    expect(entry).toMatchObject({ tenantId: A.tenant.tenantId, actor: `account:${A.accounts.owner}` });
    expect(JSON.stringify(await audit())).not.toContain(key);
    // The stored hash is not the key either.
    const rows = await t.query<{ hash: string }>('SELECT hash FROM api_keys');
    expect(JSON.stringify(rows)).not.toContain(key);
  });

  it('refuses a revoked key at once, on ingest and on admin routes, and audits the revocation', async () => {
    const admin = await sessionHeaders(t, A.accounts.admin);
    const server = await call('POST', '/api/v1/keys', admin, { kind: 'server' });
    const adminKey = await call('POST', '/api/v1/keys', admin, { kind: 'admin', scopes: ['aggregates:read', 'keys:manage'] });
    expect((await t.send([event('before_revoke')], server.body.key)).status).toBe(200);
    expect((await call('GET', '/api/v1/keys', bearer(adminKey.body.key))).status).toBe(200);

    for (const k of [server.body, adminKey.body]) {
      const revoked = await call('POST', `/api/v1/keys/${k.info.id}/revoke`, admin);
      expect(revoked.status).toBe(200);
      expect(revoked.body.revokedAt).not.toBeNull();
    }
    const ingest = await t.send([event('after_revoke')], server.body.key);
    expect(ingest).toMatchObject({ status: 401, body: { error: { code: 'EBB_KEY_REVOKED' } } });
    const read = await call('GET', '/api/v1/keys', bearer(adminKey.body.key));
    expect(read).toMatchObject({ status: 401, body: { error: { code: 'EBB_KEY_REVOKED' } } });
    const stored = await t.query<{ n: bigint }>("SELECT count(*) AS n FROM events WHERE type = 'after_revoke'");
    expect(Number(stored[0]!.n)).toBe(0);
    const revocations = (await audit()).filter((e) => e.action === 'api_key.revoked' && e.actor === `account:${A.accounts.admin}`);
    expect(revocations.map((e) => e.target).sort()).toEqual([server.body.info.id, adminKey.body.info.id].sort());
    // Revoking again changes nothing and records nothing new.
    await call('POST', `/api/v1/keys/${server.body.info.id}/revoke`, admin);
    expect((await audit()).filter((e) => e.action === 'api_key.revoked' && e.target === server.body.info.id)).toHaveLength(1);
  });

  it('refuses malformed and unknown keys, and any key but a browser key in a URL', async () => {
    expect((await call('GET', '/api/v1/keys', bearer('ebb_adm_short'))).body.error.code).toBe('EBB_UNAUTHENTICATED');
    const unknown = `ebb_adm_${'A'.repeat(43)}`;
    expect((await call('GET', '/api/v1/keys', bearer(unknown))).body.error.code).toBe('EBB_UNAUTHENTICATED');
    // Same prefix as a real key, different secret: the hash decides.
    const near = `${A.tenant.keys.admin.slice(0, 20)}${'x'.repeat(A.tenant.keys.admin.length - 20)}`;
    expect((await call('GET', '/api/v1/keys', bearer(near))).body.error.code).toBe('EBB_UNAUTHENTICATED');
    const inUrl = await t.app.inject({ method: 'POST', url: `/api/v1/collect?key=${A.tenant.keys.server}`, payload: { events: [event('url_key')] } });
    expect(inUrl.json().error.code).toBe('EBB_WRONG_KEY_KIND');
    const browserInUrl = await t.app.inject({ method: 'POST', url: `/api/v1/collect?key=${A.tenant.keys.browser}`, payload: { events: [event('url_key')] }, headers: { origin: 'https://app.example.org' } });
    expect(browserInUrl.statusCode).toBe(200);
    // The key in a URL is only taken on browser ingest.
    expect((await call('GET', `/api/v1/keys?key=${A.tenant.keys.admin}`, {})).body.error.code).toBe('EBB_UNAUTHENTICATED');
  });

  it('records when a key was last used', async () => {
    const created = await t.services.keys.create({ tenantId: A.tenant.tenantId, kind: 'server', actor: 'test' });
    expect((await t.services.keys.list(A.tenant.tenantId)).find((k) => k.id === created.info.id)!.lastUsedAt).toBeNull();
    await t.send([event('last_used')], created.key);
    await t.services.keys.flushLastUsed();
    expect((await t.services.keys.list(A.tenant.tenantId)).find((k) => k.id === created.info.id)!.lastUsedAt).toBe(clock.now().toISOString());
  });

  it('keeps ingest keys to writing, and keys to the scopes they hold', async () => {
    for (const key of [A.tenant.keys.server, A.tenant.keys.browser]) {
      expect((await call('GET', '/api/v1/audit', bearer(key))).status).toBe(403);
      expect((await call('GET', '/api/v1/keys', bearer(key))).status).toBe(403);
    }
    const narrow = await t.services.keys.create({ tenantId: A.tenant.tenantId, kind: 'admin', scopes: ['keys:manage'], actor: 'test' });
    const widen = await call('POST', '/api/v1/keys', bearer(narrow.key), { kind: 'admin', scopes: ['keys:manage', 'subjects:read'] });
    expect(widen).toMatchObject({ status: 403, body: { error: { code: 'EBB_FORBIDDEN' } } });
    expect((await call('POST', '/api/v1/keys', bearer(narrow.key), { kind: 'admin', scopes: ['keys:manage'] })).status).toBe(201);
    expect((await call('POST', '/api/v1/keys', bearer(A.tenant.keys.admin), { kind: 'server', scopes: ['aggregates:read'] })).body.error.code).toBe('EBB_VALIDATION_FAILED');
    expect((await call('POST', '/api/v1/keys', bearer(A.tenant.keys.admin), { kind: 'read', scopes: ['keys:manage'] })).body.error.code).toBe('EBB_VALIDATION_FAILED');
  });

  it('lets a person hand a key only the scopes they may use themselves', async () => {
    const admin = await sessionHeaders(t, A.accounts.admin);
    // Admins may not change retention, so they cannot mint a key that can (nor one with every scope, the default).
    const withRetention = await call('POST', '/api/v1/keys', admin, { kind: 'admin', scopes: ['aggregates:read', 'retention:manage'] });
    expect(withRetention).toMatchObject({ status: 403, body: { error: { code: 'EBB_FORBIDDEN' } } });
    expect(withRetention.body.error.message).toContain('retention:manage');
    expect((await call('POST', '/api/v1/keys', admin, { kind: 'admin' })).status).toBe(403);
    const allowed = ['aggregates:read', 'subjects:read', 'subjects:manage', 'keys:manage', 'rights:request', 'audit:read'];
    expect((await call('POST', '/api/v1/keys', admin, { kind: 'admin', scopes: allowed })).status).toBe(201);
    const owner = await sessionHeaders(t, A.accounts.owner);
    expect((await call('POST', '/api/v1/keys', owner, { kind: 'admin' })).status).toBe(201);
    expect((await t.services.keys.list(A.tenant.tenantId)).some((k) => k.scopes.includes('retention:manage') && k.name === 'admin key')).toBe(true);
  });

  it('keeps viewer-token keys, which can act as any learner, from keys that may not read people or request their rights', async () => {
    const keysOnly = (await t.services.keys.create({ tenantId: A.tenant.tenantId, kind: 'admin', scopes: ['keys:manage'], actor: 'test' })).key;
    const refused = await call('POST', '/api/v1/viewer-keys', bearer(keysOnly), { alg: 'HS256' });
    expect(refused).toMatchObject({ status: 403, body: { error: { code: 'EBB_FORBIDDEN' } } });
    expect(refused.body.error.message).toContain('subjects:read');
    expect((await call('GET', '/api/v1/viewer-keys', bearer(keysOnly))).status).toBe(403);
    // The same key still manages API keys.
    expect((await call('GET', '/api/v1/keys', bearer(keysOnly))).status).toBe(200);
    const enough = (await t.services.keys.create({ tenantId: A.tenant.tenantId, kind: 'admin', scopes: ['keys:manage', 'subjects:read', 'rights:request'], actor: 'test' })).key;
    expect((await call('POST', '/api/v1/viewer-keys', bearer(enough), { alg: 'HS256' })).status).toBe(201);
  });

  it('cannot list, revoke or learn about another tenant\'s keys', async () => {
    const bKeys = await t.services.keys.list(B.tenant.tenantId);
    const listed = await call('GET', '/api/v1/keys', bearer(A.tenant.keys.admin));
    const text = JSON.stringify(listed.body);
    for (const k of bKeys) expect(text).not.toContain(k.id);
    const revoke = await call('POST', `/api/v1/keys/${bKeys[0]!.id}/revoke`, bearer(A.tenant.keys.admin));
    expect(revoke.body.error.code).toBe('EBB_KEY_NOT_FOUND');
    expect((await t.services.keys.list(B.tenant.tenantId))[0]!.revokedAt).toBeNull();
    const bViewerKeys = await t.services.viewerTokens.listKeys(B.tenant.tenantId);
    const vr = await call('POST', `/api/v1/viewer-keys/${bViewerKeys[0]!.id}/revoke`, bearer(A.tenant.keys.admin));
    expect(vr.body.error.code).toBe('EBB_KEY_NOT_FOUND');
  });

  it('audits viewer-key creation and revocation, and shows an HS256 secret only once', async () => {
    const owner = await sessionHeaders(t, A.accounts.owner);
    const created = await call('POST', '/api/v1/viewer-keys', owner, { alg: 'HS256', name: 'app' });
    expect(created.status).toBe(201);
    expect(created.body.secret).toMatch(/^[A-Za-z0-9_-]{43}$/);
    const listed = await call('GET', '/api/v1/viewer-keys', owner);
    expect(JSON.stringify(listed.body)).not.toContain(created.body.secret);
    await call('POST', `/api/v1/viewer-keys/${created.body.key.id}/revoke`, owner);
    const actions = (await audit()).filter((e) => e.target === created.body.key.id).map((e) => [e.action, e.actor]);
    expect(actions).toEqual([['viewer_key.created', `account:${A.accounts.owner}`], ['viewer_key.revoked', `account:${A.accounts.owner}`]]);
    expect(JSON.stringify(await audit())).not.toContain(created.body.secret);
  });
});

describe('memberships: owners manage, every change audited', () => {
  let t: TestServer;
  let A: TenantFixture;
  const audit = async (): Promise<AuditEntry[]> => t.services.store.control.readAudit(1, 100_000);
  const call = async (method: 'GET' | 'POST' | 'PUT' | 'DELETE', url: string, headers: Record<string, string>, payload?: object) => {
    const res = await t.app.inject({ method, url, headers, ...(payload ? { payload } : {}) });
    return { status: res.statusCode, body: res.body ? res.json() : null };
  };

  beforeAll(async () => {
    t = await startTestServer();
    A = await populateTenant(t, t.tenant, 'a');
  });
  afterAll(() => t?.close());

  it('adds a member with a one-time password, changes the role, removes it, and audits each step by account id', async () => {
    const owner = await sessionHeaders(t, A.accounts.owner);
    const added = await call('POST', '/api/v1/members', owner, { email: 'Teacher@A.example.org', role: 'analyst' });
    expect(added.status).toBe(201);
    expect(added.body).toMatchObject({ createdAccount: true, member: { email: 'teacher@a.example.org', role: 'analyst' } });
    expect(added.body.oneTimePassword).toEqual(expect.any(String));
    const id: string = added.body.member.accountId;
    expect((await call('PUT', `/api/v1/members/${id}`, owner, { role: 'admin' })).body.member.role).toBe('admin');
    expect((await call('DELETE', `/api/v1/members/${id}`, owner)).status).toBe(204);

    const mine = (await audit()).filter((e) => e.target === id);
    expect(mine.map((e) => e.action)).toEqual(['account.created', 'membership.added', 'membership.role_changed', 'membership.removed']);
    expect(mine.slice(1).every((e) => e.actor === `account:${A.accounts.owner}` && e.tenantId === A.tenant.tenantId)).toBe(true);
    expect(mine.find((e) => e.action === 'membership.role_changed')!.details).toEqual({ from: 'analyst', to: 'admin' });
    const text = JSON.stringify(await audit());
    expect(text).not.toContain('teacher@a.example.org');
    expect(text).not.toContain(added.body.oneTimePassword);
  });

  it('lets only owners change members, never a key, and keeps the last owner', async () => {
    const admin = await sessionHeaders(t, A.accounts.admin);
    expect((await call('POST', '/api/v1/members', admin, { email: 'x@a.example.org', role: 'owner' })).body.error.code).toBe('EBB_FORBIDDEN');
    expect((await call('PUT', `/api/v1/members/${A.accounts.admin}`, admin, { role: 'owner' })).body.error.code).toBe('EBB_FORBIDDEN');
    expect((await call('POST', '/api/v1/members', bearer(A.tenant.keys.admin), { email: 'x@a.example.org', role: 'owner' })).body.error.code).toBe('EBB_FORBIDDEN');
    const owner = await sessionHeaders(t, A.accounts.owner);
    expect((await call('PUT', `/api/v1/members/${A.accounts.owner}`, owner, { role: 'admin' })).body.error.code).toBe('EBB_LAST_OWNER');
    expect((await call('DELETE', `/api/v1/members/${A.accounts.owner}`, owner)).body.error.code).toBe('EBB_LAST_OWNER');
    expect((await audit()).some((e) => e.action === 'membership.added' && e.actor === `account:${A.accounts.admin}`)).toBe(false);
  });

  it('takes a demoted member\'s rights away on their next request', async () => {
    const owner = await sessionHeaders(t, A.accounts.owner);
    const admin = await sessionHeaders(t, A.accounts.admin);
    expect((await call('GET', '/api/v1/members', admin)).status).toBe(200);
    await call('PUT', `/api/v1/members/${A.accounts.admin}`, owner, { role: 'analyst' });
    expect((await call('GET', '/api/v1/members', admin)).body.error.code).toBe('EBB_FORBIDDEN');
    await call('DELETE', `/api/v1/members/${A.accounts.admin}`, owner);
    expect((await call('GET', '/api/v1/privacy/retention', { ...admin, 'x-ebb-tenant': A.tenant.tenantId })).body.error.code).toBe('EBB_FORBIDDEN');
  });
});
