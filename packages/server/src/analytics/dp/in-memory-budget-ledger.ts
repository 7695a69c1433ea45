import { decideSpend, spentInWindow } from './budget.ts';
import type { BudgetCap, BudgetLedgerPort, LedgerEntry } from './budget.ts';

export interface InMemoryBudgetLedgerOptions {
  /** The tenant's per-window cap (the privacy_budget row). */
  capOf: (tenantId: string) => BudgetCap;
  entries?: readonly LedgerEntry[];
}

/**
 * A BudgetLedgerPort in memory: the reference behaviour for durable adapters and for tests.
 * Each reserve decides and inserts without yielding, so concurrent calls in one process are atomic.
 */
export function createInMemoryBudgetLedger(options: InMemoryBudgetLedgerOptions): BudgetLedgerPort & { entries(): readonly LedgerEntry[] } {
  const entries: LedgerEntry[] = [...(options.entries ?? [])];
  return {
    async reserve(tenantId, releaseKey, epsilon, details) {
      const decision = decideSpend(entries, { ...details, tenantId, releaseKey, epsilon }, options.capOf(tenantId));
      if (decision.ok) entries.push(decision.entry);
      return decision;
    },
    async commit(tenantId, releaseKey) {
      const i = entries.findIndex((e) => e.tenantId === tenantId && e.releaseKey === releaseKey);
      if (i < 0) throw new RangeError(`no reservation for release key ${releaseKey}`);
      entries[i] = { ...entries[i]!, status: 'committed' };
    },
    async spent(tenantId, window) {
      return spentInWindow(entries, tenantId, window);
    },
    entries: () => [...entries],
  };
}
