import { ALLOW, deny, type Decision } from './decision.ts';
import type { Principal } from './principal.ts';
import { keyHasScope, refusal, roleIn } from './roles.ts';

/**
 * Registering, listing and revoking the keys the app signs viewer tokens with. Whoever holds such a
 * key can act as any learner or guardian of the tenant, so managing them takes the rights of all of
 * them: owners, admins, and keys that manage keys and may also read people's rows and request their rights.
 */
export function canManageViewerKeys(p: Principal, tenantId: string | null): Decision {
  const role = roleIn(p, tenantId);
  if (role === 'owner' || role === 'admin') return ALLOW;
  if (keyHasScope(p, tenantId, 'keys:manage') && keyHasScope(p, tenantId, 'subjects:read') && keyHasScope(p, tenantId, 'rights:request')) return ALLOW;
  if (p.kind === 'api-key') {
    return deny('This key may not manage viewer-token keys: that takes keys:manage, subjects:read and rights:request, the rights a viewer token can carry.');
  }
  return deny(refusal(p, 'manage viewer-token keys'));
}
