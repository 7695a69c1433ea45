/** SQL of mastery progress per subject area, one variant per engine. $4: the mastery threshold in percent. */
export const masterySql = {
  duckdb: {
    /** Per subject area: learners, mean latest score, mean improvement, learners reaching mastery, median days to it. */
    learners: `
      WITH a AS (
        SELECT subject_id, subject_area AS area, occurred_at, 100.0 * score / max_score AS pct
        FROM learning_events
        WHERE tenant_id = $1 AND occurred_at >= $2::TIMESTAMPTZ AND occurred_at < $3::TIMESTAMPTZ
          AND subject_id IS NOT NULL AND subject_area IS NOT NULL AND score IS NOT NULL AND max_score > 0
      ),
      per AS (
        SELECT subject_id, area, arg_min(pct, occurred_at) AS first_pct, arg_max(pct, occurred_at) AS last_pct,
               min(occurred_at) AS first_at, min(occurred_at) FILTER (WHERE pct >= $4) AS mastered_at
        FROM a GROUP BY subject_id, area
      )
      SELECT GROUPING(area) AS no_area, area, count(DISTINCT subject_id) AS learners, avg(last_pct) AS current_pct,
             avg(last_pct - first_pct) AS delta_pct, count(mastered_at) AS mastered,
             quantile_disc(date_diff('second', first_at, mastered_at) / 86400.0, 0.5) AS days_to_mastery
      FROM per GROUP BY GROUPING SETS ((area), ())`,
    /** Assessments per subject area, anonymised ones included. */
    assessments: `
      SELECT GROUPING(subject_area) AS no_area, subject_area AS area, count(*) AS assessments
      FROM learning_events
      WHERE tenant_id = $1 AND occurred_at >= $2::TIMESTAMPTZ AND occurred_at < $3::TIMESTAMPTZ
        AND subject_area IS NOT NULL AND score IS NOT NULL AND max_score > 0
      GROUP BY GROUPING SETS ((subject_area), ())`,
  },
} as const;
