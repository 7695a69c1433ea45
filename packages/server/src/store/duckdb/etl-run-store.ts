import type { EtlJobName, EtlRunRecord, EtlRunStatus, EtlRunStore, EtlTrigger } from '../../analytics/etl/etl-runs.ts';
import type { Db, Row } from './connection.ts';

const date = (v: unknown): Date | null => (v == null ? null : v instanceof Date ? v : new Date(String(v)));
const num = (v: unknown): number | null => (v == null ? null : Number(v));

const toRun = (r: Row): EtlRunRecord => ({
  id: String(r.id),
  tenantId: String(r.tenant_id),
  job: String(r.job) as EtlJobName,
  periodStart: String(r.period_start),
  periodEnd: String(r.period_end),
  timeZone: String(r.time_zone),
  status: String(r.status) as EtlRunStatus,
  triggeredBy: String(r.triggered_by) as EtlTrigger,
  rowsIn: num(r.rows_in),
  rowsOut: num(r.rows_out),
  startedAt: date(r.started_at)!,
  finishedAt: date(r.finished_at),
  durationMs: num(r.duration_ms),
  error: r.error == null ? null : String(r.error),
  details: r.details == null ? null : (typeof r.details === 'string' ? JSON.parse(r.details) : r.details) as Record<string, unknown>,
});

/** The ETL run log in `etl_runs`. */
export function createDuckDbEtlRunStore(db: Db): EtlRunStore {
  return {
    async start(run) {
      await db.run(
        `INSERT INTO etl_runs (id, tenant_id, job, period_start, period_end, time_zone, status, triggered_by, started_at)
         VALUES ($1, $2, $3, $4::DATE, $5::DATE, $6, 'running', $7, $8::TIMESTAMPTZ)`,
        [run.id, run.tenantId, run.job, run.periodStart, run.periodEnd, run.timeZone, run.triggeredBy, run.startedAt.toISOString()],
      );
    },
    async finish(id, o) {
      await db.run(
        `UPDATE etl_runs SET status = $2, rows_in = $3, rows_out = $4, finished_at = $5::TIMESTAMPTZ, duration_ms = $6, error = $7, details = $8::JSON WHERE id = $1`,
        [id, o.status, o.rowsIn, o.rowsOut, o.finishedAt?.toISOString() ?? null, o.durationMs, o.error, o.details == null ? null : JSON.stringify(o.details)],
      );
    },
    async list(q) {
      const rows = await db.all(
        `SELECT id, tenant_id, job, strftime(period_start, '%Y-%m-%d') AS period_start, strftime(period_end, '%Y-%m-%d') AS period_end, time_zone, status,
                triggered_by, rows_in, rows_out, started_at, finished_at, duration_ms, error, CAST(details AS VARCHAR) AS details
         FROM etl_runs WHERE tenant_id = $1 AND ($2::VARCHAR IS NULL OR status = $2) ORDER BY started_at DESC, id DESC LIMIT $3`,
        [q.tenantId, q.status ?? null, q.limit],
      );
      return rows.map(toRun);
    },
  };
}
