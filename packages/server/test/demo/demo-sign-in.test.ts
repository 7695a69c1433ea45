import { afterEach, describe, expect, it } from 'vitest';
import { demoSignIn, demoSignInText } from '../../src/demo/demo-sign-in.ts';
import { DEMO_GUARDIANS, DEMO_OWNER_EMAIL, ensureDemoTenant } from '../../src/demo/demo-tenant.ts';
import { startTestServer, type TestServer } from '../helpers/harness.ts';

describe('the demo sign-in printed by npm start', () => {
  let server: TestServer | undefined;
  afterEach(async () => { await server?.close(); server = undefined; });

  it('names the dashboard, a working owner sign-in and a guardian link for their own child', async () => {
    server = await startTestServer();
    const s = server.services;
    const demo = await ensureDemoTenant(s, 'http://localhost:8787');
    const d = demoSignIn(demo.file, 'http://localhost:8787');
    expect(d.dashboardUrl).toBe('http://localhost:8787/');
    expect(d.email).toBe(DEMO_OWNER_EMAIL);
    const login = await s.logins.login({ email: d.email, password: d.password, ip: '127.0.0.1' });
    expect(login.memberships).toEqual([{ tenantId: demo.tenantId, role: 'owner' }]);

    const m = /^http:\/\/localhost:8787\/viewer#token=([^&]+)&learner=(.+)$/.exec(d.guardianUrl ?? '');
    expect(m).not.toBeNull();
    const claims = await s.viewerTokens.verify(m![1]!);
    expect(claims).toMatchObject({ tenantId: demo.tenantId, sub: DEMO_GUARDIANS[0].guardian, role: 'guardian' });
    expect(claims.expiresAt.getTime() - claims.issuedAt.getTime()).toBe(3600_000);
    expect(decodeURIComponent(m![2]!)).toBe(DEMO_GUARDIANS[0].learner);
    expect(demoSignInText(d)).toContain(`sign in as ${DEMO_OWNER_EMAIL} with password ${d.password}`);
  });
});
