/** SQL of one learner's metrics (seed 004 shape) from the ETL's per-learner aggregate rows; one variant per engine. */
export const learnerMetricsSql = {
  duckdb: {
    // $1 tenant, $2 time zone, $3 first day, $4 last day, $5 subject id
    sessions: `
      SELECT sum(session_count) AS sessions, sum(total_duration_s) AS seconds, count(DISTINCT day) AS days,
             sum(session_count) FILTER (WHERE day < $3::DATE + CAST(($4::DATE - $3::DATE + 1) // 2 AS INTEGER)) AS first_half,
             sum(session_count) FILTER (WHERE day >= $3::DATE + CAST(($4::DATE - $3::DATE + 1) // 2 AS INTEGER)) AS second_half,
             max(computed_at) AS computed_at
      FROM session_aggregates
      WHERE tenant_id = $1 AND time_zone = $2 AND day BETWEEN $3::DATE AND $4::DATE AND aggregation_level = 'learner' AND subject_id = $5`,
    subjects: `
      SELECT subject_area, arg_min(last_score_pct, day) AS first_score, arg_max(last_score_pct, day) AS current_score,
             sum(assessments_completed) AS assessments, min(day) AS first_day,
             min(day) FILTER (WHERE last_score_pct >= $6) AS mastered_day
      FROM mastery_aggregates
      WHERE tenant_id = $1 AND time_zone = $2 AND day BETWEEN $3::DATE AND $4::DATE AND aggregation_level = 'learner' AND subject_id = $5
      GROUP BY subject_area ORDER BY subject_area`,
    iep: `
      SELECT goal_id, arg_max(baseline, day) AS baseline, arg_max(current_value, day) AS current_value, arg_max(target, day) AS target,
             arg_max(progress_pct, day) AS progress_pct, arg_max(on_track_goals, day) AS on_track
      FROM iep_progress_aggregates
      WHERE tenant_id = $1 AND time_zone = $2 AND day BETWEEN $3::DATE AND $4::DATE AND aggregation_level = 'learner' AND subject_id = $5
      GROUP BY goal_id ORDER BY goal_id`,
    // Days of the period covered by a successful session aggregation in this time zone.
    covered: `
      SELECT count(DISTINCT d) AS days FROM (
        SELECT unnest(generate_series(greatest(period_start, $3::DATE), least(period_end, $4::DATE), INTERVAL 1 DAY)) AS d
        FROM etl_runs WHERE tenant_id = $1 AND time_zone = $2 AND job = 'session' AND status = 'succeeded'
          AND period_start <= $4::DATE AND period_end >= $3::DATE
      )`,
  },
} as const;
