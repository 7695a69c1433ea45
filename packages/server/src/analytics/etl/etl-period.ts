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

/** The SQL of one daily aggregate step: count the source rows, clear the period, insert, count what was written. */
export interface DailyAggregateSql {
  readonly source: string;
  readonly clear: string;
  insert(localDay: string): string;
  readonly written: string;
}

/**
 * Rebuilds a daily aggregate for the period in one transaction, so a re-run of the same period
 * replaces its rows (idempotent) and a failure leaves the previous rows in place.
 */
export function rebuildDailyAggregate(db: EtlDb, p: EtlPeriod, q: DailyAggregateSql, timeColumn: string): Promise<StepCounts> {
  const { start, end } = periodInstants(p);
  return db.transaction(async () => {
    const rowsIn = count(await db.all(q.source, [p.tenantId, start, end]));
    await db.run(q.clear, [p.tenantId, p.timeZone, p.from, p.to]);
    await db.run(q.insert(localDateSql(timeColumn, p)), [p.tenantId, p.timeZone, start, end, p.runId, p.now.toISOString()]);
    return { rowsIn, rowsOut: count(await db.all(q.written, [p.tenantId, p.runId])) };
  });
}
