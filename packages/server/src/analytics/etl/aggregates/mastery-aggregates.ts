import { rebuildDailyAggregate, type EtlDb, type EtlPeriod, type StepCounts } from '../etl-period.ts';
import { GROUP_PRIVACY, LEARNER_PRIVACY } from './aggregate-privacy.ts';

/**
 * Mastery aggregates per local day and subject area, from scored learning events (score as a
 * percentage of max_score when given): per learner (assessments, mean and latest score) and per
 * subject area for the tenant (cohort_size = learners assessed).
 */
const sql = {
  duckdb: {
    scored: `score IS NOT NULL AND subject_area IS NOT NULL AND subject_id IS NOT NULL`,
    source: `SELECT count(*) AS n FROM learning_events WHERE tenant_id = $1 AND occurred_at >= $2::TIMESTAMPTZ AND occurred_at < $3::TIMESTAMPTZ
             AND score IS NOT NULL AND subject_area IS NOT NULL AND subject_id IS NOT NULL`,
    clear: `DELETE FROM mastery_aggregates WHERE tenant_id = $1 AND time_zone = $2 AND day BETWEEN $3::DATE AND $4::DATE`,
    insert: (day: string) => `
      INSERT INTO mastery_aggregates
      SELECT $1, day, $2, CASE WHEN GROUPING(subject_id) = 0 THEN 'learner' ELSE 'subject' END, subject_id, subject_area,
             count(*), avg(pct), arg_max(pct, occurred_at),
             CASE WHEN GROUPING(subject_id) = 0 THEN '${LEARNER_PRIVACY}' ELSE '${GROUP_PRIVACY}' END, 'infinity',
             CASE WHEN GROUPING(subject_id) = 0 THEN 1 ELSE count(DISTINCT subject_id) END,
             $5, $6::TIMESTAMPTZ, NULL
      FROM (
        SELECT subject_id, subject_area, occurred_at, ${day} AS day,
               CASE WHEN max_score > 0 THEN least(100.0, greatest(0.0, score * 100.0 / max_score)) ELSE least(100.0, greatest(0.0, score)) END AS pct
        FROM learning_events
        WHERE tenant_id = $1 AND occurred_at >= $3::TIMESTAMPTZ AND occurred_at < $4::TIMESTAMPTZ
          AND score IS NOT NULL AND subject_area IS NOT NULL AND subject_id IS NOT NULL
      ) l
      GROUP BY GROUPING SETS ((day, subject_area, subject_id), (day, subject_area))`,
    written: `SELECT count(*) AS n FROM mastery_aggregates WHERE tenant_id = $1 AND etl_run_id = $2`,
  },
} as const;

export function buildMasteryAggregates(db: EtlDb, p: EtlPeriod): Promise<StepCounts> {
  return rebuildDailyAggregate(db, p, sql.duckdb, 'occurred_at');
}
