import type { BudgetLedgerPort, LedgerEntry, ReleaseWindow } from '../dp/budget.ts';
import { formatEpsilon } from '../dp/epsilon.ts';
import { getPrivacyLevel, type PrivacyLevel } from '../dp/privacy-levels.ts';

/** Differentially private levels: the ones the ETL releases and the ledger charges. */
export type DpLevel = Exclude<PrivacyLevel, 'anonymized'>;
export const DP_LEVELS: readonly DpLevel[] = ['dp_low', 'dp_medium', 'dp_high'];

/**
 * A tenant's budget row: the level its weekly releases are made at, and the cap on the loss of
 * any one window (by default exactly that level's epsilon, so one level per window).
 */
export interface BudgetSettings {
  readonly tenantId: string;
  readonly level: DpLevel;
  /** Per-window epsilon cap, exact text ("1", "1/2"). */
  readonly windowCap: string;
  readonly deltaCap: string;
  /** Whether the row is stored (false: the defaults, not yet written). */
  readonly stored: boolean;
}

export const DEFAULT_RELEASE_LEVEL: DpLevel = 'dp_medium';

export function defaultBudgetSettings(tenantId: string, level: DpLevel = DEFAULT_RELEASE_LEVEL): BudgetSettings {
  return { tenantId, level, windowCap: formatEpsilon(getPrivacyLevel(level).epsilon), deltaCap: '0', stored: false };
}

export interface StoredLedgerEntry extends LedgerEntry {
  readonly createdAt: Date;
  readonly committedAt: Date | null;
}

/** The persistent ledger: spends as in BudgetLedgerPort, plus the tenant's budget row and its entries. */
export interface PersistentBudgetLedger extends BudgetLedgerPort {
  settings(tenantId: string): Promise<BudgetSettings>;
  /** Stores the tenant's level and cap (a new cap applies to later reservations; spent budget stays spent). */
  saveSettings(settings: Omit<BudgetSettings, 'stored'>, actor: string): Promise<void>;
  /** Entries whose window overlaps `window`, oldest first. */
  entries(tenantId: string, window: ReleaseWindow): Promise<StoredLedgerEntry[]>;
}
