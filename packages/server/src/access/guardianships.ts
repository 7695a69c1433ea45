import type { Clock } from '../core/clock.ts';
import { EbbError } from '../core/errors.ts';
import type { AuditLog } from '../audit/audit-log.ts';
import type { AccessStore } from '../store/ports.ts';
import type { SubjectRows } from './subject-rows.ts';

export interface GuardianshipService {
  /** Links a guardian to a learner, both named by the app's user ids; creates their subject rows if needed. */
  link(input: { tenantId: string; guardianUserId: string; learnerUserId: string; actor: string }): Promise<{ guardianSubjectId: string; learnerSubjectId: string; created: boolean }>;
  unlink(input: { tenantId: string; guardianUserId: string; learnerUserId: string; actor: string }): Promise<{ removed: boolean }>;
}

export function createGuardianshipService(deps: { store: AccessStore; subjects: SubjectRows; audit: AuditLog; clock: Clock }): GuardianshipService {
  const { store, subjects, audit, clock } = deps;
  return {
    async link({ tenantId, guardianUserId, learnerUserId, actor }) {
      if (guardianUserId === learnerUserId) throw new EbbError('EBB_VALIDATION_FAILED', 'A person cannot be their own guardian.');
      const guardian = await subjects.ensure(tenantId, guardianUserId, 'guardian');
      // Ingest records everyone as a learner until told otherwise.
      if (guardian.kind !== 'guardian') await subjects.update(guardian, { kind: 'guardian' });
      const learner = await subjects.ensure(tenantId, learnerUserId, 'learner');
      const created = await store.putGuardianship(tenantId, guardian.id, learner.id, clock.now());
      if (created) await audit.record({ tenantId, actor, action: 'guardianship.linked', target: learner.id, details: { guardian: guardian.id } });
      return { guardianSubjectId: guardian.id, learnerSubjectId: learner.id, created };
    },
    async unlink({ tenantId, guardianUserId, learnerUserId, actor }) {
      const guardian = await subjects.find(tenantId, guardianUserId);
      const learner = await subjects.find(tenantId, learnerUserId);
      if (!guardian || !learner) return { removed: false };
      const removed = await store.deleteGuardianship(tenantId, guardian.id, learner.id);
      if (removed) await audit.record({ tenantId, actor, action: 'guardianship.unlinked', target: learner.id, details: { guardian: guardian.id } });
      return { removed };
    },
  };
}
