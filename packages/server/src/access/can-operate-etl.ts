import { ALLOW, deny, type Decision } from './decision.ts';
import type { Principal } from './principal.ts';
import { refusal, roleIn } from './roles.ts';

/**
 * Running the ETL by hand (it spends the tenant's privacy budget on the weeks it releases):
 * owners and admins. Analysts read what it produced; keys and viewer tokens never start it.
 */
export function canOperateEtl(p: Principal, tenantId: string | null): Decision {
  const role = roleIn(p, tenantId);
  if (role === 'owner' || role === 'admin') return ALLOW;
  return deny(refusal(p, 'run the ETL; only owners and admins can'));
}
