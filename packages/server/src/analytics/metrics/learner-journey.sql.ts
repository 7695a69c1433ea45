/** SQL of one learner's learning journey up to the range's end ($2), one variant per engine. `$day`: local day. */
export const learnerJourneySql = {
  duckdb: {
    summary: `
      SELECT min(occurred_at) FILTER (WHERE type = 'quest_started') AS first_quest_at,
             count(DISTINCT props->>'quest_id') FILTER (WHERE type = 'quest_completed') AS quests_completed,
             count(DISTINCT props->>'badge_id') FILTER (WHERE type IN ('badge_earned', 'badge_claimed')) AS badges
      FROM events WHERE tenant_id = $1 AND subject_id = $3 AND occurred_at < $2::TIMESTAMPTZ`,
    /** Quest completions and all activity per pillar (props.pillar). */
    pillars: `
      SELECT props->>'pillar' AS pillar, count(*) FILTER (WHERE type = 'quest_completed') AS completions, count(*) AS events
      FROM events WHERE tenant_id = $1 AND subject_id = $3 AND occurred_at < $2::TIMESTAMPTZ AND (props->>'pillar') IS NOT NULL
      GROUP BY 1`,
    recent: `
      SELECT props->>'quest_id' AS quest, occurred_at FROM events
      WHERE tenant_id = $1 AND subject_id = $3 AND occurred_at < $2::TIMESTAMPTZ AND type = 'quest_completed'
      ORDER BY occurred_at DESC LIMIT 5`,
    /** Active local days, newest first, from $4 on (enough to measure a streak). */
    days: `
      SELECT DISTINCT $day AS day FROM events
      WHERE tenant_id = $1 AND subject_id = $3 AND occurred_at >= $4::TIMESTAMPTZ AND occurred_at < $2::TIMESTAMPTZ
      ORDER BY day DESC`,
    time: `SELECT coalesce(sum(duration_ms), 0) AS total_ms FROM sessions WHERE tenant_id = $1 AND subject_id = $3 AND started_at < $2::TIMESTAMPTZ`,
  },
} as const;
