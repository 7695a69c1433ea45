import type { TenantService } from '../access/tenants.ts';
import type { Clock } from '../core/clock.ts';
import type { DataCategory } from '../privacy/inventory.ts';
import type { LifecycleStore, RetentionSlice, TableCounts } from '../store/ports.ts';
import type { ExpiredExports } from './expired-exports.ts';
import type { LegalHolds } from './legal-holds.ts';
import { DATA_CATEGORIES, type RetentionWindow } from './retention-defaults.ts';
import { resolveChanges, type PolicyChanges, type RetentionPolicies } from './retention-policies.ts';
import { retentionCutoffs } from './retention-policy.ts';

/** What a retention run would change in one category, under the current and the proposed policy. */
export interface CategoryPreview {
  category: DataCategory;
  current: RetentionWindow;
  proposed: RetentionWindow;
  changed: boolean;
  /** Rows a run now would anonymise and delete (summed over the category's tables). */
  now: { anonymize: number; delete: number };
  /** The same, had the proposed policy been saved. */
  then: { anonymize: number; delete: number };
  /** Per table, under the proposed policy (tables with nothing to change left out). */
  tables: { anonymize: TableCounts; delete: TableCounts };
}

export interface RetentionPreview {
  tenantId: string;
  at: string;
  /** A hold on the whole tenant: a run would change nothing, whatever the policy. */
  heldByTenantHold: string | null;
  /** Subjects under legal hold are left out of every count, as the run leaves them out. */
  heldSubjects: number;
  categories: CategoryPreview[];
  /** Export files a run would delete now (held subjects' files kept), under the current and the proposed policy. */
  exportFiles: { current: RetentionWindow; proposed: RetentionWindow; changed: boolean; now: number; then: number };
}

export interface RetentionPreviewer {
  preview(input: { tenantId: string; changes: PolicyChanges }): Promise<RetentionPreview>;
}

const sum = (c: TableCounts) => Object.values(c).reduce((a, b) => a + b, 0);
/** Tables with nothing to change are left out, as in the run's report. */
const nonZero = (c: TableCounts): TableCounts => Object.fromEntries(Object.entries(c).filter(([, n]) => n > 0));
/** Export files are files, not rows: the run handles them on its own. */
const TABLE_CATEGORIES = DATA_CATEGORIES.filter((c) => c !== 'export_files');

/**
 * The effect of a policy change before it is saved: counts, with the run's own conditions (holds
 * left out, deletion before anonymisation), of the rows a retention run would change now under
 * the current and under the proposed policy. Reads only; records nothing.
 */
export function createRetentionPreview(deps: { lifecycle: LifecycleStore; exports: ExpiredExports; tenants: TenantService; policies: RetentionPolicies; holds: LegalHolds; clock: Clock }): RetentionPreviewer {
  const count = async (tenantId: string, category: DataCategory, window: RetentionWindow, now: Date, held: readonly string[]) => {
    const { anonymizeDueAt, deleteDueAt } = retentionCutoffs(window, now);
    const subjects = held.length > 0 ? { except: held } : undefined;
    const del: RetentionSlice = { tenantId, category, dueAt: deleteDueAt, subjects };
    const anon: RetentionSlice = { tenantId, category, dueAt: anonymizeDueAt, after: deleteDueAt, subjects };
    const [a, d] = [await deps.lifecycle.countDue('anonymize', anon), await deps.lifecycle.countDue('delete', del)];
    return { anonymize: a, delete: d };
  };

  return {
    async preview({ tenantId, changes }) {
      await deps.tenants.get(tenantId);
      const current = await deps.policies.forTenant(tenantId);
      // Checked exactly as a save checks it: a preview refuses what PUT refuses, with the same codes.
      const { proposed } = resolveChanges(current, changes, 'preview');

      const now = deps.clock.now();
      const holds = await deps.holds.active(tenantId);
      const categories: CategoryPreview[] = [];
      for (const category of TABLE_CATEGORIES) {
        const cur = current[category];
        const next = proposed[category];
        const changed = cur.anonymizeAfterDays !== next.anonymizeAfterDays || cur.deleteAfterDays !== next.deleteAfterDays;
        if (holds.tenant) {
          categories.push({ category, current: cur, proposed: next, changed, now: { anonymize: 0, delete: 0 }, then: { anonymize: 0, delete: 0 }, tables: { anonymize: {}, delete: {} } });
          continue;
        }
        const before = await count(tenantId, category, cur, now, holds.subjectIds);
        const after = changed ? await count(tenantId, category, next, now, holds.subjectIds) : before;
        categories.push({
          category, current: cur, proposed: next, changed,
          now: { anonymize: sum(before.anonymize), delete: sum(before.delete) },
          then: { anonymize: sum(after.anonymize), delete: sum(after.delete) },
          tables: { anonymize: nonZero(after.anonymize), delete: nonZero(after.delete) },
        });
      }
      const files = async (window: RetentionWindow) => holds.tenant
        ? 0
        : (await deps.exports.sweepTenant({ tenantId, before: retentionCutoffs(window, now).deleteDueAt, heldSubjects: holds.subjectIds, dryRun: true })).deleted;
      const cur = current.export_files;
      const next = proposed.export_files;
      const changed = cur.anonymizeAfterDays !== next.anonymizeAfterDays || cur.deleteAfterDays !== next.deleteAfterDays;
      const filesNow = await files(cur);
      const exportFiles = { current: cur, proposed: next, changed, now: filesNow, then: changed ? await files(next) : filesNow };
      return { tenantId, at: now.toISOString(), heldByTenantHold: holds.tenant?.id ?? null, heldSubjects: holds.subjectIds.length, categories, exportFiles };
    },
  };
}
