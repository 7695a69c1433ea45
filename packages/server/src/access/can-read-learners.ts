import { ALLOW, deny, type Decision } from './decision.ts';
import type { Principal } from './principal.ts';
import { keyHasScope, refusal, roleIn } from './roles.ts';

/**
 * Lists of individual learners across the tenant (the at-risk list: who, their score, why):
 * owners, admins and keys scoped to read individuals. Never analysts, whose view is aggregates
 * only, and never viewer tokens, which see one learner at most.
 */
export function canReadLearners(p: Principal, tenantId: string | null): Decision {
  const role = roleIn(p, tenantId);
  if (role === 'owner' || role === 'admin') return ALLOW;
  if (role === 'analyst') return deny('Analysts see aggregates only, never a list of individual learners.');
  if (keyHasScope(p, tenantId, 'subjects:read')) return ALLOW;
  if (p.kind === 'viewer') return deny('A viewer token shows one learner\'s own data, never a list of learners.');
  return deny(refusal(p, 'list individual learners'));
}
