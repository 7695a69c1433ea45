/** SQL of session metrics, one variant per engine. `$day`: the local-day expression (of started_at). */
export const sessionsSql = {
  duckdb: `
    WITH s AS (
      SELECT duration_ms, coalesce(subject_id, anonymous_id) AS person, $day AS day
      FROM sessions
      WHERE tenant_id = $1 AND started_at >= $2::TIMESTAMPTZ AND started_at < $3::TIMESTAMPTZ
    )
    SELECT GROUPING(day) AS no_day, day, count(*) AS sessions, sum(duration_ms) AS total_ms,
           avg(duration_ms) AS mean_ms, quantile_disc(duration_ms, 0.5) AS median_ms, count(DISTINCT person) AS people
    FROM s GROUP BY GROUPING SETS ((day), ())`,
} as const;
