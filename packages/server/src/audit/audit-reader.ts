import type { AuditEntry, ControlStore } from '../store/ports.ts';
import type { AuditLog } from './audit-log.ts';

/** An audit entry as a tenant's staff see it: internal ids and counts, as recorded. */
export interface AuditEntryView {
  seq: number;
  at: string;
  actor: string;
  action: string;
  target: string | null;
  details: unknown;
  hash: string;
}

export interface TenantAuditVerification {
  /** The whole chain verifies (it is one chain across tenants; a break anywhere breaks trust in all). */
  ok: boolean;
  /** Entries of the whole chain that were checked. */
  checked: number;
  /** Entries of this tenant. */
  entries: number;
  /** Problems at this tenant's entries, in words. */
  problems: Array<{ seq: number; problem: string }>;
  /** Problems at entries of other tenants or of the system: counted, not described. */
  problemsElsewhere: number;
}

export interface AuditReader {
  /** The tenant's entries, newest first, older than `beforeSeq` when given. */
  list(tenantId: string, options: { limit: number; beforeSeq?: number; action?: string }): Promise<{ entries: AuditEntryView[]; nextBeforeSeq: number | null }>;
  verify(tenantId: string): Promise<TenantAuditVerification>;
}

const PAGE = 5000;

const toView = (e: AuditEntry): AuditEntryView => ({
  seq: e.seq, at: e.at.toISOString(), actor: e.actor, action: e.action, target: e.target, details: e.details, hash: e.hash,
});

/**
 * Tenant-scoped reading of the hash-chained audit log. The store reads the chain in sequence
 * order only, so a listing walks it forward and keeps the newest matches: fine for an audit log's
 * size (one entry per privacy action, not per event).
 */
export function createAuditReader(deps: { store: ControlStore; log: AuditLog }): AuditReader {
  const walk = async (visit: (e: AuditEntry) => void) => {
    for (let from = 1; ;) {
      const page = await deps.store.readAudit(from, PAGE);
      page.forEach(visit);
      if (page.length < PAGE) return;
      from = page[page.length - 1]!.seq + 1;
    }
  };

  return {
    async list(tenantId, { limit, beforeSeq, action }) {
      const kept: AuditEntry[] = [];
      let older = false;
      await walk((e) => {
        if (e.tenantId !== tenantId || (beforeSeq !== undefined && e.seq >= beforeSeq)) return;
        if (action !== undefined && e.action !== action && !e.action.startsWith(`${action}.`)) return;
        kept.push(e);
        if (kept.length > limit) {
          kept.shift();
          older = true;
        }
      });
      const entries = kept.reverse().map(toView);
      return { entries, nextBeforeSeq: older && entries.length > 0 ? entries[entries.length - 1]!.seq : null };
    },

    async verify(tenantId) {
      const own = new Set<number>();
      await walk((e) => { if (e.tenantId === tenantId) own.add(e.seq); });
      const v = await deps.log.verify();
      const mine = v.problems.filter((p) => own.has(p.seq));
      return { ok: v.ok, checked: v.entries, entries: own.size, problems: mine, problemsElsewhere: v.problems.length - mine.length };
    },
  };
}
