import { addDays, startOfLocalDay } from '../date-range.ts';
import { localDaySql } from '../metrics/metric-query.ts';

/** The connection calls the ETL needs (DuckDB's Db satisfies it). */
export interface EtlDb {
  run(sql: string, params?: unknown[] | Record<string, unknown>): Promise<void>;
  all<T extends Record<string, unknown> = Record<string, unknown>>(sql: string, params?: unknown[] | Record<string, unknown>): Promise<T[]>;
  transaction<T>(fn: () => Promise<T>): Promise<T>;
}

/** One ETL pass over a tenant's local days [from, to] in a time zone. */
export interface EtlPeriod {
  readonly tenantId: string;
  /** First day, YYYY-MM-DD (local). */
  readonly from: string;
  /** Last day, included. */
  readonly to: string;
  readonly timeZone: string;
  readonly runId: string;
  readonly now: Date;
}

/** Rows read from the source tables and rows written, for etl_runs. */
export interface StepCounts {
  readonly rowsIn: number;
  readonly rowsOut: number;
}

/** UTC instants bounding the period: the first day's local midnight and the midnight after the last day. */
export function periodInstants(p: { from: string; to: string; timeZone: string }): { start: string; end: string } {
  return { start: startOfLocalDay(p.from, p.timeZone).toISOString(), end: startOfLocalDay(addDays(p.to, 1), p.timeZone).toISOString() };
}

/** SQL for the local DATE of a timestamp column in the period's time zone (exact inside the period). */
export function localDateSql(column: string, p: { from: string; to: string; timeZone: string }): string {
  return `(DATE '1970-01-01' + CAST(${localDaySql(column, p)} AS INTEGER))`;
}

export const count = (rows: Array<Record<string, unknown>>): number => Number(rows[0]?.n ?? 0);
