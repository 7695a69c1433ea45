/** SQL of IEP goal progress, one variant per engine: each learner's latest progress row per goal in the range. */
export const iepSql = {
  duckdb: `
    SELECT goal_id, subject_id,
           arg_max(goal_baseline, occurred_at) AS baseline, arg_max(goal_current, occurred_at) AS current, arg_max(goal_target, occurred_at) AS target
    FROM learning_events
    WHERE tenant_id = $1 AND occurred_at >= $2::TIMESTAMPTZ AND occurred_at < $3::TIMESTAMPTZ
      AND goal_id IS NOT NULL AND subject_id IS NOT NULL AND goal_baseline IS NOT NULL AND goal_current IS NOT NULL AND goal_target IS NOT NULL
    GROUP BY goal_id, subject_id`,
} as const;
