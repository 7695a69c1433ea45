import { afterAll, describe, expect, it } from 'vitest';
import { sessionIdOf } from '../../src/access/logins.ts';
import { PERMISSIONS, isPermissionName } from '../../src/access/permissions.ts';
import { createManualClock } from '../../src/core/clock.ts';
import type { RouteEntry } from '../../src/http/permission-declaration.ts';
import { startTestServer } from '../helpers/harness.ts';
import { bearer, PEOPLE, populateTenant, sessionHeaders } from './access-fixtures.ts';
import {
  ALLOWED_BY_CHECK, expectedDenial, PATH_PARAMS, PLACEHOLDER, PRINCIPALS, ROUTES, type PrincipalName, type RouteExpectation,
} from './authorization-matrix.expectations.ts';

/**
 * Every route of the server x every kind of caller, sent for real through the HTTP layer.
 * Let through = any answer but 401/403; refused = 401/403 with the expected error code.
 * The list of routes comes from the server itself: a route without a line in the expectations
 * file fails here.
 */

const t = await startTestServer({ clock: createManualClock('2026-06-01T09:00:00Z') });
afterAll(() => t.close());

const A = await populateTenant(t, t.tenant, 'a');
const otherTenant = await t.services.tenants.create({ name: 'Other Tenant', actor: 'test' });
const B = await populateTenant(t, otherTenant, 'b');
const tenantA = t.tenant.tenantId;

const readKey = (await t.services.keys.create({ tenantId: tenantA, kind: 'read', actor: 'test' })).key;
const readKeyWide = (await t.services.keys.create({ tenantId: tenantA, kind: 'read', scopes: ['aggregates:read', 'subjects:read', 'audit:read'], actor: 'test' })).key;
const generated = await t.services.memberships.add({ tenantId: tenantA, email: 'new-owner@a.example.org', role: 'owner', actor: 'test' });
const revoked = await t.services.keys.create({ tenantId: tenantA, kind: 'admin', actor: 'test' });
await t.services.keys.revoke({ tenantId: tenantA, id: revoked.info.id, actor: 'test' });

/** The headers each kind of caller sends; accounts get a fresh session per request (a route may end it). */
async function headersFor(p: PrincipalName): Promise<Record<string, string>> {
  const inA = { 'x-ebb-tenant': tenantA };
  switch (p) {
    case 'anonymous': return {};
    case 'serverKey': return { ...bearer(t.tenant.keys.server), ...inA };
    case 'browserKey': return { ...bearer(t.tenant.keys.browser), ...inA };
    case 'adminKey': return { ...bearer(t.tenant.keys.admin), ...inA };
    case 'readKey': return { ...bearer(readKey), ...inA };
    case 'readKeyWide': return { ...bearer(readKeyWide), ...inA };
    case 'owner': case 'admin': case 'analyst': return { ...(await sessionHeaders(t, A.accounts[p])), ...inA };
    case 'ownerWithGeneratedPassword': return { ...(await sessionHeaders(t, generated.member.accountId)), ...inA };
    case 'learnerSelf': return { ...bearer(A.viewer.token(PEOPLE.learner, 'learner')), ...inA };
    case 'learnerOther': return { ...bearer(A.viewer.token(PEOPLE.otherLearner, 'learner')), ...inA };
    case 'guardianOf': return { ...bearer(A.viewer.token(PEOPLE.guardian, 'guardian')), ...inA };
    case 'guardianNotOf': return { ...bearer(A.viewer.token(PEOPLE.otherGuardian, 'guardian')), ...inA };
    case 'otherTenantOwner': return { ...(await sessionHeaders(t, B.accounts.owner)), ...inA };
    case 'otherTenantKey': return { ...bearer(B.tenant.keys.admin), ...inA };
    case 'otherTenantLearner': return { ...bearer(B.viewer.token(PEOPLE.learner, 'learner')), ...inA };
    case 'revokedKey': return { ...bearer(revoked.key), ...inA };
    case 'expiredToken': {
      const now = Math.floor(t.services.clock.now().getTime() / 1000);
      return { ...bearer(A.viewer.token(PEOPLE.learner, 'learner', { iat: now - 900, exp: now - 120 })), ...inA };
    }
    case 'signedOutOwner': {
      const headers = await sessionHeaders(t, A.accounts.owner);
      await t.services.store.access.revokeSession(sessionIdOf(headers.cookie!.split('=')[1]!), t.services.clock.now());
      return { ...headers, ...inA };
    }
  }
}

const lineOf = (e: RouteExpectation) => (typeof e === 'string' ? { check: e, alsoAllow: [], alsoDeny: [] } : { alsoAllow: [], alsoDeny: [], ...e });
const routeKey = (r: RouteEntry) => `${r.method} ${r.url}`;

/** One request per variant: checks that may be about one person are tried about learnerSelf, and (when optional) about nobody. */
interface Variant { rowName: string; withSubject: boolean }
function variantsOf(r: RouteEntry): Variant[] {
  const p = r.permission;
  if (p.check === 'public') return [{ rowName: 'public', withSubject: false }];
  const spec = PERMISSIONS[p.check];
  if (!p.subject) return [{ rowName: spec.subject === 'optional' ? `${p.check}:tenant` : p.check, withSubject: false }];
  if (spec.subject === 'required') return [{ rowName: p.check, withSubject: true }];
  return [{ rowName: p.check, withSubject: true }, { rowName: `${p.check}:tenant`, withSubject: false }];
}

