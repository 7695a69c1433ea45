import { INFINITE_EPSILON } from './epsilon.ts';
import type { Epsilon } from './epsilon.ts';
import { rational } from './rational.ts';

/** The declared privacy level of every aggregate that leaves Ebb. */
export const PRIVACY_LEVELS = ['anonymized', 'dp_low', 'dp_medium', 'dp_high'] as const;
export type PrivacyLevel = (typeof PRIVACY_LEVELS)[number];

/** Groups under this many learners are not published (k-anonymity threshold). */
export const DEFAULT_MIN_GROUP_SIZE = 5;

export interface PrivacyLevelSpec {
  readonly level: PrivacyLevel;
  /** Privacy loss of one release window at this level; infinity for exact values. */
  readonly epsilon: Epsilon;
  readonly differentiallyPrivate: boolean;
  /** Applied to exact counts at `anonymized`, to noisy counts at the DP levels. */
  readonly minGroupSize: number;
}

const EPSILON_BY_LEVEL: Record<PrivacyLevel, Epsilon> = {
  anonymized: INFINITE_EPSILON,
  dp_low: rational(2n),
  dp_medium: rational(1n),
  dp_high: rational(1n, 2n),
};

export function isPrivacyLevel(value: unknown): value is PrivacyLevel {
  return typeof value === 'string' && (PRIVACY_LEVELS as readonly string[]).includes(value);
}

export function isDifferentiallyPrivate(level: PrivacyLevel): boolean {
  return level !== 'anonymized';
}

export function getPrivacyLevel(level: PrivacyLevel, options: { minGroupSize?: number } = {}): PrivacyLevelSpec {
  const minGroupSize = options.minGroupSize ?? DEFAULT_MIN_GROUP_SIZE;
  if (!Number.isSafeInteger(minGroupSize) || minGroupSize < 1) throw new RangeError('minGroupSize must be an integer >= 1');
  return { level, epsilon: EPSILON_BY_LEVEL[level], differentiallyPrivate: isDifferentiallyPrivate(level), minGroupSize };
}
