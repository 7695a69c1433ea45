import { randomBytes } from 'node:crypto';
import { signJwt } from '../../src/access/jwt.ts';
import { sessionIdOf } from '../../src/access/logins.ts';
import type { CreatedTenant } from '../../src/access/tenants.ts';
import { randomToken } from '../../src/core/ids.ts';
import type { Role } from '../../src/store/ports.ts';
import type { TestServer } from '../helpers/harness.ts';

/** A password that passes the policy; every test account uses it. */
export const TEST_PASSWORD = 'correct horse battery staple';

/** App user ids of the people in the fixture tenant. */
export const PEOPLE = {
  /** The learner routes are asked about; has a guardian (guardianOf). */
  learner: 'learner-self',
  /** Another learner of the same tenant, with their own guardian (guardianNotOf). */
  otherLearner: 'learner-other',
  guardian: 'guardian-of',
  otherGuardian: 'guardian-not-of',
} as const;

export interface ViewerSigner {
  keyId: string;
  secret: Buffer;
  /** A token for this tenant; `claims` override or extend the defaults (iat now, exp in 10 minutes). */
  token(sub: string, role: 'learner' | 'guardian', claims?: Record<string, unknown>): string;
}

export interface TenantFixture {
  tenant: CreatedTenant;
  viewer: ViewerSigner;
  /** Account ids by role (owner, admin, analyst), with TEST_PASSWORD. */
  accounts: Record<Role, string>;
  emails: Record<Role, string>;
}

export async function viewerSigner(t: TestServer, tenantId: string): Promise<ViewerSigner> {
  const created = await t.services.viewerTokens.createKey({ tenantId, alg: 'HS256', actor: 'test' });
  const secret = Buffer.from(created.secret!, 'base64url');
  return {
    keyId: created.info.id,
    secret,
    token(sub, role, claims = {}) {
      const now = Math.floor(t.services.clock.now().getTime() / 1000);
      return signJwt({ tid: tenantId, sub, role, iat: now, exp: now + 600, ...claims }, { alg: 'HS256', key: secret, kid: created.info.id });
    },
  };
}

/** Owner, admin and analyst accounts (with a known password), a viewer-token key, and the people with their guardianships. */
export async function populateTenant(t: TestServer, tenant: CreatedTenant, label: string): Promise<TenantFixture> {
  const accounts = {} as Record<Role, string>;
  const emails = {} as Record<Role, string>;
  for (const role of ['owner', 'admin', 'analyst'] as const) {
    const email = `${role}@${label}.example.org`;
    const r = await t.services.memberships.add({ tenantId: tenant.tenantId, email, role, password: TEST_PASSWORD, actor: 'test' });
    accounts[role] = r.member.accountId;
    emails[role] = email;
  }
  await t.services.guardianships.link({ tenantId: tenant.tenantId, guardianUserId: PEOPLE.guardian, learnerUserId: PEOPLE.learner, actor: 'test' });
  await t.services.guardianships.link({ tenantId: tenant.tenantId, guardianUserId: PEOPLE.otherGuardian, learnerUserId: PEOPLE.otherLearner, actor: 'test' });
  return { tenant, viewer: await viewerSigner(t, tenant.tenantId), accounts, emails };
}

/**
 * A fresh dashboard session for an account, written straight to the store (signing in through
 * the API would run into its own rate limits): the cookie and CSRF headers to send.
 */
export async function sessionHeaders(t: TestServer, accountId: string): Promise<Record<string, string>> {
  const token = randomToken(32);
  const id = sessionIdOf(token);
  const now = t.services.clock.now();
  await t.services.store.access.insertSession({ id, accountId, createdAt: now, expiresAt: new Date(now.getTime() + 3600_000), lastSeenAt: now, revokedAt: null });
  return { cookie: `ebb_session=${token}`, 'x-ebb-csrf': t.services.logins.csrfTokenFor(id) };
}

export const bearer = (credential: string): Record<string, string> => ({ authorization: `Bearer ${credential}` });

/** Random bytes no tenant knows: signs tokens that must not verify. */
export const strangerSecret = (): Buffer => randomBytes(32);

/** Sets a cookie header from a login answer's Set-Cookie headers. */
export function cookieFrom(setCookie: string | string[] | undefined): string {
  const all = ([] as string[]).concat(setCookie ?? []);
  return all.map((c) => c.split(';')[0]!).join('; ');
}
