/** SQL of event counts by category, one variant per engine. `$day`: the local-day expression. */
export const eventCountsSql = {
  duckdb: `
    WITH e AS (
      SELECT category, coalesce(subject_id, anonymous_id) AS person, $day AS day
      FROM events
      WHERE tenant_id = $1 AND occurred_at >= $2::TIMESTAMPTZ AND occurred_at < $3::TIMESTAMPTZ
    )
    SELECT GROUPING(category) AS no_category, GROUPING(day) AS no_day, category, day, count(*) AS events, count(DISTINCT person) AS people
    FROM e GROUP BY GROUPING SETS ((category, day), (category), (day), ())`,
} as const;
