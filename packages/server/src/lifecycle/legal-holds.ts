import type { AuditLog } from '../audit/audit-log.ts';
import type { TenantService } from '../access/tenants.ts';
import type { Clock } from '../core/clock.ts';
import { EbbError } from '../core/errors.ts';
import { uuidv7 } from '../core/ids.ts';
import type { Pseudonymizer } from '../privacy/pseudonym.ts';
import type { ControlStore, LegalHoldRecord, RetentionStore } from '../store/ports.ts';

/** A hold as shown to people. The subject's pseudonym is never shown. */
export interface LegalHoldView {
  id: string;
  tenantId: string;
  scope: 'tenant' | 'subject';
  subjectId: string | null;
  reason: string;
  placedBy: string;
  placedAt: string;
  releasedBy: string | null;
  releasedAt: string | null;
  active: boolean;
}

/** What retention must leave alone in a tenant right now. */
export interface ActiveHolds {
  /** A hold on the whole tenant, if any (the oldest). */
  tenant: LegalHoldRecord | null;
  /** Subject holds and the subjects each covers (none yet when the subject has sent nothing). */
  subjects: Array<{ hold: LegalHoldRecord; subjectIds: string[] }>;
  /** Every held subject, once. */
  subjectIds: string[];
}

export interface LegalHolds {
  /** Holds a whole tenant, or the subject of an app user id when `userId` is given. */
  place(input: { tenantId: string; userId?: string; reason: string; actor: string }): Promise<LegalHoldView>;
  list(tenantId: string, options?: { activeOnly?: boolean }): Promise<LegalHoldView[]>;
  release(input: { tenantId: string; id: string; actor: string }): Promise<LegalHoldView>;
  active(tenantId: string): Promise<ActiveHolds>;
  /** For erasure and other destructive work: is this subject (or its tenant) held? */
  isSubjectHeld(tenantId: string, subjectId: string): Promise<boolean>;
}

export const toHoldView = (h: LegalHoldRecord): LegalHoldView => ({
  id: h.id,
  tenantId: h.tenantId,
  scope: h.scope,
  subjectId: h.subjectId,
  reason: h.reason,
  placedBy: h.placedBy,
  placedAt: h.placedAt.toISOString(),
  releasedBy: h.releasedBy,
  releasedAt: h.releasedAt?.toISOString() ?? null,
  active: h.releasedAt === null,
});

/**
 * Legal holds. A subject is named by the app's user id, which is turned into its pseudonym at
 * once and never stored; the hold keeps the pseudonym so it also covers a subject whose first
 * event arrives later.
 */
export function createLegalHolds(deps: { store: RetentionStore; control: ControlStore; tenants: TenantService; pseudonyms: Pseudonymizer; audit: AuditLog; clock: Clock }): LegalHolds {
  const { store, control, tenants, pseudonyms, audit, clock } = deps;

  const active = async (tenantId: string): Promise<ActiveHolds> => {
    const holds = await store.listHolds(tenantId, { activeOnly: true });
    const tenantHolds = holds.filter((h) => h.scope === 'tenant');
    const subjectHolds = holds.filter((h) => h.scope === 'subject');
    const pseudonymList = [...new Set(subjectHolds.flatMap((h) => (h.pseudonym ? [h.pseudonym] : [])))];
    const found = pseudonymList.length > 0 ? await control.findSubjects(tenantId, pseudonymList) : [];
    const byPseudonym = new Map(found.map((s) => [s.pseudonym, s.id]));
    const subjects = subjectHolds.map((hold) => {
      const ids = new Set<string>();
      if (hold.subjectId) ids.add(hold.subjectId);
      const viaPseudonym = hold.pseudonym ? byPseudonym.get(hold.pseudonym) : undefined;
      if (viaPseudonym) ids.add(viaPseudonym);
      return { hold, subjectIds: [...ids] };
    });
    return {
      tenant: tenantHolds.at(-1) ?? null,
      subjects,
      subjectIds: [...new Set(subjects.flatMap((s) => s.subjectIds))],
    };
  };

  return {
    async place({ tenantId, userId, reason, actor }) {
      await tenants.get(tenantId);
      const why = reason.trim();
      if (why.length === 0 || why.length > 500) throw new EbbError('EBB_VALIDATION_FAILED', 'Give a reason for the hold: 1-500 characters (e.g. a case reference).');
      if (userId !== undefined && (userId.length === 0 || userId.length > 256)) throw new EbbError('EBB_VALIDATION_FAILED', 'The user id must be 1-256 characters.');
      let pseudonym: string | null = null;
      let subjectId: string | null = null;
      if (userId !== undefined) {
        pseudonym = pseudonyms.subject(tenantId, userId);
        subjectId = (await control.findSubjects(tenantId, [pseudonym]))[0]?.id ?? null;
      }
      const hold: LegalHoldRecord = {
        id: `lh_${uuidv7(clock.now().getTime()).replaceAll('-', '')}`,
        tenantId,
        scope: userId === undefined ? 'tenant' : 'subject',
        subjectId,
        pseudonym,
        reason: why,
        placedBy: actor,
        placedAt: clock.now(),
        releasedBy: null,
        releasedAt: null,
      };
      await store.insertHold(hold);
      // The reason is free text and may name people: it stays out of the audit log.
      await audit.record({ tenantId, actor, action: 'legal_hold.placed', target: hold.id, details: { scope: hold.scope, subjectId } });
      return toHoldView(hold);
    },

    async list(tenantId, options) {
      await tenants.get(tenantId);
      return (await store.listHolds(tenantId, options)).map(toHoldView);
    },

    async release({ tenantId, id, actor }) {
      await tenants.get(tenantId);
      const hold = await store.getHold(tenantId, id);
      if (!hold) throw new EbbError('EBB_HOLD_NOT_FOUND', `No legal hold has the id "${id}" in this tenant. List them with "ebb hold list".`);
      if (hold.releasedAt) throw new EbbError('EBB_HOLD_RELEASED', `Hold ${id} was released at ${hold.releasedAt.toISOString()} by ${hold.releasedBy ?? 'someone'}.`);
      const at = clock.now();
      if (!(await store.releaseHold(tenantId, id, at, actor))) throw new EbbError('EBB_HOLD_RELEASED', `Hold ${id} was released meanwhile.`);
      await audit.record({ tenantId, actor, action: 'legal_hold.released', target: id, details: { scope: hold.scope, subjectId: hold.subjectId } });
      return toHoldView({ ...hold, releasedAt: at, releasedBy: actor });
    },

    active,

    async isSubjectHeld(tenantId, subjectId) {
      const a = await active(tenantId);
      return a.tenant !== null || a.subjectIds.includes(subjectId);
    },
  };
}
