import type { DataCategory } from '../privacy/inventory.ts';

/** How long a category keeps full detail, and when its rows are deleted. */
export interface RetentionWindow {
  /** Days of full detail; after this, identifiers are stripped. */
  anonymizeAfterDays: number;
  /** Days until rows are deleted. Never before anonymisation. */
  deleteAfterDays: number;
}

export type RetentionPolicySet = Record<DataCategory, RetentionWindow>;

/** Defaults: full detail 90 days, anonymised until 2 years, then deleted; errors 1 year; aggregates 365 days. */
export const DEFAULT_RETENTION: Readonly<RetentionPolicySet> = Object.freeze({
  events: { anonymizeAfterDays: 90, deleteAfterDays: 730 },
  sessions: { anonymizeAfterDays: 90, deleteAfterDays: 730 },
  learning_events: { anonymizeAfterDays: 90, deleteAfterDays: 730 },
  errors: { anonymizeAfterDays: 90, deleteAfterDays: 365 },
  aggregates: { anonymizeAfterDays: 365, deleteAfterDays: 365 },
  request_logs: { anonymizeAfterDays: 90, deleteAfterDays: 730 },
  export_files: { anonymizeAfterDays: 7, deleteAfterDays: 7 },
});

/** Every data category, in the order reports list them. */
export const DATA_CATEGORIES: ReadonlyArray<DataCategory> = Object.keys(DEFAULT_RETENTION) as DataCategory[];

/** Where the retention policies of a tenant come from (the ingest path asks once per batch). */
export interface RetentionPolicySource {
  forTenant(tenantId: string): Promise<RetentionPolicySet>;
}
