import { ALLOW, deny, type Decision } from './decision.ts';
import type { Principal } from './principal.ts';
import { refusal, roleIn } from './roles.ts';

/** Adding members, changing roles, removing members: owners only, and never with a key. */
export function canManageMembers(p: Principal, tenantId: string | null): Decision {
  if (roleIn(p, tenantId) === 'owner') return ALLOW;
  return deny(refusal(p, 'manage members; only owners can'));
}

/** Seeing who has access to the tenant: owners and admins. */
export function canReadMembers(p: Principal, tenantId: string | null): Decision {
  const role = roleIn(p, tenantId);
  if (role === 'owner' || role === 'admin') return ALLOW;
  return deny(refusal(p, 'list members'));
}
