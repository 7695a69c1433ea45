import { addDays, startOfLocalDay } from '../../date-range.ts';
import { weekStartOf } from '../../releases/release-weeks.ts';
import { count, type EtlDb, type EtlPeriod, type StepCounts } from '../etl-period.ts';
import { GROUP_PRIVACY } from './aggregate-privacy.ts';

/**
 * Weekly active learners per ISO week (Monday to Sunday, local) touching the period: active (any
 * event), new (first event ever in the tenant that week), returning (active, with an earlier event),
 * churned (active the week before, not this week), sessions and minutes. Whole weeks are computed, so
 * a week at the edge of the period is complete. Learners only (subject_id), tenant rows only.
 */

/** The weeks a period touches, each with its UTC bounds and the week before it. */
export function weeksTouching(p: { from: string; to: string; timeZone: string }): Array<{ week: string; start: number; end: number; prevStart: number }> {
  const out: Array<{ week: string; start: number; end: number; prevStart: number }> = [];
  for (let w = weekStartOf(p.from); w <= p.to; w = addDays(w, 7)) {
    out.push({
      week: w,
      start: startOfLocalDay(w, p.timeZone).getTime(),
      end: startOfLocalDay(addDays(w, 7), p.timeZone).getTime(),
      prevStart: startOfLocalDay(addDays(w, -7), p.timeZone).getTime(),
    });
  }
  return out;
}

const sql = {
  duckdb: {
    // Only numbers and dates this module formats enter the VALUES list.
    weeks: (weeks: ReturnType<typeof weeksTouching>) =>
      weeks.map((w) => `(DATE '${w.week}', ${w.prevStart}::BIGINT, ${w.start}::BIGINT, ${w.end}::BIGINT)`).join(', '),
    source: `SELECT count(*) AS n FROM events WHERE tenant_id = $1 AND subject_id IS NOT NULL AND occurred_at >= $2::TIMESTAMPTZ AND occurred_at < $3::TIMESTAMPTZ`,
    clear: `DELETE FROM weekly_active_aggregates WHERE tenant_id = $1 AND time_zone = $2 AND week_start BETWEEN $3::DATE AND $4::DATE`,
    // $1 tenant, $2 time zone, $3 first instant (week before the first week), $4 end instant, $5 run id, $6 now
    insert: (values: string) => `
      INSERT INTO weekly_active_aggregates
      WITH weeks(week_start, prev_s, s, e) AS (VALUES ${values}),
      ev AS (
        SELECT subject_id, epoch_ms(occurred_at) AS t FROM events
        WHERE tenant_id = $1 AND subject_id IS NOT NULL AND occurred_at >= $3::TIMESTAMPTZ AND occurred_at < $4::TIMESTAMPTZ
      ),
      this_week AS (SELECT DISTINCT w.week_start, ev.subject_id FROM weeks w JOIN ev ON ev.t >= w.s AND ev.t < w.e),
      last_week AS (SELECT DISTINCT w.week_start, ev.subject_id FROM weeks w JOIN ev ON ev.t >= w.prev_s AND ev.t < w.s),
      firsts AS (
        SELECT subject_id, min(epoch_ms(occurred_at)) AS first_t FROM events
        WHERE tenant_id = $1 AND subject_id IN (SELECT subject_id FROM this_week) GROUP BY subject_id
      ),
      act AS (
        SELECT tw.week_start, count(*) AS active,
               count(*) FILTER (WHERE f.first_t >= w.s) AS new_learners,
               count(*) FILTER (WHERE f.first_t < w.s) AS returning_learners
        FROM this_week tw JOIN weeks w USING (week_start) JOIN firsts f USING (subject_id) GROUP BY tw.week_start
      ),
      churn AS (
        SELECT lw.week_start, count(*) AS churned FROM last_week lw
        LEFT JOIN this_week tw ON tw.week_start = lw.week_start AND tw.subject_id = lw.subject_id
        WHERE tw.subject_id IS NULL GROUP BY lw.week_start
      ),
      sess AS (
        SELECT w.week_start, count(*) AS sessions, sum(s.duration_ms) // 60000 AS minutes
        FROM weeks w JOIN sessions s ON s.tenant_id = $1 AND s.subject_id IS NOT NULL
          AND epoch_ms(s.started_at) >= w.s AND epoch_ms(s.started_at) < w.e
        GROUP BY w.week_start
      )
      SELECT $1, w.week_start, $2, 'tenant', coalesce(a.active, 0), coalesce(a.new_learners, 0), coalesce(a.returning_learners, 0),
             coalesce(c.churned, 0), coalesce(x.sessions, 0), coalesce(x.minutes, 0),
             '${GROUP_PRIVACY}', 'infinity', coalesce(a.active, 0), $5, $6::TIMESTAMPTZ
      FROM weeks w LEFT JOIN act a USING (week_start) LEFT JOIN churn c USING (week_start) LEFT JOIN sess x USING (week_start)`,
    written: `SELECT count(*) AS n FROM weekly_active_aggregates WHERE tenant_id = $1 AND etl_run_id = $2`,
  },
} as const;

export async function buildWeeklyActiveAggregates(db: EtlDb, p: EtlPeriod): Promise<StepCounts> {
  const weeks = weeksTouching(p);
  const first = new Date(weeks[0]!.prevStart).toISOString();
  const end = new Date(weeks[weeks.length - 1]!.end).toISOString();
  const q = sql.duckdb;
  return db.transaction(async () => {
    const rowsIn = count(await db.all(q.source, [p.tenantId, first, end]));
    await db.run(q.clear, [p.tenantId, p.timeZone, weeks[0]!.week, weeks[weeks.length - 1]!.week]);
    await db.run(q.insert(q.weeks(weeks)), [p.tenantId, p.timeZone, first, end, p.runId, p.now.toISOString()]);
    return { rowsIn, rowsOut: count(await db.all(q.written, [p.tenantId, p.runId])) };
  });
}
