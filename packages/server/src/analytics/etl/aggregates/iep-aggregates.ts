import { rebuildDailyAggregate, type EtlDb, type EtlPeriod, type StepCounts } from '../etl-period.ts';
import { GROUP_PRIVACY, LEARNER_PRIVACY } from './aggregate-privacy.ts';

/** A goal is on track from this share of the way from baseline to target (the analytics IEP metric's rule). */
export const ON_TRACK_PERCENT = 50;

/**
 * IEP goal progress per local day: per learner and goal, the day's latest report (baseline, current,
 * target, progress = share of the way from baseline to target, 0..100, on track from
 * ON_TRACK_PERCENT); per tenant, goals reported, mean progress and goals on track (cohort_size =
 * learners).
 */
const progress = `CASE WHEN target = baseline THEN (CASE WHEN current_value = target THEN 100.0 ELSE 0.0 END)
  ELSE least(100.0, greatest(0.0, (current_value - baseline) * 100.0 / (target - baseline))) END`;

const sql = {
  duckdb: {
    source: `SELECT count(*) AS n FROM learning_events WHERE tenant_id = $1 AND occurred_at >= $2::TIMESTAMPTZ AND occurred_at < $3::TIMESTAMPTZ
             AND goal_id IS NOT NULL AND subject_id IS NOT NULL AND goal_baseline IS NOT NULL AND goal_current IS NOT NULL AND goal_target IS NOT NULL`,
    clear: `DELETE FROM iep_progress_aggregates WHERE tenant_id = $1 AND time_zone = $2 AND day BETWEEN $3::DATE AND $4::DATE`,
    insert: (day: string) => `
      INSERT INTO iep_progress_aggregates
      WITH latest AS (
        SELECT day, subject_id, goal_id, arg_max(goal_baseline, occurred_at) AS baseline, arg_max(goal_current, occurred_at) AS current_value,
               arg_max(goal_target, occurred_at) AS target
        FROM (SELECT *, ${day} AS day FROM learning_events
              WHERE tenant_id = $1 AND occurred_at >= $3::TIMESTAMPTZ AND occurred_at < $4::TIMESTAMPTZ
                AND goal_id IS NOT NULL AND subject_id IS NOT NULL AND goal_baseline IS NOT NULL AND goal_current IS NOT NULL AND goal_target IS NOT NULL)
        GROUP BY day, subject_id, goal_id
      ), scored AS (SELECT *, ${progress} AS pct FROM latest)
      SELECT $1, day, $2, 'learner', subject_id, goal_id, 1, baseline, current_value, target, pct, CASE WHEN pct >= ${ON_TRACK_PERCENT} THEN 1 ELSE 0 END,
             '${LEARNER_PRIVACY}', 'infinity', 1, $5, $6::TIMESTAMPTZ, NULL
      FROM scored
      UNION ALL
      SELECT $1, day, $2, 'tenant', NULL, NULL, count(*), NULL, NULL, NULL, avg(pct), count(*) FILTER (WHERE pct >= ${ON_TRACK_PERCENT}),
             '${GROUP_PRIVACY}', 'infinity', count(DISTINCT subject_id), $5, $6::TIMESTAMPTZ, NULL
      FROM scored GROUP BY day`,
    written: `SELECT count(*) AS n FROM iep_progress_aggregates WHERE tenant_id = $1 AND etl_run_id = $2`,
  },
} as const;

export function buildIepAggregates(db: EtlDb, p: EtlPeriod): Promise<StepCounts> {
  return rebuildDailyAggregate(db, p, sql.duckdb, 'occurred_at');
}
