/** SQL of the tenant metrics (seed 004 shape), read from the ETL's aggregate tables; one variant per engine. */
export const tenantMetricsSql = {
  duckdb: {
    // $1 tenant, $2 time zone, $3 first day, $4 last day
    sessions: `
      SELECT count(DISTINCT subject_id) FILTER (WHERE aggregation_level = 'learner') AS learners,
             sum(session_count) FILTER (WHERE aggregation_level = 'tenant') AS sessions,
             sum(total_duration_s) FILTER (WHERE aggregation_level = 'tenant') AS seconds,
             count(DISTINCT day) FILTER (WHERE aggregation_level = 'tenant') AS days,
             sum(session_count) FILTER (WHERE aggregation_level = 'tenant' AND day < $3::DATE + CAST(($4::DATE - $3::DATE + 1) // 2 AS INTEGER)) AS first_half,
             sum(session_count) FILTER (WHERE aggregation_level = 'tenant' AND day >= $3::DATE + CAST(($4::DATE - $3::DATE + 1) // 2 AS INTEGER)) AS second_half,
             max(computed_at) AS computed_at
      FROM session_aggregates WHERE tenant_id = $1 AND time_zone = $2 AND day BETWEEN $3::DATE AND $4::DATE`,
    // Exact median of the period's sessions: a median is not built from daily rows. $5, $6: the period's instants.
    median: `SELECT median(duration_ms) / 1000.0 AS median_s, count(DISTINCT coalesce(subject_id, anonymous_id, id)) AS people FROM sessions
             WHERE tenant_id = $1 AND started_at >= $2::TIMESTAMPTZ AND started_at < $3::TIMESTAMPTZ`,
    learners: `SELECT count(*) AS n FROM subjects WHERE tenant_id = $1 AND kind = 'learner' AND erased_at IS NULL`,
    weekly: `
      SELECT strftime(week_start, '%Y-%m-%d') AS week_start, active_learners, new_learners, returning_learners, churned_learners, total_sessions, total_minutes
      FROM weekly_active_aggregates WHERE tenant_id = $1 AND time_zone = $2 AND week_start BETWEEN $3::DATE - 6 AND $4::DATE ORDER BY week_start`,
    subjects: `
      SELECT subject_area, count(DISTINCT subject_id) AS learners, sum(assessments_completed) AS assessments,
             sum(avg_score_pct * assessments_completed) / sum(assessments_completed) AS avg_score
      FROM mastery_aggregates WHERE tenant_id = $1 AND time_zone = $2 AND day BETWEEN $3::DATE AND $4::DATE AND aggregation_level = 'learner'
      GROUP BY subject_area ORDER BY learners DESC, subject_area`,
    iep: `
      WITH latest AS (
        SELECT subject_id, goal_id, arg_max(progress_pct, day) AS pct, arg_max(on_track_goals, day) AS on_track
        FROM iep_progress_aggregates WHERE tenant_id = $1 AND time_zone = $2 AND day BETWEEN $3::DATE AND $4::DATE AND aggregation_level = 'learner'
        GROUP BY subject_id, goal_id
      )
      SELECT count(DISTINCT subject_id) AS learners, count(*) AS goals, avg(pct) AS avg_pct, sum(on_track) AS on_track FROM latest`,
  },
} as const;
