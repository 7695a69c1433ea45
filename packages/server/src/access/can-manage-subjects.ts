import { ALLOW, deny, type Decision } from './decision.ts';
import type { Principal } from './principal.ts';
import { keyHasScope, refusal, roleIn } from './roles.ts';

/** Linking guardians to learners, recording consent and age bands: owners, admins, keys scoped for it. */
export function canManageSubjects(p: Principal, tenantId: string | null): Decision {
  const role = roleIn(p, tenantId);
  if (role === 'owner' || role === 'admin') return ALLOW;
  if (keyHasScope(p, tenantId, 'subjects:manage')) return ALLOW;
  return deny(refusal(p, 'manage guardianships or consent'));
}