function requestFor(r: RouteEntry, withSubject: boolean): { url: string; payload?: Record<string, unknown> } {
  const loc = r.permission.check === 'public' ? undefined : r.permission.subject;
  const query = new URLSearchParams();
  const payload: Record<string, unknown> = {};
  if (withSubject && loc?.in === 'query') query.set(loc.field, PEOPLE.learner);
  if (withSubject && loc?.in === 'body') payload[loc.field] = PEOPLE.learner;
  let url = r.url.replace(/:([A-Za-z0-9_]+)/g, (_m, name: string) => {
    if (loc?.in === 'params' && loc.field === name) return encodeURIComponent(withSubject ? PEOPLE.learner : PLACEHOLDER);
    return encodeURIComponent(PATH_PARAMS[name]?.({ tenantId: tenantA }) ?? PLACEHOLDER);
  });
  url = url.replace(/\*$/, 'matrix-path');
  if ([...query.keys()].length > 0) url += `?${query}`;
  const hasBody = ['POST', 'PUT', 'PATCH', 'DELETE'].includes(r.method);
  return { url, ...(hasBody ? { payload } : {}) };
}

async function send(r: RouteEntry, p: PrincipalName, withSubject: boolean): Promise<{ status: number; code: string | undefined }> {
  const { url, payload } = requestFor(r, withSubject);
  const res = await t.app.inject({ method: r.method as 'GET', url, headers: await headersFor(p), ...(payload ? { payload } : {}) });
  let code: string | undefined;
  try {
    code = res.json()?.error?.code;
  } catch {
    code = undefined;
  }
  return { status: res.statusCode, code };
}

describe('authorisation matrix: every route x every caller', () => {
  it('has a line in the expectations for every route the server registers', () => {
    const missing = t.routes.filter((r) => !(routeKey(r) in ROUTES)).map((r) => {
      const check = r.permission.check;
      return `  '${routeKey(r)}': '${check}',`;
    });
    expect(missing, `Routes missing from the authorisation matrix. Add these lines to ROUTES in test/access/authorization-matrix.expectations.ts (check that the callers its check allows are right for the route):\n${missing.join('\n')}`).toEqual([]);
  });

  it('has no line for a route the server no longer registers', () => {
    const registered = new Set(t.routes.map(routeKey));
    const stale = Object.keys(ROUTES).filter((k) => !registered.has(k));
    expect(stale, `Lines in test/access/authorization-matrix.expectations.ts for routes that do not exist; remove them:\n${stale.join('\n')}`).toEqual([]);
  });

  it('has a row for every named check, in both variants where a check may be about one person or the whole tenant', () => {
    const rows = Object.keys(PERMISSIONS).flatMap((name) => {
      const spec = PERMISSIONS[name as keyof typeof PERMISSIONS];
      return spec.subject === 'optional' ? [name, `${name}:tenant`] : [name];
    });
    const missing = rows.filter((r) => !(r in ALLOWED_BY_CHECK));
    expect(missing, `Checks without a row in ALLOWED_BY_CHECK (test/access/authorization-matrix.expectations.ts); say which callers each one lets through:\n${missing.join('\n')}`).toEqual([]);
  });

  for (const route of t.routes) {
    const key = routeKey(route);
    it(key, async () => {
      const line = ROUTES[key];
      if (line === undefined) return; // reported by the first test
      const expected = lineOf(line);
      expect(route.permission.check, `${key} declares ${route.permission.check}, but the matrix expects ${expected.check}. Update its line if the change is meant.`).toBe(expected.check);
      if (expected.check !== 'public') expect(isPermissionName(expected.check)).toBe(true);

      for (const variant of variantsOf(route)) {
        const row = ALLOWED_BY_CHECK[variant.rowName];
        expect(row, `no row ${variant.rowName} in ALLOWED_BY_CHECK`).toBeDefined();
        const allowed = new Set<PrincipalName>([...row!, ...expected.alsoAllow]);
        for (const p of expected.alsoDeny) allowed.delete(p);

        const problems: string[] = [];
        const answers = new Map<PrincipalName, { status: number; code: string | undefined }>();
        for (const p of PRINCIPALS) {
          const got = await send(route, p, variant.withSubject);
          answers.set(p, got);
          if (expected.check === 'public') continue;
          const refused = got.status === 401 || got.status === 403;
          if (allowed.has(p)) {
            if (refused) problems.push(`${p}: expected to be let through, got ${got.status} ${got.code}`);
          } else {
            const want = expectedDenial(p, variant.rowName);
            if (!refused || got.code !== want) problems.push(`${p}: expected refusal ${want}, got ${got.status} ${got.code ?? ''}`);
          }
        }
        if (expected.check === 'public') {
          // A public route ignores credentials: every caller gets what an anonymous caller gets, never 401.
          const anon = answers.get('anonymous')!;
          expect(anon.status).not.toBe(401);
          for (const [p, got] of answers) if (got.status !== anon.status) problems.push(`${p}: got ${got.status}, anonymous got ${anon.status}`);
        }
        expect(problems, `${key} (${variant.rowName}${variant.withSubject ? `, about ${PEOPLE.learner}` : ''}):\n${problems.join('\n')}`).toEqual([]);
      }
    });
  }
});
