import type { LearnerMetric } from '../analytics-service.ts';
import { addDays, rangeOf, type DateRange } from '../date-range.ts';
import { learnerJourneySql } from './learner-journey.sql.ts';
import { dayNumber, localDaySql, num, type MetricDb } from './metric-query.ts';

/**
 * One learner's learning journey (seed 001's parent-dashboard summary), everything up to the end of
 * the range: first quest, quests completed, current streak, badges, time on the platform, favourite
 * pillar and activity per pillar, and the latest completions.
 *
 * The streak counts consecutive active local days ending on the range's last day, or on the day
 * before when the last day has no activity yet (a streak is not broken until a whole day passes).
 * The favourite pillar is the one with most quest completions, then most activity, then by name.
 */
export interface LearnerJourney {
  firstQuestAt: string | null;
  questsCompleted: number;
  currentStreakDays: number;
  badgesEarned: number;
  timeOnPlatformHours: number;
  favouritePillar: string | null;
  pillars: Array<{ pillar: string; questCompletions: number; events: number }>;
  recentCompletions: Array<{ quest: string | null; completedAt: string }>;
}

export const STREAK_LOOKBACK_DAYS = 400;

/** Consecutive days (day numbers, newest first) ending on `last` or the day before. */
export function currentStreak(daysNewestFirst: readonly number[], last: number): number {
  let expect = daysNewestFirst[0] === last ? last : last - 1;
  let n = 0;
  for (const d of daysNewestFirst) {
    if (d > expect) continue;
    if (d !== expect) break;
    n++;
    expect--;
  }
  return n;
}

export async function computeLearnerJourney(db: MetricDb, q: { tenantId: string; subjectId: string; range: DateRange }): Promise<LearnerJourney> {
  const end = q.range.end.toISOString();
  const base = [q.tenantId, end, q.subjectId];
  const sql = learnerJourneySql.duckdb;
  const [summary] = await db.all(sql.summary, base);
  const pillars = (await db.all(sql.pillars, base))
    .map((r) => ({ pillar: String(r.pillar), questCompletions: num(r.completions), events: num(r.events) }))
    .sort((a, b) => b.questCompletions - a.questCompletions || b.events - a.events || (a.pillar < b.pillar ? -1 : 1));
  const recent = await db.all(sql.recent, base);
  const span = rangeOf(addDays(q.range.to, -STREAK_LOOKBACK_DAYS), q.range.to, q.range.timeZone);
  const days = (await db.all(sql.days.replace('$day', localDaySql('occurred_at', span)), [...base, span.start.toISOString()])).map((r) => num(r.day));
  const [time] = await db.all(sql.time, base);
  return {
    firstQuestAt: summary?.first_quest_at ? new Date(summary.first_quest_at as Date).toISOString() : null,
    questsCompleted: num(summary?.quests_completed),
    currentStreakDays: currentStreak(days, dayNumber(q.range.to)),
    badgesEarned: num(summary?.badges),
    timeOnPlatformHours: Number((num(time?.total_ms) / 3_600_000).toFixed(2)),
    favouritePillar: pillars[0]?.pillar ?? null,
    pillars,
    recentCompletions: recent.map((r) => ({ quest: (r.quest as string | null) ?? null, completedAt: new Date(r.occurred_at as Date).toISOString() })),
  };
}

export const learnerJourneyMetric: LearnerMetric<LearnerJourney> = {
  name: 'learner-journey', compute: (db, q) => computeLearnerJourney(db, q),
};
