import { ALLOW, deny, type Decision } from './decision.ts';
import type { Principal } from './principal.ts';
import { keyHasScope, refusal, roleIn } from './roles.ts';

/** Tenant-wide aggregates (released at a privacy level): every staff role, and keys scoped for them. */
export function canReadAggregates(p: Principal, tenantId: string | null): Decision {
  if (roleIn(p, tenantId) !== null) return ALLOW;
  if (keyHasScope(p, tenantId, 'aggregates:read')) return ALLOW;
  return deny(refusal(p, 'read this tenant\'s aggregates'));
}
