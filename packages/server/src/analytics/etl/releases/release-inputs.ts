import { addDays, startOfLocalDay } from '../../date-range.ts';
import type { EtlDb } from '../etl-period.ts';
import { localDateSql } from '../etl-period.ts';
import { PAGE_VIEW_TYPES } from '../aggregates/page-view-aggregates.ts';
import { ON_TRACK_PERCENT } from '../aggregates/iep-aggregates.ts';

/**
 * The integer inputs of one week's releases, read from the event tables and grouped by privacy
 * unit (a learner's subject id; for page and visit counts, the visitor id the overview counts).
 * Everything is an integer here (seconds, whole percentages, counts); bounding happens later.
 */
export interface ReleaseWeek {
  readonly tenantId: string;
  /** Monday, YYYY-MM-DD (local). */
  readonly weekStart: string;
  readonly timeZone: string;
}

export function weekDays(weekStart: string): string[] {
  return Array.from({ length: 7 }, (_, i) => addDays(weekStart, i));
}

function bounds(w: ReleaseWeek): { start: string; end: string; prev: string; range: { from: string; to: string; timeZone: string } } {
  return {
    start: startOfLocalDay(w.weekStart, w.timeZone).toISOString(),
    end: startOfLocalDay(addDays(w.weekStart, 7), w.timeZone).toISOString(),
    prev: startOfLocalDay(addDays(w.weekStart, -7), w.timeZone).toISOString(),
    range: { from: w.weekStart, to: addDays(w.weekStart, 6), timeZone: w.timeZone },
  };
}

const day = (v: unknown): string => (v instanceof Date ? v.toISOString() : String(v)).slice(0, 10);

function groupBy<R, V>(rows: R[], unit: (r: R) => string, value: (r: R) => V): V[][] {
  const by = new Map<string, V[]>();
  for (const r of rows) {
    const k = unit(r);
    const list = by.get(k);
    if (list) list.push(value(r));
    else by.set(k, [value(r)]);
  }
  // Sorted by unit so the same data gives the same input order.
  return [...by.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([, v]) => v);
}

const types = PAGE_VIEW_TYPES.map((t) => `'${t}'`).join(', ');

/** Per visitor, the local days of the week with any event (the overview's daily active people). */
export async function activeDaysByVisitor(db: EtlDb, w: ReleaseWeek): Promise<string[][]> {
  const b = bounds(w);
  const rows = await db.all(
    `SELECT DISTINCT coalesce(subject_id, anonymous_id) AS unit, strftime(${localDateSql('occurred_at', b.range)}, '%Y-%m-%d') AS day
     FROM events WHERE tenant_id = $1 AND occurred_at >= $2::TIMESTAMPTZ AND occurred_at < $3::TIMESTAMPTZ AND coalesce(subject_id, anonymous_id) IS NOT NULL`,
    [w.tenantId, b.start, b.end],
  );
  return groupBy(rows, (r) => String(r.unit), (r) => day(r.day));
}

/** Per learner, the durations of the week's sessions in whole seconds. */
export async function sessionSecondsByLearner(db: EtlDb, w: ReleaseWeek): Promise<number[][]> {
  const b = bounds(w);
  const rows = await db.all(
    `SELECT subject_id AS unit, duration_ms // 1000 AS s FROM sessions
     WHERE tenant_id = $1 AND subject_id IS NOT NULL AND started_at >= $2::TIMESTAMPTZ AND started_at < $3::TIMESTAMPTZ ORDER BY started_at, id`,
    [w.tenantId, b.start, b.end],
  );
  return groupBy(rows, (r) => String(r.unit), (r) => Math.max(0, Number(r.s)));
}

export type LearnerWeekKind = 'new' | 'returning' | 'churned';

