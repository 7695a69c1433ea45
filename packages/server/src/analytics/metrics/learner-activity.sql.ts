/**
 * SQL of learners' activity summaries (the inputs of the dropout-risk score), one variant per
 * engine. `$day`: the local-day expression; `$subject`: empty, or a filter to one learner.
 * $2/$3: the window's instants; $4: its last local day; $5: how far back to look for the last
 * activity before the window.
 */
export const learnerActivitySql = {
  duckdb: `
    WITH l AS (
      SELECT id AS subject_id FROM subjects WHERE tenant_id = $1 AND kind = 'learner' AND erased_at IS NULL $subject
    ),
    e AS (
      SELECT subject_id, type, occurred_at, props, $day AS day FROM events
      WHERE tenant_id = $1 AND occurred_at >= $5::TIMESTAMPTZ AND occurred_at < $3::TIMESTAMPTZ
        AND subject_id IN (SELECT subject_id FROM l)
    ),
    last_day AS (SELECT subject_id, max(day) AS last_day FROM e GROUP BY subject_id),
    days AS (SELECT DISTINCT subject_id, day FROM e WHERE occurred_at >= $2::TIMESTAMPTZ),
    streak AS (
      SELECT subject_id, count(*) AS streak FROM (
        SELECT subject_id, day, row_number() OVER (PARTITION BY subject_id ORDER BY day DESC) - 1 AS rn FROM days
      ) WHERE $4 - day = rn GROUP BY subject_id
    ),
    active AS (SELECT subject_id, count(*) AS active_days FROM days GROUP BY subject_id),
    quests AS (
      SELECT subject_id, count(*) FILTER (WHERE started) AS started, count(*) FILTER (WHERE started AND completed) AS completed FROM (
        SELECT subject_id, props->>'quest_id' AS quest, bool_or(type = 'quest_started') AS started, bool_or(type = 'quest_completed') AS completed
        FROM e WHERE occurred_at >= $2::TIMESTAMPTZ AND type IN ('quest_started', 'quest_completed') AND (props->>'quest_id') IS NOT NULL
        GROUP BY subject_id, quest
      ) GROUP BY subject_id
    ),
    sess AS (
      SELECT subject_id, count(*) AS sessions, sum(duration_ms) AS total_ms FROM sessions
      WHERE tenant_id = $1 AND started_at >= $2::TIMESTAMPTZ AND started_at < $3::TIMESTAMPTZ AND subject_id IN (SELECT subject_id FROM l)
      GROUP BY subject_id
    )
    SELECT l.subject_id, last_day.last_day, coalesce(active.active_days, 0) AS active_days, coalesce(streak.streak, 0) AS streak,
           coalesce(quests.started, 0) AS started, coalesce(quests.completed, 0) AS completed,
           coalesce(sess.sessions, 0) AS sessions, coalesce(sess.total_ms, 0) AS total_ms
    FROM l
    LEFT JOIN last_day USING (subject_id) LEFT JOIN active USING (subject_id) LEFT JOIN streak USING (subject_id)
    LEFT JOIN quests USING (subject_id) LEFT JOIN sess USING (subject_id)`,
} as const;
