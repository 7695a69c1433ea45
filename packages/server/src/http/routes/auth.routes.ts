import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import type { Services } from '../../app/services.ts';
import { SESSION_MAX_MS } from '../../access/logins.ts';
import { PASSWORD_MAX_LENGTH } from '../../access/passwords.ts';
import type { Principal } from '../../access/principal.ts';
import { EbbError } from '../../core/errors.ts';
import { clearSessionCookies, setSessionCookies } from '../cookies.ts';
import { validate } from '../validate.ts';

const Login = z.strictObject({ email: z.string().min(3).max(254), password: z.string().min(1).max(PASSWORD_MAX_LENGTH * 4) });
const PasswordChange = z.strictObject({ currentPassword: z.string().min(1).max(PASSWORD_MAX_LENGTH * 4), newPassword: z.string().min(1).max(PASSWORD_MAX_LENGTH * 4) });

const doc = (schema: z.ZodType) => z.toJSONSchema(schema, { target: 'draft-7' });

/** What the caller may learn about itself; never a secret, never the app's user id. */
async function describe(s: Services, p: Principal): Promise<Record<string, unknown>> {
  switch (p.kind) {
    case 'account': {
      const account = await s.accounts.describe(p.accountId);
      return { kind: 'account', accountId: p.accountId, email: account.email, mustChangePassword: p.mustChangePassword, memberships: account.memberships };
    }
    case 'api-key':
      return { kind: 'api-key', tenantId: p.tenantId, keyId: p.key.id, keyKind: p.key.kind, scopes: [...p.scopes] };
    case 'viewer':
      return { kind: 'viewer', tenantId: p.tenantId, role: p.role, subjectId: p.subjectId, wards: [...p.wards], expiresAt: p.expiresAt.toISOString() };
    case 'anonymous':
      return { kind: 'anonymous' };
  }
}

export function authRoutes(s: Services) {
  return async function registerAuthRoutes(app: FastifyInstance): Promise<void> {
    app.post('/api/v1/auth/login', {
      config: { permission: { check: 'public', why: 'signing in is how a dashboard user gets a credential; rate-limited per address and e-mail, locked after repeated failures' } },
      schema: {
        summary: 'Sign in to the dashboard',
        description: 'Sets an HttpOnly session cookie (SameSite=Strict, Secure over HTTPS) and a readable CSRF cookie; send the CSRF token back as X-Ebb-CSRF on every POST/PUT/DELETE made with the cookie.',
        tags: ['auth'], body: doc(Login),
      },
    }, async (req, reply) => {
      const body = validate(Login, req.body);
      const r = await s.logins.login({ email: body.email, password: body.password, ip: req.ip });
      setSessionCookies(req, reply, { token: r.sessionToken, csrfToken: r.csrfToken, maxAgeSeconds: Math.floor(SESSION_MAX_MS / 1000) });
      return reply.status(200).send({
        accountId: r.accountId, mustChangePassword: r.mustChangePassword, memberships: r.memberships, csrfToken: r.csrfToken, expiresAt: r.expiresAt.toISOString(),
      });
    });

    app.post('/api/v1/auth/logout', {
      config: { permission: { check: 'canUseOwnAccount' } },
      schema: { summary: 'Sign out (ends the session)', tags: ['auth'], security: [{ session: [] }] },
    }, async (req, reply) => {
      const p = req.access!.principal;
      if (p.kind === 'account') await s.logins.logout(p);
      clearSessionCookies(req, reply);
      return reply.status(204).send();
    });

    app.get('/api/v1/auth/me', {
      config: { permission: { check: 'canReadSelf' } },
      schema: { summary: 'Who the credential belongs to: account and memberships, key and scopes, or viewer and wards', tags: ['auth'], security: [{ session: [] }, { apiKey: [] }] },
    }, async (req) => describe(s, req.access!.principal));

    app.post('/api/v1/auth/password', {
      config: { permission: { check: 'canUseOwnAccount' } },
      schema: { summary: 'Change one\'s own password (ends the account\'s other sessions)', tags: ['auth'], body: doc(PasswordChange), security: [{ session: [] }] },
    }, async (req, reply) => {
      const body = validate(PasswordChange, req.body);
      const p = req.access!.principal;
      if (p.kind !== 'account') throw new EbbError('EBB_INTERNAL');
      await s.accounts.changePassword({ accountId: p.accountId, current: body.currentPassword, next: body.newPassword, keepSession: p.sessionId });
      return reply.status(204).send();
    });
  };
}
