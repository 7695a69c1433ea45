import type { OuladAssessment, OuladStudent } from './load-oulad-presentation.ts';
import type { LearnerActivitySummary } from './risk-factors.ts';

/**
 * Maps an OULAD student's records to the activity summary Ebb's metric queries compute, as of the
 * start of day `asOfDay`: everything up to day asOfDay - 1 is known, nothing after.
 *
 * - Active day: a day with at least one click on any learning resource.
 * - Session: OULAD keeps clicks per resource per day, without times, so each active day is one
 *   session, and its length is estimated as clicks x `secondsPerClick`.
 * - Quest: an assessment (TMA or CMA; the exam too if submitted). It is started in the window if it
 *   fell due in the window or the student submitted it in the window, and completed if submitted
 *   (or banked from an earlier presentation) before `asOfDay`. Quiz-type resources are not counted
 *   separately: in OULAD the computer-marked assessments are those quizzes, so their submissions
 *   already count.
 * - Streak: consecutive active days ending on day asOfDay - 1.
 */

export interface OuladSummaryOptions {
  /** Length of the window ending at the as-of day. */
  readonly windowDays: number;
  /** Assumed time per click, to estimate session length. */
  readonly secondsPerClick: number;
}

export const DEFAULT_OULAD_SUMMARY_OPTIONS: OuladSummaryOptions = Object.freeze({ windowDays: 28, secondsPerClick: 30 });

/** Index of the first element of sorted `days` that is >= `day`. */
function lowerBound(days: readonly number[], day: number): number {
  let lo = 0;
  let hi = days.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (days[mid]! < day) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

export function ouladActivitySummary(
  student: OuladStudent,
  assessments: readonly OuladAssessment[],
  asOfDay: number,
  options: OuladSummaryOptions = DEFAULT_OULAD_SUMMARY_OPTIONS,
): LearnerActivitySummary {
  const { windowDays, secondsPerClick } = options;
  const windowStart = asOfDay - windowDays;
  const lastDay = asOfDay - 1;
  const days = student.activeDays;

  const end = lowerBound(days, asOfDay); // days[0..end) are observed
  const start = lowerBound(days, windowStart);
  let activeDays = 0;
  let clicks = 0;
  for (let i = start; i < end; i++) {
    activeDays++;
    clicks += student.clicksPerActiveDay[i]!;
  }

  const lastActive = end > 0 ? days[end - 1]! : null;
  let streak = 0;
  for (let i = end - 1; i >= 0 && days[i] === lastDay - streak; i--) streak++;

  const submittedOn = new Map<string, number>();
  for (const s of student.submissions) {
    if (s.day > lastDay) continue;
    const prior = submittedOn.get(s.assessmentId);
    if (prior === undefined || s.day < prior) submittedOn.set(s.assessmentId, s.banked ? Number.NEGATIVE_INFINITY : s.day);
  }
  let questsStarted = 0;
  let questsCompleted = 0;
  for (const a of assessments) {
    const submitted = submittedOn.get(a.id);
    const due = a.dueDay !== null && a.dueDay >= windowStart && a.dueDay <= lastDay;
    const doneInWindow = submitted !== undefined && submitted >= windowStart;
    if (!due && !doneInWindow) continue;
    questsStarted++;
    if (submitted !== undefined) questsCompleted++;
  }

  return {
    windowDays,
    daysSinceLastActivity: lastActive === null ? null : lastDay - lastActive,
    activeDays,
    sessions: activeDays,
    totalSessionSeconds: clicks * secondsPerClick,
    questsStarted,
    questsCompleted,
    currentStreakDays: streak,
  };
}
