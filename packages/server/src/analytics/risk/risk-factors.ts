/**
 * The five dropout-risk factors of the seed design and how each maps a learner's recent activity
 * to a risk in [0, 1] (0 = no sign of disengagement, 1 = the strongest sign this factor can give).
 *
 * Every mapping is a clamped linear ramp towards a target, so staff can read a factor's risk back
 * into plain words ("3 of the 14 days it takes to reach full risk"). Counts that are negative or
 * not finite count as zero activity, never as evidence of engagement; an unknown (null or NaN)
 * inactivity counts as full risk, a negative one (clock skew) as active now.
 */

/**
 * What one metric query computes per learner over a window of whole days that ends at an "as of"
 * moment (the window's last day is the last complete day observed).
 */
export interface LearnerActivitySummary {
  /** Length of the window in days (> 0). */
  readonly windowDays: number;
  /**
   * Complete days since the learner's last day with any activity, looking back beyond the window
   * if needed: 0 when active on the window's last day. null when no activity was ever recorded.
   */
  readonly daysSinceLastActivity: number | null;
  /** Days in the window with at least one activity. */
  readonly activeDays: number;
  /** Learning sessions in the window. */
  readonly sessions: number;
  /** Summed duration of those sessions, in seconds. */
  readonly totalSessionSeconds: number;
  /** Quests (or assessments) started in the window: begun by the learner or fallen due. */
  readonly questsStarted: number;
  /** Of those, how many the learner completed by the end of the window. */
  readonly questsCompleted: number;
  /** Consecutive active days ending on the window's last day (0 if not active that day). */
  readonly currentStreakDays: number;
}

export type RiskFactorName = 'days_inactive' | 'login_frequency' | 'quest_completion' | 'session_duration' | 'streak';

/** The knobs of the normalisations; the defaults are chosen for a weekly-paced learning app. */
export interface RiskFactorParameters {
  /** Days without activity at which the inactivity risk reaches 1. */
  readonly inactivitySaturationDays: number;
  /** Active days per week at (or above) which login-frequency risk is 0. */
  readonly targetActiveDaysPerWeek: number;
  /** Risk given when no quest was started: no evidence either way. */
  readonly neutralCompletionRisk: number;
  /** Average session length, in minutes, at (or above) which session-duration risk is 0. */
  readonly targetSessionMinutes: number;
  /** Streak length, in days, at (or above) which streak risk is 0. */
  readonly targetStreakDays: number;
}

export const DEFAULT_RISK_FACTOR_PARAMETERS: RiskFactorParameters = Object.freeze({
  inactivitySaturationDays: 14,
  targetActiveDaysPerWeek: 3,
  neutralCompletionRisk: 0.5,
  targetSessionMinutes: 15,
  targetStreakDays: 7,
});

/** A count or amount that is usable as evidence of activity; anything else counts as none. */
function amount(x: number): number {
  return Number.isFinite(x) && x > 0 ? x : 0;
}

function clamp01(x: number): number {
  if (Number.isNaN(x)) return 1;
  return x < 0 ? 0 : x > 1 ? 1 : x;
}

/** 1 - min(1, achieved / target): no risk once the target is met, full risk at zero. */
function shortfall(achieved: number, target: number): number {
  if (!(target > 0)) return 0; // a target of zero is always met
  return clamp01(1 - amount(achieved) / target);
}

/**
 * Days inactive: linear from 0 (active on the last day) to 1 at `saturationDays` and beyond.
 * Never active (null) is full risk.
 */
export function daysInactiveRisk(daysSinceLastActivity: number | null, saturationDays = DEFAULT_RISK_FACTOR_PARAMETERS.inactivitySaturationDays): number {
  if (daysSinceLastActivity === null || Number.isNaN(daysSinceLastActivity)) return 1;
  if (!(saturationDays > 0)) return daysSinceLastActivity > 0 ? 1 : 0;
  return clamp01(Math.max(0, daysSinceLastActivity) / saturationDays);
}

/** Active days per week in the window (activeDays * 7 / windowDays); 0 for an empty window. */
export function activeDaysPerWeek(activeDays: number, windowDays: number): number {
  const days = amount(windowDays);
  if (days === 0) return 0;
  return (Math.min(amount(activeDays), days) * 7) / days;
}

