import type { TenantService } from '../access/tenants.ts';
import type { Clock } from '../core/clock.ts';
import { DAY_MS } from '../core/clock.ts';
import type { DataCategory } from '../privacy/inventory.ts';
import type { LifecycleStore, RetentionStage } from '../store/ports.ts';
import type { ExpiredExports } from './expired-exports.ts';
import type { LegalHolds } from './legal-holds.ts';
import { DATA_CATEGORIES } from './retention-defaults.ts';
import type { RetentionPolicies } from './retention-policies.ts';
import { retentionCutoffs } from './retention-policy.ts';

/** How late retention is for one tenant, category and stage. */
export interface ExposureEntry {
  tenantId: string;
  category: DataCategory;
  stage: RetentionStage;
  /** Seconds past its deadline of the oldest row not yet anonymised (or deleted); 0 when none is late. */
  overdueSeconds: number;
}

export interface PiiExposure {
  /** Measures now (of one tenant, or all) and publishes the result. */
  measure(tenantId?: string): Promise<ExposureEntry[]>;
  /** The last measurement of every tenant, measured again when older than `maxAgeMs`. */
  snapshot(maxAgeMs: number): Promise<ExposureEntry[]>;
}

/** A missed deadline by more than this is a health warning: the daily job did not run. */
export const EXPOSURE_WARN_SECONDS = DAY_MS / 1000;

/** The health check's view: warn when any deadline was missed by more than a day. No tenant ids (health is public). */
export function exposureHealth(entries: ReadonlyArray<ExposureEntry>): { status: 'ok' | 'warn'; detail: { overdue: number; maxOverdueSeconds: number } } {
  const late = entries.filter((e) => e.overdueSeconds > EXPOSURE_WARN_SECONDS);
  const maxOverdueSeconds = entries.reduce((m, e) => Math.max(m, e.overdueSeconds), 0);
  return { status: late.length > 0 ? 'warn' : 'ok', detail: { overdue: late.length, maxOverdueSeconds } };
}

/**
 * The PII exposure metric: for each tenant and category, how far past its deadline the oldest
 * row still awaiting anonymisation or deletion is. Data under a legal hold is kept on purpose
 * and does not count.
 */
export function createPiiExposure(deps: {
  lifecycle: LifecycleStore;
  exports: ExpiredExports;
  tenants: TenantService;
  policies: RetentionPolicies;
  holds: LegalHolds;
  clock: Clock;
  publish?: (entries: ExposureEntry[], scope: { tenantId?: string }) => void;
}): PiiExposure {
  let last: { at: number; entries: ExposureEntry[] } | null = null;
  let inFlight: Promise<ExposureEntry[]> | null = null;

  const measureTenant = async (tenantId: string, now: Date): Promise<ExposureEntry[]> => {
    const policy = await deps.policies.forTenant(tenantId);
    const holds = await deps.holds.active(tenantId);
    const out: ExposureEntry[] = [];
    const seconds = (dueAt: Date, oldest: Date | null) => (oldest ? Math.max(0, Math.floor((dueAt.getTime() - oldest.getTime()) / 1000)) : 0);
    for (const category of DATA_CATEGORIES) {
      const { anonymizeDueAt, deleteDueAt } = retentionCutoffs(policy[category], now);
      if (holds.tenant) {
        out.push({ tenantId, category, stage: 'anonymize', overdueSeconds: 0 }, { tenantId, category, stage: 'delete', overdueSeconds: 0 });
        continue;
      }
      const subjects = holds.subjectIds.length > 0 ? { except: holds.subjectIds } : undefined;
      if (category === 'export_files') {
        // Export files are deleted whole; there is nothing to anonymise.
        out.push({ tenantId, category, stage: 'anonymize', overdueSeconds: 0 });
        out.push({ tenantId, category, stage: 'delete', overdueSeconds: seconds(deleteDueAt, await deps.exports.oldestDue(tenantId, deleteDueAt, holds.subjectIds)) });
        continue;
      }
      const oldestAnon = await deps.lifecycle.oldestDue('anonymize', { tenantId, category, dueAt: anonymizeDueAt, subjects });
      const oldestDelete = await deps.lifecycle.oldestDue('delete', { tenantId, category, dueAt: deleteDueAt, subjects });
      out.push({ tenantId, category, stage: 'anonymize', overdueSeconds: seconds(anonymizeDueAt, oldestAnon) });
      out.push({ tenantId, category, stage: 'delete', overdueSeconds: seconds(deleteDueAt, oldestDelete) });
    }
    return out;
  };

  const measure = async (tenantId?: string): Promise<ExposureEntry[]> => {
    const now = deps.clock.now();
    const tenantIds = tenantId ? [(await deps.tenants.get(tenantId)).id] : (await deps.tenants.list()).map((t) => t.id);
    const entries: ExposureEntry[] = [];
    for (const id of tenantIds) entries.push(...(await measureTenant(id, now)));
    if (tenantId === undefined) last = { at: now.getTime(), entries };
    else if (last) last = { at: last.at, entries: [...last.entries.filter((e) => e.tenantId !== tenantId), ...entries] };
    deps.publish?.(entries, { tenantId });
    return entries;
  };

  return {
    measure,
    async snapshot(maxAgeMs) {
      if (last && deps.clock.now().getTime() - last.at <= maxAgeMs) return last.entries;
      inFlight ??= measure().finally(() => {
        inFlight = null;
      });
      return inFlight;
    },
  };
}
