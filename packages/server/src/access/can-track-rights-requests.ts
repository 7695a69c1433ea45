import { canRequestErasure } from './can-request-erasure.ts';
import { canRequestExport } from './can-request-export.ts';
import { ALLOW, deny, type Decision } from './decision.ts';
import type { Principal } from './principal.ts';
import { keyHasScope, refusal, roleIn } from './roles.ts';
import type { SubjectRef } from './subject-ref.ts';

/**
 * Following export and erasure requests (listing jobs, looking at one, cancelling one): whoever
 * may make such requests for someone: owners, admins, keys scoped for rights requests, and
 * learners and guardians through viewer tokens. Which jobs each of them sees is `canFollowRightsJob`.
 * Never analysts.
 */
export function canTrackRightsRequests(p: Principal, tenantId: string | null): Decision {
  const role = roleIn(p, tenantId);
  if (role === 'owner' || role === 'admin') return ALLOW;
  if (role === 'analyst') return deny('Analysts may not see export and erasure requests; ask an owner or admin.');
  if (keyHasScope(p, tenantId, 'rights:request')) return ALLOW;
  if (p.kind === 'viewer' && tenantId !== null && p.tenantId === tenantId) return ALLOW;
  return deny(refusal(p, 'see export and erasure requests'));
}

/**
 * One job: seen (and cancelled) by whoever may request that kind of job for its person, or for
 * the whole tenant. `subject` is null for a tenant job; a person since erased is a ref with no
 * pseudonym, which only staff and keys may follow.
 */
export function canFollowRightsJob(p: Principal, tenantId: string | null, job: { kind: 'export' | 'erase'; subject: SubjectRef | null }): Decision {
  return job.kind === 'erase' ? canRequestErasure(p, tenantId, job.subject) : canRequestExport(p, tenantId, job.subject);
}
