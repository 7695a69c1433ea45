import { add, compare, formatRational, isPositive, parseRational, sum } from './rational.ts';
import type { Rational } from './rational.ts';

/**
 * A privacy loss: an exact non-negative rational, or infinity for exact (non-DP) releases.
 * The anonymized level is recorded as infinity so that it voids any DP claim in the ledger.
 */
export type Epsilon = Rational | 'infinity';

export const INFINITE_EPSILON = 'infinity' as const;

const INFINITY_SPELLINGS = new Set(['inf', 'infinity', '∞']);

/** Parses "2", "1/2", "0.25" or "infinity" (also "inf", "∞"); refuses negatives. */
export function parseEpsilon(text: string): Epsilon {
  if (INFINITY_SPELLINGS.has(text.trim().toLowerCase())) return INFINITE_EPSILON;
  const value = parseRational(text);
  if (value.num < 0n) throw new RangeError(`epsilon must not be negative: "${text}"`);
  return value;
}

export function formatEpsilon(epsilon: Epsilon): string {
  return epsilon === INFINITE_EPSILON ? INFINITE_EPSILON : formatRational(epsilon);
}

export function isFiniteEpsilon(epsilon: Epsilon): epsilon is Rational {
  return epsilon !== INFINITE_EPSILON;
}

/** Sequential composition of two losses. */
export function addEpsilon(a: Epsilon, b: Epsilon): Epsilon {
  return isFiniteEpsilon(a) && isFiniteEpsilon(b) ? add(a, b) : INFINITE_EPSILON;
}

export function compareEpsilon(a: Epsilon, b: Epsilon): -1 | 0 | 1 {
  if (!isFiniteEpsilon(a)) return isFiniteEpsilon(b) ? 1 : 0;
  if (!isFiniteEpsilon(b)) return -1;
  return compare(a, b);
}

/** Sequential (basic) composition: releases on the same learners add up. */
export function composeSequential(epsilons: Iterable<Epsilon>): Epsilon {
  const finite: Rational[] = [];
  for (const e of epsilons) {
    if (!isFiniteEpsilon(e)) return INFINITE_EPSILON;
    finite.push(e);
  }
  return sum(finite);
}

/** Parallel composition: releases on disjoint learner sets cost the largest of them. */
export function composeParallel(epsilons: Iterable<Epsilon>): Epsilon {
  let largest: Epsilon = { num: 0n, den: 1n };
  for (const e of epsilons) if (compareEpsilon(e, largest) > 0) largest = e;
  return largest;
}

/** A positive finite epsilon, as every DP mechanism needs. */
export function requirePositiveEpsilon(epsilon: Epsilon, what = 'epsilon'): Rational {
  if (!isFiniteEpsilon(epsilon) || !isPositive(epsilon)) throw new RangeError(`${what} must be a positive finite rational`);
  return epsilon;
}
