/** SQL of popular quests, one variant per engine. Quests are named by props.quest_id (seed 001). */
export const questsSql = {
  duckdb: `
    WITH e AS (
      SELECT props->>'quest_id' AS quest, type, coalesce(subject_id, anonymous_id) AS person
      FROM events
      WHERE tenant_id = $1 AND occurred_at >= $2::TIMESTAMPTZ AND occurred_at < $3::TIMESTAMPTZ
        AND type IN ('quest_viewed', 'quest_started', 'quest_completed') AND props IS NOT NULL
    )
    SELECT GROUPING(quest) AS no_quest, quest,
           count(*) FILTER (WHERE type = 'quest_viewed') AS views,
           count(*) FILTER (WHERE type = 'quest_started') AS starts,
           count(*) FILTER (WHERE type = 'quest_completed') AS completions,
           count(DISTINCT person) AS people
    FROM e WHERE quest IS NOT NULL
    GROUP BY GROUPING SETS ((quest), ())`,
} as const;
