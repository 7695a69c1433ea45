import { ALLOW, deny, type Decision } from './decision.ts';
import type { Principal } from './principal.ts';
import { keyHasScope, refusal, roleIn } from './roles.ts';

/** The tenant's audit entries (internal ids only): owners, admins, keys scoped for it. */
export function canReadAudit(p: Principal, tenantId: string | null): Decision {
  const role = roleIn(p, tenantId);
  if (role === 'owner' || role === 'admin') return ALLOW;
  if (keyHasScope(p, tenantId, 'audit:read')) return ALLOW;
  return deny(refusal(p, 'read the audit log'));
}
