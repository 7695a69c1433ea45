import { ALLOW, deny, type Decision } from './decision.ts';
import type { Principal } from './principal.ts';
import { keyHasScope, refusal, roleIn } from './roles.ts';

/** Changing the tenant's privacy settings (consent rules for children, privacy signals): owners only, never a key. */
export function canManageTenantSettings(p: Principal, tenantId: string | null): Decision {
  if (roleIn(p, tenantId) === 'owner') return ALLOW;
  return deny(refusal(p, 'change the tenant\'s settings; only owners can'));
}

/** Reading them (no personal data): every staff role, and keys that record consent or manage retention. */
export function canReadTenantSettings(p: Principal, tenantId: string | null): Decision {
  if (roleIn(p, tenantId) !== null) return ALLOW;
  if (keyHasScope(p, tenantId, 'subjects:manage') || keyHasScope(p, tenantId, 'retention:manage')) return ALLOW;
  return deny(refusal(p, 'read the tenant\'s settings'));
}