/**
 * Login frequency: active days per week relative to `targetPerWeek`; 0 at or above the target,
 * 1 with no active day in the window.
 */
export function loginFrequencyRisk(activeDays: number, windowDays: number, targetPerWeek = DEFAULT_RISK_FACTOR_PARAMETERS.targetActiveDaysPerWeek): number {
  return shortfall(activeDaysPerWeek(activeDays, windowDays), targetPerWeek);
}

/** Completed / started, capped at 1; null when nothing was started. */
export function questCompletionRate(questsStarted: number, questsCompleted: number): number | null {
  const started = amount(questsStarted);
  if (started === 0) return null;
  return Math.min(amount(questsCompleted), started) / started;
}

/**
 * Quest completion: 1 - completion rate. With nothing started there is no evidence either way,
 * so the risk is the neutral prior (0.5 by default) rather than 0 or 1.
 */
export function questCompletionRisk(questsStarted: number, questsCompleted: number, neutralRisk = DEFAULT_RISK_FACTOR_PARAMETERS.neutralCompletionRisk): number {
  const rate = questCompletionRate(questsStarted, questsCompleted);
  return rate === null ? clamp01(neutralRisk) : 1 - rate;
}

/** Mean session length in minutes; 0 without sessions. */
export function averageSessionMinutes(sessions: number, totalSessionSeconds: number): number {
  const n = amount(sessions);
  return n === 0 ? 0 : amount(totalSessionSeconds) / n / 60;
}

/**
 * Session duration: mean session length relative to `targetMinutes`; 0 at or above the target,
 * 1 without sessions (or with sessions of zero length).
 */
export function sessionDurationRisk(sessions: number, totalSessionSeconds: number, targetMinutes = DEFAULT_RISK_FACTOR_PARAMETERS.targetSessionMinutes): number {
  return shortfall(averageSessionMinutes(sessions, totalSessionSeconds), targetMinutes);
}

/** Streak: current streak relative to `targetDays`; 0 at or above the target, 1 with no streak. */
export function streakRisk(currentStreakDays: number, targetDays = DEFAULT_RISK_FACTOR_PARAMETERS.targetStreakDays): number {
  return shortfall(currentStreakDays, targetDays);
}

/** One factor read from a summary: the raw value staff see, and its risk. */
export interface FactorReading {
  readonly value: number | null;
  readonly risk: number;
}

/** Each factor as a reader of the summary, in the seed's order (heaviest first). */
export const RISK_FACTORS: ReadonlyArray<{
  readonly name: RiskFactorName;
  /** What `value` means, for the breakdown shown to staff. */
  readonly unit: string;
  readonly read: (s: LearnerActivitySummary, p: RiskFactorParameters) => FactorReading;
}> = Object.freeze([
  {
    name: 'days_inactive',
    unit: 'days since last activity (null: never active)',
    read: (s, p) => ({ value: s.daysSinceLastActivity, risk: daysInactiveRisk(s.daysSinceLastActivity, p.inactivitySaturationDays) }),
  },
  {
    name: 'login_frequency',
    unit: 'active days per week',
    read: (s, p) => ({ value: activeDaysPerWeek(s.activeDays, s.windowDays), risk: loginFrequencyRisk(s.activeDays, s.windowDays, p.targetActiveDaysPerWeek) }),
  },
  {
    name: 'quest_completion',
    unit: 'completed / started (null: none started)',
    read: (s, p) => ({ value: questCompletionRate(s.questsStarted, s.questsCompleted), risk: questCompletionRisk(s.questsStarted, s.questsCompleted, p.neutralCompletionRisk) }),
  },
  {
    name: 'session_duration',
    unit: 'average session minutes',
    read: (s, p) => ({ value: averageSessionMinutes(s.sessions, s.totalSessionSeconds), risk: sessionDurationRisk(s.sessions, s.totalSessionSeconds, p.targetSessionMinutes) }),
  },
  {
    name: 'streak',
    unit: 'current streak days',
    read: (s, p) => ({ value: amount(s.currentStreakDays), risk: streakRisk(s.currentStreakDays, p.targetStreakDays) }),
  },
]);
