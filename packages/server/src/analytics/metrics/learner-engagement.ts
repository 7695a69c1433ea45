import type { LearnerMetric } from '../analytics-service.ts';
import { dateOfDayNumber, daysOf, localDaySql, num, type MetricDb } from './metric-query.ts';
import { learnerEngagementSql } from './learner-engagement.sql.ts';
import type { DateRange } from '../date-range.ts';

/**
 * One learner's engagement over the range (seed 001's user engagement): events, active days, page
 * views, quests started and completed, badges, sessions and their length, the last activity, events
 * per category and per local day. Exact: only the learner, their guardians and staff who may read
 * individuals get here.
 */
export interface LearnerEngagement {
  events: number;
  activeDays: number;
  pageViews: number;
  questsStarted: number;
  questsCompleted: number;
  badgesEarned: number;
  sessions: number;
  totalMinutes: number;
  averageSessionMinutes: number | null;
  lastActiveAt: string | null;
  byCategory: Array<{ category: string; events: number }>;
  daily: Array<{ date: string; events: number }>;
}

const PAGE_VIEWS = new Set(['page_view', 'route_change']);

export async function computeLearnerEngagement(db: MetricDb, q: { tenantId: string; subjectId: string; range: DateRange }): Promise<LearnerEngagement> {
  const params = [q.tenantId, q.range.start.toISOString(), q.range.end.toISOString(), q.subjectId];
  const rows = await db.all(learnerEngagementSql.duckdb.events.replace('$day', localDaySql('occurred_at', q.range)), params);
  const [s] = await db.all(learnerEngagementSql.duckdb.sessions, params);
  const byCategory = new Map<string, number>();
  const byDay = new Map<string, number>();
  let events = 0;
  let pageViews = 0;
  let last: Date | null = null;
  for (const r of rows) {
    const n = num(r.events);
    events += n;
    if (PAGE_VIEWS.has(String(r.type))) pageViews += n;
    byCategory.set(String(r.category), (byCategory.get(String(r.category)) ?? 0) + n);
    const date = dateOfDayNumber(num(r.day));
    byDay.set(date, (byDay.get(date) ?? 0) + n);
    const at = r.last_at as Date;
    if (!last || at > last) last = at;
  }
  const [d] = await db.all(learnerEngagementSql.duckdb.distinct, params);
  const sessions = num(s?.sessions);
  const totalMinutes = num(s?.total_ms) / 60_000;
  return {
    events, activeDays: byDay.size, pageViews, questsStarted: num(d?.started), questsCompleted: num(d?.completed), badgesEarned: num(d?.badges),
    sessions, totalMinutes: Number(totalMinutes.toFixed(1)), averageSessionMinutes: sessions > 0 ? Number((totalMinutes / sessions).toFixed(1)) : null,
    lastActiveAt: last ? new Date(last).toISOString() : null,
    byCategory: [...byCategory].map(([category, n]) => ({ category, events: n })).sort((a, b) => b.events - a.events || (a.category < b.category ? -1 : 1)),
    daily: daysOf(q.range).map((date) => ({ date, events: byDay.get(date) ?? 0 })),
  };
}

export const learnerEngagementMetric: LearnerMetric<LearnerEngagement> = {
  name: 'learner-engagement', compute: (db, q) => computeLearnerEngagement(db, q),
};
