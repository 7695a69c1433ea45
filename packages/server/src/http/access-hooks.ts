import type { FastifyInstance, FastifyRequest } from 'fastify';
import { LIMITS } from '@ebb/contracts';
import type { Services } from '../app/services.ts';
import { EbbError } from '../core/errors.ts';
import { PERMISSIONS } from '../access/permissions.ts';
import { ANONYMOUS, type Principal } from '../access/principal.ts';
import { requestTenant } from '../access/request-tenant.ts';
import type { PresentedCredentials } from '../access/resolve-principal.ts';
import type { SubjectRef } from '../access/subject-ref.ts';
import type { ApiKeyRecord } from '../store/ports.ts';
import { sessionCookie } from './cookies.ts';
import type { RoutePermission, SubjectLocator } from './permission-declaration.ts';

/** Who is asking, in which tenant, about whom: settled before the handler runs. */
export interface RequestAccess {
  principal: Principal;
  tenantId: string | null;
  subject: SubjectRef | null;
}

declare module 'fastify' {
  interface FastifyRequest {
    access: RequestAccess | null;
  }
}

type Guarded = Exclude<RoutePermission, { check: 'public' }>;

export const TENANT_HEADER = 'x-ebb-tenant';
export const CSRF_HEADER = 'x-ebb-csrf';
const UNSAFE = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);
const TENANT_ID = /^[A-Za-z0-9_-]{1,64}$/;

export function bearer(req: FastifyRequest): string | undefined {
  const h = req.headers.authorization;
  if (!h) return undefined;
  const m = /^Bearer\s+(\S+)$/i.exec(h);
  return m ? m[1] : undefined;
}

function credentials(req: FastifyRequest, permission: Guarded): PresentedCredentials {
  const presented = bearer(req);
  if (presented !== undefined) return { bearer: presented };
  const session = sessionCookie(req);
  if (session !== undefined) return { sessionToken: session };
  // sendBeacon cannot set headers: browser ingest may carry its (public) browser key in the URL.
  const queryKey = permission.check === 'canIngestFromBrowser' ? (req.query as { key?: unknown } | undefined)?.key : undefined;
  return typeof queryKey === 'string' ? { queryKey } : {};
}

function namedTenant(req: FastifyRequest): string | undefined {
  const v = req.headers[TENANT_HEADER];
  if (v === undefined) return undefined;
  if (typeof v !== 'string' || !TENANT_ID.test(v)) throw new EbbError('EBB_BAD_REQUEST', 'X-Ebb-Tenant must be one tenant id.');
  return v;
}

/** The key behind an API-key request; routes guarded by a key-only check call this after the check passed. */
export function apiKeyOf(req: FastifyRequest): ApiKeyRecord {
  const p = req.access?.principal;
  if (p?.kind !== 'api-key') throw new EbbError('EBB_INTERNAL', 'An API key was expected after the route\'s check.');
  return p.key;
}

/** The tenant of a request whose check requires one. */
export function tenantOf(req: FastifyRequest): string {
  const t = req.access?.tenantId;
  if (!t) throw new EbbError('EBB_INTERNAL', 'A tenant was expected after the route\'s check.');
  return t;
}

/**
 * Installs the one gate every request passes: resolve the principal (bearer API key, bearer
 * viewer token, or session cookie), settle the tenant, enforce CSRF on cookie requests that
 * change something, then run the check the route names. Handlers only see requests that passed.
 */
export function installAccessHooks(app: FastifyInstance, s: Services): void {
  app.decorateRequest('access', null);

  const locate = async (req: FastifyRequest, loc: SubjectLocator, tenantId: string, required: boolean): Promise<SubjectRef | null> => {
    const source = (req as unknown as Record<string, unknown>)[loc.in] as Record<string, unknown> | undefined;
    const value = source && typeof source === 'object' ? source[loc.field] : undefined;
    if (value === undefined || value === null || value === '') {
      if (required) throw new EbbError('EBB_VALIDATION_FAILED', `${loc.field} is required: the app's user id of the person concerned.`);
      return null;
    }
    if (typeof value !== 'string' || value.length > LIMITS.userIdMaxLength) {
      throw new EbbError('EBB_VALIDATION_FAILED', `${loc.field} must be the app's user id (a string of 1-${LIMITS.userIdMaxLength} characters).`);
    }
    return s.subjectRows.ref(tenantId, value);
  };

  const authorize = async (req: FastifyRequest, permission: Guarded): Promise<void> => {
    const access = req.access!;
    const spec = PERMISSIONS[permission.check];
    if (spec.tenant === 'required' && access.tenantId === null) throw new EbbError('EBB_TENANT_REQUIRED');
    if (permission.subject) access.subject = await locate(req, permission.subject, access.tenantId!, spec.subject === 'required');
    const decision = spec.check(access.principal, access.tenantId, access.subject);
    if (!decision.allowed) {
      const p = access.principal;
      const code = p.kind === 'account' && p.mustChangePassword ? 'EBB_PASSWORD_CHANGE_REQUIRED' : decision.code ?? 'EBB_FORBIDDEN';
      throw new EbbError(code, decision.reason);
    }
    if (req.routeOptions.config.rateLimit === 'ingest' && s.ingestLimiter && access.principal.kind === 'api-key') {
      const take = s.ingestLimiter.take(access.principal.key.id);
      if (!take.ok) {
        throw new EbbError('EBB_RATE_LIMITED', 'This API key sends more requests than its limit. Batch more events per request, or wait for the time in Retry-After.', { retryAfterSeconds: take.retryAfterSeconds });
      }
    }
  };

  app.addHook('onRequest', async (req) => {
    const permission = req.routeOptions.config?.permission;
    if (!permission) return; // no route matched: the not-found handler answers
    const type = (req.headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase();
    if (type === 'text/plain' && UNSAFE.has(req.method) && !req.routeOptions.config.textPlainJson) {
      // A cross-site form can send text/plain without a preflight; only beacon ingest accepts it.
      throw new EbbError('EBB_UNSUPPORTED_MEDIA_TYPE', 'Send the body as application/json.');
    }
    if (permission.check === 'public') {
      req.access = { principal: ANONYMOUS, tenantId: null, subject: null };
      return;
    }
    const principal = await s.resolvePrincipal(credentials(req, permission));
    if (principal.kind === 'anonymous') {
      const d = PERMISSIONS[permission.check].check(principal, null, null);
      throw new EbbError('EBB_UNAUTHENTICATED', d.allowed ? undefined : d.reason);
    }
    const tenantId = requestTenant(principal, namedTenant(req));
    if (principal.kind === 'account' && UNSAFE.has(req.method)) {
      const presented = req.headers[CSRF_HEADER];
      s.logins.checkCsrf(principal.sessionId, typeof presented === 'string' ? presented : undefined);
    }
    req.access = { principal, tenantId, subject: null };
    // A check that reads the body waits until it is parsed; the caller is already known here.
    if (permission.subject?.in !== 'body') await authorize(req, permission);
  });

  app.addHook('preValidation', async (req) => {
    const permission = req.routeOptions.config?.permission;
    if (permission && permission.check !== 'public' && permission.subject?.in === 'body') await authorize(req, permission);
  });
}