/** Per learner seen this week or the week before: new, returning or churned (as weekly_active_aggregates). */
export async function weeklyKindByLearner(db: EtlDb, w: ReleaseWeek): Promise<LearnerWeekKind[]> {
  const b = bounds(w);
  const rows = await db.all(
    `WITH seen AS (
       SELECT subject_id, bool_or(occurred_at >= $3::TIMESTAMPTZ) AS this_week, bool_or(occurred_at < $3::TIMESTAMPTZ) AS last_week
       FROM events WHERE tenant_id = $1 AND subject_id IS NOT NULL AND occurred_at >= $2::TIMESTAMPTZ AND occurred_at < $4::TIMESTAMPTZ
       GROUP BY subject_id
     ), firsts AS (
       SELECT subject_id, min(occurred_at) AS first_at FROM events
       WHERE tenant_id = $1 AND subject_id IN (SELECT subject_id FROM seen WHERE this_week) GROUP BY subject_id
     )
     SELECT s.subject_id AS unit,
            CASE WHEN s.this_week AND f.first_at >= $3::TIMESTAMPTZ THEN 'new' WHEN s.this_week THEN 'returning' ELSE 'churned' END AS kind
     FROM seen s LEFT JOIN firsts f USING (subject_id) ORDER BY s.subject_id`,
    [w.tenantId, b.prev, b.start, b.end],
  );
  return rows.map((r) => String(r.kind) as LearnerWeekKind);
}

/** Per learner, each subject area's latest score of the week as a whole percentage. */
export async function masteryByLearner(db: EtlDb, w: ReleaseWeek): Promise<Array<Array<{ subject: string; score: number }>>> {
  const b = bounds(w);
  const rows = await db.all(
    `SELECT subject_id AS unit, subject_area AS subject,
            CAST(round(arg_max(CASE WHEN max_score > 0 THEN least(100.0, greatest(0.0, score * 100.0 / max_score)) ELSE least(100.0, greatest(0.0, score)) END, occurred_at)) AS INTEGER) AS pct
     FROM learning_events
     WHERE tenant_id = $1 AND occurred_at >= $2::TIMESTAMPTZ AND occurred_at < $3::TIMESTAMPTZ
       AND score IS NOT NULL AND subject_area IS NOT NULL AND subject_id IS NOT NULL
     GROUP BY subject_id, subject_area ORDER BY subject_id, subject_area`,
    [w.tenantId, b.start, b.end],
  );
  return groupBy(rows, (r) => String(r.unit), (r) => ({ subject: String(r.subject), score: Number(r.pct) }));
}

/** Per learner, each IEP goal's latest progress of the week (whole percentage) and whether it is on track. */
export async function iepByLearner(db: EtlDb, w: ReleaseWeek): Promise<Array<Array<{ progress: number; onTrack: boolean }>>> {
  const b = bounds(w);
  const rows = await db.all(
    `WITH latest AS (
       SELECT subject_id, goal_id, arg_max(goal_baseline, occurred_at) AS baseline, arg_max(goal_current, occurred_at) AS cur,
              arg_max(goal_target, occurred_at) AS target
       FROM learning_events
       WHERE tenant_id = $1 AND occurred_at >= $2::TIMESTAMPTZ AND occurred_at < $3::TIMESTAMPTZ
         AND goal_id IS NOT NULL AND subject_id IS NOT NULL AND goal_baseline IS NOT NULL AND goal_current IS NOT NULL AND goal_target IS NOT NULL
       GROUP BY subject_id, goal_id
     )
     SELECT subject_id AS unit,
            CASE WHEN target = baseline THEN (CASE WHEN cur = target THEN 100.0 ELSE 0.0 END)
                 ELSE least(100.0, greatest(0.0, (cur - baseline) * 100.0 / (target - baseline))) END AS pct
     FROM latest ORDER BY subject_id, goal_id`,
    [w.tenantId, b.start, b.end],
  );
  return groupBy(rows, (r) => String(r.unit), (r) => ({ progress: Math.floor(Number(r.pct)), onTrack: Number(r.pct) >= ON_TRACK_PERCENT }));
}

/** Per visitor, page views per local day of the week. */
export async function pageViewsByVisitor(db: EtlDb, w: ReleaseWeek): Promise<Array<Array<{ day: string; views: number }>>> {
  const b = bounds(w);
  const rows = await db.all(
    `SELECT coalesce(subject_id, anonymous_id) AS unit, strftime(${localDateSql('occurred_at', b.range)}, '%Y-%m-%d') AS day, count(*) AS views
     FROM events WHERE tenant_id = $1 AND occurred_at >= $2::TIMESTAMPTZ AND occurred_at < $3::TIMESTAMPTZ
       AND type IN (${types}) AND page_path IS NOT NULL AND coalesce(subject_id, anonymous_id) IS NOT NULL
     GROUP BY 1, 2 ORDER BY 1, 2`,
    [w.tenantId, b.start, b.end],
  );
  return groupBy(rows, (r) => String(r.unit), (r) => ({ day: day(r.day), views: Number(r.views) }));
}
