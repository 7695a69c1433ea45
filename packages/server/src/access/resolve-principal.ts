import { EbbError } from '../core/errors.ts';
import type { AccessStore } from '../store/ports.ts';
import type { ApiKeyService } from './api-keys.ts';
import type { LoginService } from './logins.ts';
import { ANONYMOUS, type Principal } from './principal.ts';
import type { SubjectRows } from './subject-rows.ts';
import type { ViewerTokenService } from './viewer-tokens.ts';

/** What a request presented. At most one of them is used: a bearer credential wins over the cookie. */
export interface PresentedCredentials {
  /** `Authorization: Bearer ...`: an API key (`ebb_...`) or a viewer token (a JWT). */
  bearer?: string;
  /** The dashboard session cookie. */
  sessionToken?: string;
  /** `?key=` on browser ingest, where sendBeacon cannot set headers. Only browser keys are taken from a URL. */
  queryKey?: string;
}

export type PrincipalResolver = (c: PresentedCredentials) => Promise<Principal>;

export function createPrincipalResolver(deps: {
  keys: ApiKeyService; viewerTokens: ViewerTokenService; logins: LoginService; subjects: SubjectRows; store: AccessStore;
}): PrincipalResolver {
  const { keys, viewerTokens, logins, subjects, store } = deps;

  const fromKey = async (presented: string): Promise<Principal> => {
    const key = await keys.authenticate(presented);
    return { kind: 'api-key', tenantId: key.tenantId, key, scopes: new Set(key.scopes) };
  };

  return async function resolvePrincipal(c) {
    if (c.bearer !== undefined) {
      if (c.bearer.startsWith('ebb_')) return fromKey(c.bearer);
      if (c.bearer.split('.').length === 3) {
        const claims = await viewerTokens.verify(c.bearer);
        // `sub` is the app's user id: pseudonymised at once, exactly as ingest does, and dropped.
        const subject = await subjects.find(claims.tenantId, claims.sub);
        const wards = claims.role === 'guardian' && subject ? await store.wardsOf(claims.tenantId, subject.id) : [];
        return {
          kind: 'viewer', tenantId: claims.tenantId, role: claims.role, pseudonym: subjects.pseudonym(claims.tenantId, claims.sub),
          subjectId: subject?.id ?? null, wards: new Set(wards), expiresAt: claims.expiresAt,
        };
      }
      throw new EbbError('EBB_UNAUTHENTICATED', 'The bearer credential is neither an API key ("ebb_...") nor a viewer token (a signed JWT).');
    }
    if (c.sessionToken !== undefined) return logins.resolveSession(c.sessionToken);
    if (c.queryKey !== undefined) {
      const p = await fromKey(c.queryKey);
      if (p.kind === 'api-key' && p.key.kind !== 'browser') {
        throw new EbbError('EBB_WRONG_KEY_KIND', 'Only browser keys may be sent in a URL; send other keys in the Authorization header (and revoke one that was put in a URL).');
      }
      return p;
    }
    return ANONYMOUS;
  };
}
