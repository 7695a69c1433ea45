import { ALLOW, deny, type Decision } from './decision.ts';
import type { Principal } from './principal.ts';
import { keyHasScope, refusal, roleIn } from './roles.ts';

/** Creating, listing and revoking API keys: owners, admins, keys scoped for it (each hands out only scopes it may use, access/grantable-scopes.ts). */
export function canManageKeys(p: Principal, tenantId: string | null): Decision {
  const role = roleIn(p, tenantId);
  if (role === 'owner' || role === 'admin') return ALLOW;
  if (keyHasScope(p, tenantId, 'keys:manage')) return ALLOW;
  return deny(refusal(p, 'manage keys'));
}
