/** SQL of page analytics, one variant per engine. `$day`: the local-day expression. */
export const pagesSql = {
  duckdb: {
    /** Views, people and mean load time per page and per day; mean time on page from page_exit events. */
    views: `
      WITH e AS (
        SELECT page_path, type, coalesce(subject_id, anonymous_id) AS person, load_time_ms, duration_ms, $day AS day
        FROM events
        WHERE tenant_id = $1 AND occurred_at >= $2::TIMESTAMPTZ AND occurred_at < $3::TIMESTAMPTZ
          AND page_path IS NOT NULL AND type IN ('page_view', 'route_change', 'page_exit')
      )
      SELECT GROUPING(page_path) AS no_page, GROUPING(day) AS no_day, page_path, day,
             count(*) FILTER (WHERE type <> 'page_exit') AS views,
             count(DISTINCT person) AS people,
             avg(load_time_ms) FILTER (WHERE type <> 'page_exit') AS load_ms,
             avg(duration_ms) FILTER (WHERE type = 'page_exit') AS time_on_page_ms
      FROM e GROUP BY GROUPING SETS ((page_path), (day), ())`,
    /** Sessions that entered at each page, and of those the ones that saw no other page (bounces). */
    bounces: `
      SELECT entry_page AS page_path, count(*) AS entries, count(*) FILTER (WHERE page_views <= 1) AS bounces
      FROM sessions
      WHERE tenant_id = $1 AND started_at >= $2::TIMESTAMPTZ AND started_at < $3::TIMESTAMPTZ AND entry_page IS NOT NULL
      GROUP BY entry_page`,
  },
} as const;
