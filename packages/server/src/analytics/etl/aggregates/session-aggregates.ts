import { rebuildDailyAggregate, type EtlDb, type EtlPeriod, type StepCounts } from '../etl-period.ts';
import { GROUP_PRIVACY, LEARNER_PRIVACY } from './aggregate-privacy.ts';

/**
 * Session aggregates per local day: one row per learner (sessions, total, mean, median and longest
 * duration in seconds) and one for the tenant (all sessions, anonymous ones included; cohort_size =
 * distinct people). A re-run replaces the period's rows.
 */
const sql = {
  duckdb: {
    source: `SELECT count(*) AS n FROM sessions WHERE tenant_id = $1 AND started_at >= $2::TIMESTAMPTZ AND started_at < $3::TIMESTAMPTZ`,
    clear: `DELETE FROM session_aggregates WHERE tenant_id = $1 AND time_zone = $2 AND day BETWEEN $3::DATE AND $4::DATE`,
    // $1 tenant, $2 time zone, $3 start, $4 end, $5 run id, $6 now
    insert: (day: string) => `
      INSERT INTO session_aggregates
      SELECT $1, day, $2, CASE WHEN GROUPING(subject_id) = 0 THEN 'learner' ELSE 'tenant' END, subject_id,
             count(*), sum(duration_ms) // 1000, avg(duration_ms) / 1000.0, median(duration_ms) / 1000.0, max(duration_ms) // 1000,
             CASE WHEN GROUPING(subject_id) = 0 THEN '${LEARNER_PRIVACY}' ELSE '${GROUP_PRIVACY}' END, 'infinity',
             CASE WHEN GROUPING(subject_id) = 0 THEN 1 ELSE count(DISTINCT person) END,
             $5, $6::TIMESTAMPTZ, NULL
      FROM (
        SELECT subject_id, coalesce(subject_id, anonymous_id, id) AS person, duration_ms, ${day} AS day
        FROM sessions WHERE tenant_id = $1 AND started_at >= $3::TIMESTAMPTZ AND started_at < $4::TIMESTAMPTZ
      ) s
      GROUP BY GROUPING SETS ((day, subject_id), (day))
      HAVING GROUPING(subject_id) = 1 OR subject_id IS NOT NULL`,
    written: `SELECT count(*) AS n FROM session_aggregates WHERE tenant_id = $1 AND etl_run_id = $2`,
  },
} as const;

export function buildSessionAggregates(db: EtlDb, p: EtlPeriod): Promise<StepCounts> {
  return rebuildDailyAggregate(db, p, sql.duckdb, 'started_at');
}
