/** SQL of one learner's engagement over a range, one variant per engine. `$day`: the local-day expression. */
export const learnerEngagementSql = {
  duckdb: {
    events: `
      SELECT category, type, $day AS day, count(*) AS events, max(occurred_at) AS last_at
      FROM events
      WHERE tenant_id = $1 AND subject_id = $4 AND occurred_at >= $2::TIMESTAMPTZ AND occurred_at < $3::TIMESTAMPTZ
      GROUP BY ALL`,
    /** Distinct quests started and completed, distinct badges earned or claimed. */
    distinct: `
      SELECT count(DISTINCT props->>'quest_id') FILTER (WHERE type = 'quest_started') AS started,
             count(DISTINCT props->>'quest_id') FILTER (WHERE type = 'quest_completed') AS completed,
             count(DISTINCT props->>'badge_id') FILTER (WHERE type IN ('badge_earned', 'badge_claimed')) AS badges
      FROM events WHERE tenant_id = $1 AND subject_id = $4 AND occurred_at >= $2::TIMESTAMPTZ AND occurred_at < $3::TIMESTAMPTZ`,
    sessions: `
      SELECT count(*) AS sessions, coalesce(sum(duration_ms), 0) AS total_ms FROM sessions
      WHERE tenant_id = $1 AND subject_id = $4 AND started_at >= $2::TIMESTAMPTZ AND started_at < $3::TIMESTAMPTZ`,
  },
} as const;
