import { DAY_MS } from '../core/clock.ts';
import { EbbError } from '../core/errors.ts';
import type { DataCategory } from '../privacy/inventory.ts';
import { DATA_CATEGORIES, type RetentionWindow } from './retention-defaults.ts';

/** Allowed retention periods, in days (about ten years at most). */
export const RETENTION_DAYS = Object.freeze({ min: 1, max: 3650 });

export function parseCategory(value: unknown): DataCategory {
  if (typeof value === 'string' && (DATA_CATEGORIES as readonly string[]).includes(value)) return value as DataCategory;
  throw new EbbError('EBB_RETENTION_UNKNOWN_CATEGORY', `"${String(value)}" is not a data category. Categories: ${DATA_CATEGORIES.join(', ')}.`, {
    details: { category: value, categories: DATA_CATEGORIES },
  });
}

function checkDays(category: DataCategory, field: keyof RetentionWindow, value: unknown): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < RETENTION_DAYS.min || value > RETENTION_DAYS.max) {
    throw new EbbError('EBB_RETENTION_OUT_OF_RANGE', `${category}.${field} must be a whole number of days from ${RETENTION_DAYS.min} to ${RETENTION_DAYS.max}; got ${JSON.stringify(value) ?? String(value)}.`, {
      details: { category, field, value: value ?? null, min: RETENTION_DAYS.min, max: RETENTION_DAYS.max },
    });
  }
  return value;
}

/** A whole window, checked: both periods in range, anonymisation never after deletion. */
export function validateRetentionWindow(category: DataCategory, window: { anonymizeAfterDays: unknown; deleteAfterDays: unknown }): RetentionWindow {
  const anonymizeAfterDays = checkDays(category, 'anonymizeAfterDays', window.anonymizeAfterDays);
  const deleteAfterDays = checkDays(category, 'deleteAfterDays', window.deleteAfterDays);
  if (anonymizeAfterDays > deleteAfterDays) {
    throw new EbbError('EBB_RETENTION_ANONYMIZE_AFTER_DELETE', `${category}: anonymizeAfterDays (${anonymizeAfterDays}) is later than deleteAfterDays (${deleteAfterDays}); data must be anonymised before it is deleted.`, {
      details: { category, anonymizeAfterDays, deleteAfterDays },
    });
  }
  return { anonymizeAfterDays, deleteAfterDays };
}

/** The instants at or before which a row's time makes it due for each stage. A row exactly
 * `anonymizeAfterDays` old is due, as ingest stores such a row anonymised already. */
export function retentionCutoffs(window: RetentionWindow, now: Date): { anonymizeDueAt: Date; deleteDueAt: Date } {
  return {
    anonymizeDueAt: new Date(now.getTime() - window.anonymizeAfterDays * DAY_MS),
    deleteDueAt: new Date(now.getTime() - window.deleteAfterDays * DAY_MS),
  };
}
