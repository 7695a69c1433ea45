import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LOCKOUT_MS, LOCKOUT_THRESHOLD, SESSION_IDLE_MS } from '../../src/access/logins.ts';
import { createManualClock } from '../../src/core/clock.ts';
import type { AuditEntry } from '../../src/store/ports.ts';
import { startTestServer, type TestServer } from '../helpers/harness.ts';
import { cookieFrom, populateTenant, TEST_PASSWORD, type TenantFixture } from './access-fixtures.ts';

describe('dashboard sign-in: lockout, rate limits, cookies, CSRF, audit', () => {
  const clock = createManualClock('2026-06-01T09:00:00Z');
  let t: TestServer;
  let A: TenantFixture;
  let ip = 0;
  /** Each test signs in from its own address unless it says otherwise, so the per-address limit does not leak between tests. */
  const freshIp = () => `192.0.2.${++ip}`;

  const login = async (email: string, password: string, remoteAddress: string, headers: Record<string, string> = {}) => {
    const res = await t.app.inject({ method: 'POST', url: '/api/v1/auth/login', payload: { email, password }, remoteAddress, headers });
    return { status: res.statusCode, body: res.json(), headers: res.headers };
  };
  const signIn = async (email: string, password = TEST_PASSWORD) => {
    const r = await login(email, password, freshIp());
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    return { cookie: cookieFrom(r.headers['set-cookie']), csrf: r.body.csrfToken as string, body: r.body };
  };
  const audit = async (): Promise<AuditEntry[]> => t.services.store.control.readAudit(1, 100_000);

  beforeAll(async () => {
    t = await startTestServer({ clock });
    A = await populateTenant(t, t.tenant, 'a');
  });
  afterAll(() => t?.close());

  it('signs in, and audits the sign-in without the e-mail', async () => {
    const s = await signIn(A.emails.owner);
    expect(s.body).toMatchObject({ accountId: A.accounts.owner, mustChangePassword: false, memberships: [{ tenantId: A.tenant.tenantId, role: 'owner' }] });
    const me = await t.app.inject({ method: 'GET', url: '/api/v1/auth/me', headers: { cookie: s.cookie } });
    expect(me.json()).toMatchObject({ kind: 'account', accountId: A.accounts.owner });
    const entries = (await audit()).filter((e) => e.action === 'account.login' && e.target === A.accounts.owner);
    expect(entries.length).toBeGreaterThan(0);
    expect(entries.at(-1)!.actor).toBe(`account:${A.accounts.owner}`);
    expect(JSON.stringify(await audit())).not.toContain(A.emails.owner);
  });

  it('refuses a wrong password and an unknown e-mail alike, and audits both without the e-mail', async () => {
    const wrong = await login(A.emails.admin, 'not the right password', freshIp());
    const unknown = await login('nobody@a.example.org', 'not the right password', freshIp());
    expect(wrong).toMatchObject({ status: 401, body: { error: { code: 'EBB_INVALID_CREDENTIALS' } } });
    expect(unknown.status).toBe(401);
    expect(unknown.body.error).toEqual(wrong.body.error);
    const failed = (await audit()).filter((e) => e.action === 'account.login_failed');
    expect(failed.find((e) => e.target === A.accounts.admin)?.details).toEqual({ reason: 'wrong_password' });
    const forUnknown = failed.find((e) => (e.details as { reason: string }).reason === 'unknown_account');
    expect(forUnknown?.target).toMatch(/^email:/);
    expect(JSON.stringify(failed)).not.toContain('nobody@a.example.org');
    expect(JSON.stringify(failed)).not.toContain('not the right password');
  });

  it(`locks an e-mail after ${LOCKOUT_THRESHOLD} wrong passwords, answers 429 with Retry-After, and lets it in after the lockout`, async () => {
    const email = A.emails.analyst;
    for (let i = 0; i < LOCKOUT_THRESHOLD; i++) expect((await login(email, `wrong password ${i}`, freshIp())).status).toBe(401);
    const locked = await login(email, TEST_PASSWORD, freshIp());
    expect(locked.status).toBe(429);
    expect(locked.body.error.code).toBe('EBB_ACCOUNT_LOCKED');
    expect(Number(locked.headers['retry-after'])).toBe(LOCKOUT_MS / 1000);
    clock.advance(5 * 60_000);
    const later = await login(email, TEST_PASSWORD, freshIp());
    expect(later.status).toBe(429);
    expect(Number(later.headers['retry-after'])).toBe(LOCKOUT_MS / 1000 - 5 * 60);
    const actions = (await audit()).filter((e) => e.target === A.accounts.analyst).map((e) => e.action);
    expect(actions).toContain('account.locked');
    expect(actions).toContain('account.login_refused');
    clock.advance(LOCKOUT_MS);
    expect((await login(email, TEST_PASSWORD, freshIp())).status).toBe(200);
  });

  it('ends a lockout and every session when an operator resets the password, and audits the reset', async () => {
    const added = await t.services.memberships.add({ tenantId: A.tenant.tenantId, email: 'locked-out@a.example.org', role: 'analyst', password: TEST_PASSWORD, actor: 'test' });
    const before = await signIn('locked-out@a.example.org');
    clock.advance(1000);
    for (let i = 0; i < LOCKOUT_THRESHOLD; i++) await login('locked-out@a.example.org', `wrong password ${i}`, freshIp());
    expect((await login('locked-out@a.example.org', TEST_PASSWORD, freshIp())).body.error.code).toBe('EBB_ACCOUNT_LOCKED');
    await t.services.accounts.resetPassword({ email: 'locked-out@a.example.org', password: 'a reset passphrase here', actor: 'operator' });
    expect((await login('locked-out@a.example.org', 'a reset passphrase here', freshIp())).status).toBe(200);
    expect((await t.app.inject({ method: 'GET', url: '/api/v1/auth/me', headers: { cookie: before.cookie } })).json().error.code).toBe('EBB_SESSION_EXPIRED');
    const reset = (await audit()).find((e) => e.action === 'account.password_reset' && e.target === added.member.accountId);
    expect(reset).toMatchObject({ actor: 'operator', details: { sessionsEnded: 1, generatedPassword: false } });
  });

  it('locks unknown e-mails the same way, so answers do not tell which e-mails exist', async () => {
    for (let i = 0; i < LOCKOUT_THRESHOLD; i++) await login('ghost@a.example.org', `wrong password ${i}`, freshIp());
    const r = await login('ghost@a.example.org', 'anything at all here', freshIp());
    expect(r.status).toBe(429);
    expect(r.body.error.code).toBe('EBB_ACCOUNT_LOCKED');
  });

  it('limits sign-in attempts per address, whatever e-mails they try, with Retry-After', async () => {
    const address = freshIp();
    const statuses: number[] = [];
    for (let i = 0; i < 20; i++) statuses.push((await login(`spray${i}@a.example.org`, 'some wrong password', address)).status);
    expect(statuses.every((s) => s === 401)).toBe(true);
    const limited = await login(A.emails.owner, TEST_PASSWORD, address);
    expect(limited.status).toBe(429);
    expect(limited.body.error.code).toBe('EBB_RATE_LIMITED');
    expect(Number(limited.headers['retry-after'])).toBeGreaterThan(0);
    // Another address is not affected; after the wait the address may try again.
    expect((await login(A.emails.owner, TEST_PASSWORD, freshIp())).status).toBe(200);
    clock.advance(Number(limited.headers['retry-after']) * 1000);
    expect((await login(A.emails.owner, TEST_PASSWORD, address)).status).toBe(200);
  });

  it('sets HttpOnly, SameSite=Strict session cookies over HTTP, without Secure', async () => {
    const r = await login(A.emails.owner, TEST_PASSWORD, freshIp());
    const cookies = ([] as string[]).concat(r.headers['set-cookie'] ?? []);
    const session = cookies.find((c) => c.startsWith('ebb_session='))!;
    const csrf = cookies.find((c) => c.startsWith('ebb_csrf='))!;
    expect(session).toMatch(/; HttpOnly/);
    expect(session).toMatch(/; SameSite=Strict/);
    expect(session).toMatch(/; Path=\//);
    expect(session).not.toMatch(/Secure/);
    expect(csrf).not.toMatch(/HttpOnly/);
    expect(csrf.split(';')[0]).toBe(`ebb_csrf=${r.body.csrfToken}`);
    // The session token is only in the cookie, never in the body.
    expect(JSON.stringify(r.body)).not.toContain(session.split(';')[0]!.split('=')[1]!);
  });

  it('refuses changes made with the cookie but without the right X-Ebb-CSRF; reads need none', async () => {
    const s = await signIn(A.emails.admin);
    const other = await signIn(A.emails.owner);
    const create = (headers: Record<string, string>) =>
      t.app.inject({ method: 'POST', url: '/api/v1/keys', headers: { cookie: s.cookie, ...headers }, payload: { kind: 'read', name: 'csrf probe' } });
    const attempts: Array<Record<string, string>> = [{}, { 'x-ebb-csrf': 'wrong' }, { 'x-ebb-csrf': other.csrf }, { 'x-ebb-csrf': `${s.csrf}x` }];
    for (const headers of attempts) {
      const r = await create(headers);
      expect({ status: r.statusCode, code: r.json().error?.code }, JSON.stringify(headers)).toEqual({ status: 403, code: 'EBB_CSRF_FAILED' });
    }
    expect((await t.services.keys.list(A.tenant.tenantId)).some((k) => k.name === 'csrf probe')).toBe(false);
    expect((await t.app.inject({ method: 'GET', url: '/api/v1/keys', headers: { cookie: s.cookie } })).statusCode).toBe(200);
    const ok = await create({ 'x-ebb-csrf': s.csrf });
    expect(ok.statusCode).toBe(201);
    // Signing out is a change too.
    expect((await t.app.inject({ method: 'POST', url: '/api/v1/auth/logout', headers: { cookie: s.cookie } })).json().error.code).toBe('EBB_CSRF_FAILED');
    // A cross-site form can post text/plain without a preflight: refused outright.
    const form = await t.app.inject({ method: 'POST', url: '/api/v1/keys', headers: { cookie: s.cookie, 'content-type': 'text/plain' }, payload: '{"kind":"read"}' });
    expect(form.json().error.code).toBe('EBB_UNSUPPORTED_MEDIA_TYPE');
  });

  it('ends a session on sign-out and after two idle hours', async () => {
    const s = await signIn(A.emails.admin);
    const me = async (cookie: string) => (await t.app.inject({ method: 'GET', url: '/api/v1/auth/me', headers: { cookie } })).json();
    const out = await t.app.inject({ method: 'POST', url: '/api/v1/auth/logout', headers: { cookie: s.cookie, 'x-ebb-csrf': s.csrf } });
    expect(out.statusCode).toBe(204);
    expect(([] as string[]).concat(out.headers['set-cookie'] ?? []).every((c) => /Max-Age=0/.test(c))).toBe(true);
    expect((await me(s.cookie)).error.code).toBe('EBB_SESSION_EXPIRED');
    expect((await audit()).some((e) => e.action === 'account.logout' && e.target === A.accounts.admin)).toBe(true);

    const idle = await signIn(A.emails.admin);
    clock.advance(SESSION_IDLE_MS + 1000);
    expect((await me(idle.cookie)).error.code).toBe('EBB_SESSION_EXPIRED');
    expect((await me('ebb_session=forged-token-that-is-not-one')).error.code).toBe('EBB_UNAUTHENTICATED');
  });

  it('holds a generated password to one action: changing it; the change ends other sessions and is audited', async () => {
    const added = await t.services.memberships.add({ tenantId: A.tenant.tenantId, email: 'fresh@a.example.org', role: 'admin', actor: 'test' });
    const first = await signIn('fresh@a.example.org', added.password!);
    const second = await signIn('fresh@a.example.org', added.password!);
    expect(first.body.mustChangePassword).toBe(true);
    const keys = await t.app.inject({ method: 'GET', url: '/api/v1/keys', headers: { cookie: first.cookie } });
    expect(keys.json().error.code).toBe('EBB_PASSWORD_CHANGE_REQUIRED');
    const change = await t.app.inject({
      method: 'POST', url: '/api/v1/auth/password', headers: { cookie: first.cookie, 'x-ebb-csrf': first.csrf },
      payload: { currentPassword: added.password, newPassword: 'a brand new passphrase' },
    });
    expect(change.statusCode).toBe(204);
    expect((await t.app.inject({ method: 'GET', url: '/api/v1/keys', headers: { cookie: first.cookie } })).statusCode).toBe(200);
    expect((await t.app.inject({ method: 'GET', url: '/api/v1/keys', headers: { cookie: second.cookie } })).json().error.code).toBe('EBB_SESSION_EXPIRED');
    const changed = (await audit()).find((e) => e.action === 'account.password_changed' && e.target === added.member.accountId);
    expect(changed?.details).toEqual({ otherSessionsEnded: 1 });
    expect(JSON.stringify(await audit())).not.toContain('a brand new passphrase');
  });
});

describe('session cookies over HTTPS', () => {
  let t: TestServer;
  let A: TenantFixture;
  beforeAll(async () => {
    t = await startTestServer({ env: { EBB_TRUST_PROXY: 'true' } });
    A = await populateTenant(t, t.tenant, 'a');
  });
  afterAll(() => t?.close());

  it('adds Secure and the __Host- prefix, and the cookie works', async () => {
    const res = await t.app.inject({
      method: 'POST', url: '/api/v1/auth/login', payload: { email: A.emails.owner, password: TEST_PASSWORD }, headers: { 'x-forwarded-proto': 'https' },
    });
    expect(res.statusCode).toBe(200);
    const cookies = ([] as string[]).concat(res.headers['set-cookie'] ?? []);
    const session = cookies.find((c) => c.startsWith('__Host-ebb_session='))!;
    expect(session).toBeDefined();
    for (const flag of ['; Secure', '; HttpOnly', '; SameSite=Strict', '; Path=/']) expect(session).toContain(flag);
    expect(session).not.toMatch(/Domain=/i);
    expect(cookies.find((c) => c.startsWith('__Host-ebb_csrf='))).toContain('; Secure');
    expect(res.headers['strict-transport-security']).toMatch(/max-age=\d+/);
    const me = await t.app.inject({ method: 'GET', url: '/api/v1/auth/me', headers: { cookie: cookieFrom(cookies), 'x-forwarded-proto': 'https' } });
    expect(me.json().kind).toBe('account');
    // Over HTTPS a session cookie without the prefix (which a sibling subdomain could have set) does not count.
    const token = session.split(';')[0]!.split('=')[1]!;
    const planted = await t.app.inject({ method: 'GET', url: '/api/v1/auth/me', headers: { cookie: `ebb_session=${token}`, 'x-forwarded-proto': 'https' } });
    expect(planted.json().error.code).toBe('EBB_UNAUTHENTICATED');
  });
});
