import type { AuditLog } from '../audit/audit-log.ts';
import type { TenantService } from '../access/tenants.ts';
import type { Clock } from '../core/clock.ts';
import { EbbError } from '../core/errors.ts';
import type { DataCategory } from '../privacy/inventory.ts';
import type { RetentionPolicyRecord, RetentionStore } from '../store/ports.ts';
import { DATA_CATEGORIES, DEFAULT_RETENTION, type RetentionPolicySet, type RetentionPolicySource, type RetentionWindow } from './retention-defaults.ts';
import { parseCategory, validateRetentionWindow } from './retention-policy.ts';

/** One category's policy as shown to people: where it comes from and who set it. */
export interface PolicyView extends RetentionWindow {
  category: DataCategory;
  source: 'default' | 'tenant';
  updatedAt: string | null;
  updatedBy: string | null;
}

/**
 * Requested changes: per category, the periods to set (either or both), or null to go back to
 * the default. Values are unchecked input; `change` refuses bad ones with their own codes.
 */
export type PolicyChanges = Record<string, { anonymizeAfterDays?: unknown; deleteAfterDays?: unknown } | null>;

export interface RetentionPolicies extends RetentionPolicySource {
  describe(tenantId: string): Promise<PolicyView[]>;
  change(input: { tenantId: string; changes: PolicyChanges; actor: string }): Promise<PolicyView[]>;
}

const FIELDS = new Set(['anonymizeAfterDays', 'deleteAfterDays']);

/** Requested changes checked against the current policies: the windows to save and the categories back to the default. */
export interface ResolvedChanges {
  put: Array<{ category: DataCategory } & RetentionWindow>;
  reset: DataCategory[];
  /** Every category's window as it would be after the change. */
  proposed: RetentionPolicySet;
  diff: Record<string, { from: RetentionWindow; to: RetentionWindow }>;
}

/**
 * Checks requested changes as a save does, one problem one code: unknown categories, unknown
 * fields, periods out of range, anonymisation after deletion. Saving and previewing both use it,
 * so a preview refuses exactly what a save refuses.
 */
export function resolveChanges(current: RetentionPolicySet, changes: PolicyChanges, verb = 'change'): ResolvedChanges {
  const entries = Object.entries(changes);
  if (entries.length === 0) throw new EbbError('EBB_VALIDATION_FAILED', `Name at least one category to ${verb}.`);
  const proposed = { ...current } as RetentionPolicySet;
  const put: ResolvedChanges['put'] = [];
  const reset: DataCategory[] = [];
  const diff: ResolvedChanges['diff'] = {};
  for (const [name, change] of entries) {
    const category = parseCategory(name);
    if (change === null) {
      reset.push(category);
      proposed[category] = DEFAULT_RETENTION[category];
      diff[category] = { from: current[category], to: DEFAULT_RETENTION[category] };
      continue;
    }
    if (typeof change !== 'object' || Array.isArray(change)) {
      throw new EbbError('EBB_VALIDATION_FAILED', `${category}: give {"anonymizeAfterDays": N, "deleteAfterDays": N} (either or both), or null for the default.`);
    }
    const unknown = Object.keys(change).filter((k) => !FIELDS.has(k));
    if (unknown.length > 0 || Object.keys(change).length === 0) {
      throw new EbbError('EBB_VALIDATION_FAILED', `${category}: only anonymizeAfterDays and deleteAfterDays can be set${unknown.length ? ` (not ${unknown.join(', ')})` : ''}.`);
    }
    // Unchanged fields keep their current value, and the whole window is checked.
    const window = validateRetentionWindow(category, {
      anonymizeAfterDays: 'anonymizeAfterDays' in change ? change.anonymizeAfterDays : current[category].anonymizeAfterDays,
      deleteAfterDays: 'deleteAfterDays' in change ? change.deleteAfterDays : current[category].deleteAfterDays,
    });
    put.push({ category, ...window });
    proposed[category] = window;
    diff[category] = { from: current[category], to: window };
  }
  return { put, reset, proposed, diff };
}

/** Tenant policies over the defaults, cached per tenant (ingest asks per batch) and dropped on change. */
export function createRetentionPolicies(deps: { store: RetentionStore; tenants: TenantService; audit: AuditLog; clock: Clock }): RetentionPolicies {
  const { store, tenants, audit, clock } = deps;
  const cache = new Map<string, Promise<{ set: RetentionPolicySet; rows: RetentionPolicyRecord[] }>>();

  const load = (tenantId: string) => {
    let hit = cache.get(tenantId);
    if (!hit) {
      hit = store.listPolicies(tenantId).then((rows) => {
        const set = { ...DEFAULT_RETENTION } as RetentionPolicySet;
        for (const r of rows) set[r.category] = { anonymizeAfterDays: r.anonymizeAfterDays, deleteAfterDays: r.deleteAfterDays };
        return { set: Object.freeze(set), rows };
      });
      hit.catch(() => cache.delete(tenantId));
      cache.set(tenantId, hit);
    }
    return hit;
  };

  const describe = async (tenantId: string): Promise<PolicyView[]> => {
    await tenants.get(tenantId);
    const { set, rows } = await load(tenantId);
    return DATA_CATEGORIES.map((category) => {
      const own = rows.find((r) => r.category === category);
      return {
        category,
        ...set[category],
        source: own ? 'tenant' : 'default',
        updatedAt: own?.updatedAt.toISOString() ?? null,
        updatedBy: own?.updatedBy ?? null,
      };
    });
  };

  return {
    forTenant: async (tenantId) => (await load(tenantId)).set,
    describe,

    async change({ tenantId, changes, actor }) {
      await tenants.get(tenantId);
      const current = (await load(tenantId)).set;
      const now = clock.now();
      const { put, reset, diff } = resolveChanges(current, changes);
      cache.delete(tenantId);
      await store.savePolicies(tenantId, put.map((p) => ({ tenantId, ...p, updatedAt: now, updatedBy: actor })), reset);
      cache.delete(tenantId);
      await audit.record({ tenantId, actor, action: 'retention.policy_changed', target: tenantId, details: { changes: diff } });
      return describe(tenantId);
    },
  };
}
