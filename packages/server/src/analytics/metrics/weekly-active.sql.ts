/**
 * SQL of weekly active learners, one variant per engine. `$day`: the local-day expression; weeks
 * are local and begin on Monday (day 4 after 1970-01-01, a Thursday). $3: first day of the week
 * before the first one asked for (for churn),
 * $2: the end of the last week.
 */
export const weeklyActiveSql = {
  duckdb: {
    weeks: `
      WITH e AS (
        SELECT subject_id, $day AS day FROM events
        WHERE tenant_id = $1 AND occurred_at < $2::TIMESTAMPTZ AND subject_id IS NOT NULL
          AND subject_id IN (SELECT id FROM subjects WHERE tenant_id = $1 AND kind = 'learner')
      ),
      firsts AS (SELECT subject_id, (min(day) - 4) // 7 AS first_week FROM e GROUP BY subject_id),
      aw AS (SELECT DISTINCT subject_id, (day - 4) // 7 AS week FROM e WHERE day >= $3),
      churn AS (
        SELECT a.week + 1 AS week, count(*) AS churned FROM aw a
        WHERE NOT EXISTS (SELECT 1 FROM aw b WHERE b.subject_id = a.subject_id AND b.week = a.week + 1)
        GROUP BY a.week + 1
      ),
      act AS (
        SELECT aw.week, count(*) AS active, count(*) FILTER (WHERE f.first_week = aw.week) AS new
        FROM aw JOIN firsts f USING (subject_id) GROUP BY aw.week
      )
      SELECT coalesce(act.week, churn.week) AS week, coalesce(active, 0) AS active, coalesce(new, 0) AS new, coalesce(churned, 0) AS churned
      FROM act FULL JOIN churn ON act.week = churn.week`,
  },
} as const;
