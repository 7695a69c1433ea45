import { EbbError } from '../core/errors.ts';
import type { Principal } from './principal.ts';

/**
 * The tenant a request acts in. Keys and viewer tokens are bound to one tenant: naming another
 * is refused. Accounts name it (X-Ebb-Tenant); an account in exactly one tenant may leave it out.
 * Membership itself is decided by the route's check, not here.
 */
export function requestTenant(p: Principal, named: string | undefined): string | null {
  if (p.kind === 'api-key' || p.kind === 'viewer') {
    if (named !== undefined && named !== p.tenantId) {
      throw new EbbError('EBB_TENANT_MISMATCH', `This ${p.kind === 'api-key' ? 'key' : 'token'} belongs to another tenant than the one named in X-Ebb-Tenant.`);
    }
    return p.tenantId;
  }
  if (named !== undefined) return named;
  if (p.kind === 'account' && p.memberships.size === 1) return p.memberships.keys().next().value!;
  return null;
}
