import type { SuppressionReason } from '@ebb/contracts';

/** Shapes of the seed-004 tenant and learner metrics answers (snake_case, as the seed's consumers read them). */
export type Trend = 'up' | 'down' | 'flat';

export interface SessionMetricsShape {
  total_sessions: number | null;
  avg_duration_minutes: number | null;
  median_duration_minutes: number | null;
  total_hours: number | null;
  trend_direction: Trend | null;
  privacy_level: string;
  /** Days (or released weeks) behind the figures. */
  data_points: number;
}

export interface WeeklyActivityShape {
  week_start: string;
  active_learners: number | null;
  new_learners: number | null;
  returning_learners: number | null;
  churned_learners: number | null;
}

export interface SubjectShape {
  subject: string;
  learners: number | null;
  avg_score_pct: number | null;
  assessments_completed: number | null;
}

export interface IepSummaryShape {
  learners: number | null;
  goals: number | null;
  avg_progress_pct: number | null;
  on_track_goals: number | null;
  on_track_rate: number | null;
}

export interface TenantMetrics {
  tenant_id: string;
  reporting_period_start: string;
  reporting_period_end: string;
  time_zone: string;
  total_active_learners: number | null;
  total_learning_hours: number | null;
  average_engagement_rate: number | null;
  session_metrics: SessionMetricsShape;
  weekly_activity: WeeklyActivityShape[];
  top_subjects: SubjectShape[];
  iep_progress_summary: IepSummaryShape;
  privacy_level: string;
  minimum_cohort_size: number;
  /** Privacy loss of what is shown, exact text; "infinity" for exact values. */
  differential_privacy_epsilon: string;
  /** `aggregates`: exact values from the ETL's tables, k applied; `release`: stored DP releases. */
  source: 'aggregates' | 'release';
  /** Every value shown as null because it is withheld, by its path, and why. */
  withheld: Record<string, SuppressionReason | 'not_released'>;
  last_updated: string | null;
}

export interface LearnerMetrics {
  learner_id_hash: string;
  reporting_period_start: string;
  reporting_period_end: string;
  time_zone: string;
  session_metrics: SessionMetricsShape;
  subject_progress: Array<{
    subject: string;
    current_score_pct: number | null;
    first_score_pct: number | null;
    improvement_delta: number | null;
    assessments_completed: number;
    days_to_mastery: number | null;
  }>;
  iep_progress: Array<{ goal_id: string; baseline: number | null; current: number | null; target: number | null; progress_pct: number | null; on_track: boolean }>;
  privacy_level: string;
  minimum_cohort_size: number;
  differential_privacy_epsilon: string | null;
  last_updated: string | null;
  /** Share of the period's days the ETL has processed (0..1). */
  data_completeness: number;
}

export const round = (v: number | null, digits = 2): number | null => (v === null || !Number.isFinite(v) ? null : Math.round(v * 10 ** digits) / 10 ** digits);

export function trendOf(first: number, second: number): Trend {
  if (second > first * 1.1) return 'up';
  if (second < first * 0.9) return 'down';
  return 'flat';
}
