import { ALLOW, deny, type Decision } from './decision.ts';
import type { Principal } from './principal.ts';
import { isGuardianOf, isSelf, keyHasScope, refusal, roleIn } from './roles.ts';
import type { SubjectRef } from './subject-ref.ts';

/**
 * A data-subject request (erasure or export) about one person, or about the whole tenant when no
 * subject is named. One person: owners, admins, keys scoped for rights requests, the person
 * themselves, their guardian. The whole tenant: owners only.
 */
export function canRequestRights(what: string, p: Principal, tenantId: string | null, subject?: SubjectRef | null): Decision {
  const role = roleIn(p, tenantId);
  if (subject == null) {
    if (role === 'owner') return ALLOW;
    return deny(refusal(p, `request ${what} of the whole tenant; only owners can`));
  }
  if (role === 'owner' || role === 'admin') return ALLOW;
  if (role === 'analyst') return deny(`Analysts may not request ${what}; ask an owner or admin.`);
  if (keyHasScope(p, tenantId, 'rights:request')) return ALLOW;
  if (isSelf(p, tenantId, subject) || isGuardianOf(p, tenantId, subject)) return ALLOW;
  if (p.kind === 'viewer') return deny(`A learner may request ${what} of their own data and a guardian of their children's only.`);
  return deny(refusal(p, `request ${what}`));
}

/** GDPR art. 17. */
export const canRequestErasure = (p: Principal, tenantId: string | null, subject?: SubjectRef | null): Decision =>
  canRequestRights('erasure', p, tenantId, subject);
