/** SQL of the overview metric, one variant per engine. `$day` is replaced by the local-day expression. */
export const overviewSql = {
  duckdb: {
    /** Events and people in the range: in total, per event type, per local day (one pass). */
    cells: `
      WITH e AS (
        SELECT type, coalesce(subject_id, anonymous_id) AS person, $day AS day
        FROM events
        WHERE tenant_id = $1 AND occurred_at >= $2::TIMESTAMPTZ AND occurred_at < $3::TIMESTAMPTZ
      )
      SELECT CASE WHEN GROUPING(type) = 0 THEN 'type' WHEN GROUPING(day) = 0 THEN 'day' ELSE 'total' END AS dim,
             type, day, count(*) AS events, count(DISTINCT person) AS people
      FROM e GROUP BY GROUPING SETS ((type), (day), ())`,
    /** Distinct people on the last day, its 7 and its 30 days ($2 = start of the 30 days). */
    active: `
      WITH e AS (
        SELECT coalesce(subject_id, anonymous_id) AS person, $day AS day
        FROM events
        WHERE tenant_id = $1 AND occurred_at >= $2::TIMESTAMPTZ AND occurred_at < $3::TIMESTAMPTZ
      )
      SELECT count(DISTINCT CASE WHEN day = $4 THEN person END) AS dau,
             count(DISTINCT CASE WHEN day >= $4 - 6 THEN person END) AS wau,
             count(DISTINCT person) AS mau
      FROM e`,
    sessions: `
      SELECT count(*) AS sessions FROM sessions
      WHERE tenant_id = $1 AND started_at >= $2::TIMESTAMPTZ AND started_at < $3::TIMESTAMPTZ`,
  },
} as const;
