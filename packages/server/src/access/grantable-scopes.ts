import { KEY_SCOPES, type KeyScope } from '../store/ports.ts';
import { canManageKeys } from './can-manage-keys.ts';
import { canManageRetention } from './can-manage-retention.ts';
import { canManageSubjects } from './can-manage-subjects.ts';
import { canReadAggregates } from './can-read-aggregates.ts';
import { canReadAudit } from './can-read-audit.ts';
import { canReadSubject } from './can-read-subject.ts';
import { canRequestErasure } from './can-request-erasure.ts';
import type { Decision } from './decision.ts';
import type { Principal } from './principal.ts';
import type { SubjectRef } from './subject-ref.ts';

/** Someone other than the caller: scopes about people are judged as the caller's right over anyone. */
const SOMEONE: SubjectRef = Object.freeze({ pseudonym: '', id: null });

/** What each scope lets a key do, as the check that decides it for people. */
const SCOPE_CHECKS: Readonly<Record<KeyScope, (p: Principal, tenantId: string | null) => Decision>> = {
  'aggregates:read': canReadAggregates,
  'subjects:read': (p, t) => canReadSubject(p, t, SOMEONE),
  'subjects:manage': canManageSubjects,
  'keys:manage': canManageKeys,
  'retention:manage': canManageRetention,
  'rights:request': (p, t) => canRequestErasure(p, t, SOMEONE),
  'audit:read': canReadAudit,
};

/**
 * Scopes a principal may hand to a key it creates: a key its own scopes, a person those whose
 * check they pass themselves (an admin, who may not change retention, cannot mint a key that can).
 */
export function grantableScopes(p: Principal, tenantId: string | null): ReadonlySet<KeyScope> {
  if (p.kind === 'api-key') return p.scopes;
  return new Set(KEY_SCOPES.filter((scope) => SCOPE_CHECKS[scope](p, tenantId).allowed));
}
