import type { RandomSource } from '../random.ts';
import { defaultRandomSource } from '../random.ts';
import { div, isPositive, rational } from '../rational.ts';
import type { Rational } from '../rational.ts';
import { sampleDiscreteLaplace } from '../samplers/discrete-laplace.ts';

/** A noisy integer and the public scale of the noise that was added. */
export interface NoisyInteger {
  readonly value: bigint;
  readonly scale: Rational;
}

/** b = sensitivity / epsilon: discrete Laplace at this scale is epsilon-DP for an integer query. */
export function laplaceScale(sensitivity: bigint, epsilon: Rational): Rational {
  if (sensitivity < 1n) throw new RangeError(`sensitivity must be >= 1, got ${sensitivity}`);
  if (!isPositive(epsilon)) throw new RangeError('epsilon must be > 0');
  return div(rational(sensitivity), epsilon);
}

export function addLaplaceNoise(
  value: bigint,
  sensitivity: bigint,
  epsilon: Rational,
  random: RandomSource = defaultRandomSource(),
): NoisyInteger {
  const scale = laplaceScale(sensitivity, epsilon);
  return { value: value + sampleDiscreteLaplace(random, scale), scale };
}
