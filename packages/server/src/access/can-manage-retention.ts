import { ALLOW, deny, type Decision } from './decision.ts';
import type { Principal } from './principal.ts';
import { keyHasScope, refusal, roleIn } from './roles.ts';

/** Changing retention policies and legal holds: owners, and admin keys scoped for it (automation). */
export function canManageRetention(p: Principal, tenantId: string | null): Decision {
  if (roleIn(p, tenantId) === 'owner') return ALLOW;
  if (keyHasScope(p, tenantId, 'retention:manage')) return ALLOW;
  return deny(refusal(p, 'change retention or legal holds; only owners can'));
}

/** Reading the policies (no personal data): every staff role and keys that may manage them. */
export function canReadRetention(p: Principal, tenantId: string | null): Decision {
  if (roleIn(p, tenantId) !== null) return ALLOW;
  if (keyHasScope(p, tenantId, 'retention:manage')) return ALLOW;
  return deny(refusal(p, 'read retention policies'));
}
