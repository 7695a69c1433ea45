import type { AnalyticsEnvelope, AnalyticsPrivacy, ReleasedValue } from '@ebb/contracts';

export type { AnalyticsEnvelope, AnalyticsPrivacy, ReleasedValue };

export type Obj = Record<string, unknown>;
export const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

/** The `data` of an answer at a DP level: the stored release, re-served value by value. */
export function releasesOf(data: unknown): ReleasedValue[] | null {
  return isObj(data) && Array.isArray(data.releases) ? (data.releases as ReleasedValue[]) : null;
}

/** The first of `names` that the object has (answers name the same thing in a few ways). */
export function pick(o: unknown, ...names: string[]): unknown {
  if (!isObj(o)) return undefined;
  for (const n of names) if (o[n] !== undefined) return o[n];
  return undefined;
}

/** The first array among `names`, or the object itself when it is a list. */
export function listOf(o: unknown, ...names: string[]): Obj[] {
  if (Array.isArray(o)) return o.filter(isObj);
  const v = pick(o, ...names);
  return Array.isArray(v) ? v.filter(isObj) : [];
}

const DAY = /^\d{4}-\d{2}-\d{2}/;
/** The date a row of a series stands for (its key, or a date field). */
export function dateOf(row: Obj): string | null {
  for (const k of ['key', 'date', 'day', 'week', 'weekStart', 'week_start', 'period']) {
    const v = row[k];
    if (typeof v === 'string' && DAY.test(v)) return v.slice(0, 10);
  }
  return null;
}

/** A published value: a number, `{suppressed, value}`, or a released DP value. */
export function isPublished(v: unknown): boolean {
  if (typeof v === 'number') return true;
  return isObj(v) && typeof v.suppressed === 'boolean' && ('value' in v);
}

/** A row withheld as a whole (too few people behind it): only its key and the reason remain. */
export function rowSuppressed(row: Obj): boolean {
  return row.suppressed === true && Object.keys(row).every((k) => ['key', 'suppressed', 'reason'].includes(k));
}

/** A field of a row as a published value: withheld rows withhold every field. */
export function cell(row: Obj, ...names: string[]): unknown {
  if (rowSuppressed(row)) return { suppressed: true, value: null, reason: row.reason };
  return pick(row, ...names);
}

/** Numeric (published) fields of an object, in order, for cards and tables of whatever an answer holds. */
export function publishedFields(o: unknown, skip: string[] = []): Array<[string, unknown]> {
  if (!isObj(o)) return [];
  return Object.entries(o).filter(([k, v]) => !skip.includes(k) && isPublished(v));
}

/** `daysActive` / `days_active` → "Days active". */
export function humanize(name: string): string {
  const words = name.replace(/_/g, ' ').replace(/([a-z0-9])([A-Z])/g, '$1 $2').toLowerCase().trim();
  return words.charAt(0).toUpperCase() + words.slice(1);
}

/** Releases of one metric, by key. */
export function releasesByMetric(releases: ReleasedValue[]): Map<string, ReleasedValue[]> {
  const out = new Map<string, ReleasedValue[]>();
  for (const r of releases) {
    const list = out.get(r.metric) ?? [];
    list.push(r);
    out.set(r.metric, list);
  }
  return out;
}
