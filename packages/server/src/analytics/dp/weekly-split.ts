import { mul, rational, sum } from './rational.ts';
import type { Rational } from './rational.ts';

/**
 * The default split of one weekly release at a level's epsilon: rational weights that sum to 1,
 * so the whole week costs exactly the level's epsilon under sequential composition.
 */
export type WeeklyPart =
  | 'active_learners'
  | 'learning_minutes_total'
  | 'session_duration_mean.count'
  | 'session_duration_mean.sum'
  | 'session_duration_median'
  | 'mastery_by_subject.count'
  | 'mastery_by_subject.sum'
  | 'progress_mean.sum';

export const WEEKLY_SPLIT: ReadonlyArray<{ readonly part: WeeklyPart; readonly weight: Rational }> = [
  { part: 'active_learners', weight: rational(1n, 5n) },
  { part: 'learning_minutes_total', weight: rational(1n, 5n) },
  { part: 'session_duration_mean.count', weight: rational(1n, 10n) },
  { part: 'session_duration_mean.sum', weight: rational(1n, 10n) },
  { part: 'session_duration_median', weight: rational(1n, 10n) },
  { part: 'mastery_by_subject.count', weight: rational(1n, 10n) },
  { part: 'mastery_by_subject.sum', weight: rational(1n, 10n) },
  // The progress mean divides by the released active-learner count, so it needs no count of its own.
  { part: 'progress_mean.sum', weight: rational(1n, 10n) },
];

/** epsilon per part for a weekly release at `levelEpsilon`. */
export function splitWeeklyEpsilon(levelEpsilon: Rational): Record<WeeklyPart, Rational> {
  const out = {} as Record<WeeklyPart, Rational>;
  for (const { part, weight } of WEEKLY_SPLIT) out[part] = mul(weight, levelEpsilon);
  return out;
}

export function weeklySplitTotal(): Rational {
  return sum(WEEKLY_SPLIT.map((s) => s.weight));
}
