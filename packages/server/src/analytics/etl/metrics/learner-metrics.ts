import type { DateRange } from '../../date-range.ts';
import type { EtlDb } from '../etl-period.ts';
import { learnerMetricsSql } from './learner-metrics.sql.ts';
import { round, trendOf, type LearnerMetrics } from './metrics-shape.ts';

/** A subject area counts as mastered from this latest score (percent). */
export const MASTERY_PERCENT = 80;

const n = (v: unknown): number => (v == null ? 0 : Number(v));
const nn = (v: unknown): number | null => (v == null ? null : Number(v));
const day = (v: unknown): string | null => (v == null ? null : (v instanceof Date ? v.toISOString() : String(v)).slice(0, 10));
const daysBetween = (a: string, b: string) => Math.round((Date.parse(`${b}T00:00:00Z`) - Date.parse(`${a}T00:00:00Z`)) / 86_400_000);

/**
 * One learner's metrics in seed 004's shape, from the ETL's per-learner aggregate rows: exact
 * values about that learner, shown only to whoever the access module lets read them.
 * `learner_id_hash` is the keyed pseudonym Ebb stores instead of the app's user id.
 */
export async function learnerMetrics(db: Pick<EtlDb, 'all'>, q: { tenantId: string; subjectId: string | null; pseudonym: string; range: DateRange; minGroupSize: number }): Promise<LearnerMetrics> {
  const sql = learnerMetricsSql.duckdb;
  const args = [q.tenantId, q.range.timeZone, q.range.from, q.range.to, q.subjectId ?? ''];
  const [s] = await db.all(sql.sessions, args);
  const subjects = await db.all(sql.subjects, [...args, MASTERY_PERCENT]);
  const goals = await db.all(sql.iep, args);
  const [covered] = await db.all(sql.covered, args.slice(0, 4));
  const sessions = n(s?.sessions);
  const seconds = n(s?.seconds);
  return {
    learner_id_hash: q.pseudonym,
    reporting_period_start: q.range.from,
    reporting_period_end: q.range.to,
    time_zone: q.range.timeZone,
    session_metrics: {
      total_sessions: sessions,
      avg_duration_minutes: sessions > 0 ? round(seconds / sessions / 60) : null,
      // A median is not rebuilt from daily rows; the tenant metrics give the period's median.
      median_duration_minutes: null,
      total_hours: round(seconds / 3600),
      trend_direction: n(s?.days) > 1 ? trendOf(n(s?.first_half), n(s?.second_half)) : null,
      privacy_level: 'pseudonymous',
      data_points: n(s?.days),
    },
    subject_progress: subjects.map((r) => {
      const first = nn(r.first_score);
      const current = nn(r.current_score);
      const firstDay = day(r.first_day);
      const mastered = day(r.mastered_day);
      return {
        subject: String(r.subject_area),
        current_score_pct: round(current),
        first_score_pct: round(first),
        improvement_delta: first === null || current === null ? null : round(current - first),
        assessments_completed: n(r.assessments),
        days_to_mastery: firstDay && mastered ? daysBetween(firstDay, mastered) : null,
      };
    }),
    iep_progress: goals.map((g) => ({
      goal_id: String(g.goal_id),
      baseline: nn(g.baseline),
      current: nn(g.current_value),
      target: nn(g.target),
      progress_pct: round(nn(g.progress_pct)),
      on_track: n(g.on_track) > 0,
    })),
    privacy_level: 'pseudonymous',
    minimum_cohort_size: q.minGroupSize,
    differential_privacy_epsilon: null,
    last_updated: s?.computed_at ? (s.computed_at instanceof Date ? s.computed_at : new Date(String(s.computed_at))).toISOString() : null,
    data_completeness: round(Math.min(1, n(covered?.days) / q.range.days), 4) ?? 0,
  };
}
