import type { DateRange } from '../date-range.ts';
import { addDays, startOfLocalDay } from '../date-range.ts';

/**
 * What every metric query gets: the tenant and the local days it covers. Metric files hold one SQL
 * variant per engine beside them (`<metric>.sql.ts`); this is the engine-neutral part.
 */
export interface MetricQuery {
  readonly tenantId: string;
  readonly range: DateRange;
}

/** The one call a metric needs from a store connection (DuckDB's Db satisfies it). */
export interface MetricDb {
  all<T extends Record<string, unknown> = Record<string, unknown>>(sql: string, params?: unknown[] | Record<string, unknown>): Promise<T[]>;
}

export const DAY_MS = 86_400_000;

/** The local dates of a range, oldest first. */
export function daysOf(range: { from: string; to: string }): string[] {
  const out: string[] = [];
  for (let d = range.from; d <= range.to; d = addDays(d, 1)) out.push(d);
  return out;
}

/** Days since 1970-01-01 of a local date (the integer the SQL below yields). */
export function dayNumber(date: string): number {
  return Math.round(Date.parse(`${date}T00:00:00Z`) / DAY_MS);
}

export function dateOfDayNumber(n: number): string {
  return new Date(n * DAY_MS).toISOString().slice(0, 10);
}

/**
 * SQL for the local day (days since 1970-01-01, BIGINT) of a timestamp column, in the range's time
 * zone, without a time-zone lookup per row: the range is cut into stretches of 24-hour days with one
 * UTC offset, and days of another length (daylight-saving changes) get their own branch. Exact for
 * instants inside [from - pad, to + pad]; only numbers computed here enter the SQL.
 */
export function localDaySql(column: string, range: { from: string; to: string; timeZone: string }, padDays = 0): string {
  const ms = `epoch_ms(${column})`;
  if (range.timeZone === 'UTC') return `(${ms} // ${DAY_MS})`;
  const first = addDays(range.from, -padDays);
  const last = addDays(range.to, padDays);
  const branches: Array<{ until: number; expr: string }> = [];
  let runOffset: number | null = null;
  for (let d = first; d <= last; d = addDays(d, 1)) {
    const start = startOfLocalDay(d, range.timeZone).getTime();
    const next = startOfLocalDay(addDays(d, 1), range.timeZone).getTime();
    const offset = dayNumber(d) * DAY_MS - start;
    if (next - start === DAY_MS) {
      if (runOffset === offset && branches.length > 0) branches[branches.length - 1]!.until = next;
      else branches.push({ until: next, expr: `((${ms} + ${offset}) // ${DAY_MS})` });
      runOffset = offset;
    } else {
      branches.push({ until: next, expr: String(dayNumber(d)) });
      runOffset = null;
    }
  }
  if (branches.length === 1) return branches[0]!.expr;
  const cases = branches.slice(0, -1).map((b) => `WHEN ${ms} < ${b.until} THEN ${b.expr}`).join(' ');
  return `(CASE ${cases} ELSE ${branches[branches.length - 1]!.expr} END)`;
}

/** Bound instants of a range as epoch milliseconds (DuckDB compares them with epoch_ms(column)). */
export function bounds(range: DateRange): { start: number; end: number } {
  return { start: range.start.getTime(), end: range.end.getTime() };
}

export const num = (v: unknown): number => (v === null || v === undefined ? 0 : Number(v));
export const numOrNull = (v: unknown): number | null => (v === null || v === undefined ? null : Number(v));
