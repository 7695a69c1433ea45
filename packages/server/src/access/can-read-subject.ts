import { ALLOW, deny, type Decision } from './decision.ts';
import type { Principal } from './principal.ts';
import { isGuardianOf, isSelf, keyHasScope, refusal, roleIn } from './roles.ts';
import type { SubjectRef } from './subject-ref.ts';

/**
 * One person's rows (journey, events, consent): the learner themselves, their guardian, the
 * tenant's owners and admins, and keys scoped for it. Never analysts, whose view is aggregates only.
 */
export function canReadSubject(p: Principal, tenantId: string | null, subject: SubjectRef | null | undefined): Decision {
  if (subject == null) return deny('Name the person whose data to read.');
  const role = roleIn(p, tenantId);
  if (role === 'owner' || role === 'admin') return ALLOW;
  if (role === 'analyst') return deny('Analysts see aggregates only, never an individual\'s rows.');
  if (keyHasScope(p, tenantId, 'subjects:read')) return ALLOW;
  if (isSelf(p, tenantId, subject) || isGuardianOf(p, tenantId, subject)) return ALLOW;
  if (p.kind === 'viewer') return deny('A learner sees their own data and a guardian their children\'s, nobody else\'s.');
  return deny(refusal(p, 'read this person\'s data'));
}
