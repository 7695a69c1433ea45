import { rebuildDailyAggregate, type EtlDb, type EtlPeriod, type StepCounts } from '../etl-period.ts';
import { GROUP_PRIVACY } from './aggregate-privacy.ts';

/** Event types that are page views (as ingest counts them). */
export const PAGE_VIEW_TYPES = ['page_view', 'route_change'] as const;
const types = PAGE_VIEW_TYPES.map((t) => `'${t}'`).join(', ');

/**
 * Page views per local day and page: views, unique visitors (learners and anonymous visitors),
 * mean load time and time on page. Group rows only (cohort_size = unique visitors).
 */
const sql = {
  duckdb: {
    source: `SELECT count(*) AS n FROM events WHERE tenant_id = $1 AND occurred_at >= $2::TIMESTAMPTZ AND occurred_at < $3::TIMESTAMPTZ
             AND type IN (${types}) AND page_path IS NOT NULL`,
    clear: `DELETE FROM page_view_daily WHERE tenant_id = $1 AND time_zone = $2 AND day BETWEEN $3::DATE AND $4::DATE`,
    insert: (day: string) => `
      INSERT INTO page_view_daily
      SELECT $1, day, $2, 'page', page_path, count(*), count(DISTINCT person), avg(load_time_ms), avg(duration_ms),
             '${GROUP_PRIVACY}', 'infinity', count(DISTINCT person), $5, $6::TIMESTAMPTZ
      FROM (
        SELECT page_path, load_time_ms, duration_ms, coalesce(subject_id, anonymous_id, CAST(id AS VARCHAR)) AS person, ${day} AS day
        FROM events WHERE tenant_id = $1 AND occurred_at >= $3::TIMESTAMPTZ AND occurred_at < $4::TIMESTAMPTZ
          AND type IN (${types}) AND page_path IS NOT NULL
      ) e
      GROUP BY day, page_path`,
    written: `SELECT count(*) AS n FROM page_view_daily WHERE tenant_id = $1 AND etl_run_id = $2`,
  },
} as const;

export function buildPageViewAggregates(db: EtlDb, p: EtlPeriod): Promise<StepCounts> {
  return rebuildDailyAggregate(db, p, sql.duckdb, 'occurred_at');
}
