/** SQL of the error summary, one variant per engine. `$day`: the local-day expression. */
export const errorsSql = {
  duckdb: {
    /** Errors and people per type and per local day (people: the subject, or the event's anonymous visitor). */
    counts: `
      WITH e AS (
        SELECT x.error_type, coalesce(x.subject_id, ev.anonymous_id) AS person, $day AS day
        FROM error_events x LEFT JOIN events ev ON ev.id = x.event_id AND ev.tenant_id = x.tenant_id
        WHERE x.tenant_id = $1 AND x.occurred_at >= $2::TIMESTAMPTZ AND x.occurred_at < $3::TIMESTAMPTZ
      )
      SELECT GROUPING(error_type) AS no_type, GROUPING(day) AS no_day, error_type, day, count(*) AS errors, count(DISTINCT person) AS people
      FROM e GROUP BY GROUPING SETS ((error_type), (day), ())`,
    /** The newest errors of the given types: scrubbed text only, no person. */
    recent: `
      SELECT occurred_at, error_type, message, component, endpoint, status, page_path
      FROM error_events
      WHERE tenant_id = $1 AND occurred_at >= $2::TIMESTAMPTZ AND occurred_at < $3::TIMESTAMPTZ AND error_type = ANY($4::VARCHAR[])
      ORDER BY occurred_at DESC LIMIT $5`,
  },
} as const;
