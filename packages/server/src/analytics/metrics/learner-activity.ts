import { addDays, rangeOf, type DateRange } from '../date-range.ts';
import type { LearnerActivitySummary } from '../risk/risk-factors.ts';
import { learnerActivitySql } from './learner-activity.sql.ts';
import { dayNumber, localDaySql, num, type MetricDb } from './metric-query.ts';

/**
 * Each learner's activity over a window of whole local days (the range), as the dropout-risk score
 * reads it: active days, sessions and their length, quests started and completed, the streak ending
 * on the window's last day, and the days since the last activity (looking back up to LOOKBACK_DAYS
 * before the window; longer is "never" for the score, which saturates long before).
 */
export const LOOKBACK_DAYS = 365;

export interface LearnerActivity extends LearnerActivitySummary {
  readonly subjectId: string;
}

export async function computeLearnerActivity(db: MetricDb, q: { tenantId: string; range: DateRange; subjectId?: string }): Promise<LearnerActivity[]> {
  const { range } = q;
  const lookback = rangeOf(addDays(range.from, -LOOKBACK_DAYS), range.to, range.timeZone);
  const params: unknown[] = [q.tenantId, range.start.toISOString(), range.end.toISOString(), dayNumber(range.to), lookback.start.toISOString()];
  if (q.subjectId !== undefined) params.push(q.subjectId);
  const sql = learnerActivitySql.duckdb
    .replace('$subject', q.subjectId !== undefined ? 'AND id = $6' : '')
    .replace('$day', localDaySql('occurred_at', lookback));
  const rows = await db.all(sql, params);
  const last = dayNumber(range.to);
  return rows.map((r) => ({
    subjectId: String(r.subject_id),
    windowDays: range.days,
    daysSinceLastActivity: r.last_day === null || r.last_day === undefined ? null : last - num(r.last_day),
    activeDays: num(r.active_days),
    sessions: num(r.sessions),
    totalSessionSeconds: Math.round(num(r.total_ms) / 1000),
    questsStarted: num(r.started),
    questsCompleted: num(r.completed),
    currentStreakDays: num(r.streak),
  }));
}
