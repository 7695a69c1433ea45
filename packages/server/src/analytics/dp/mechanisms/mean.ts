import { clampInteger, toInteger } from '../integers.ts';
import type { IntegerInput } from '../integers.ts';
import type { RandomSource } from '../random.ts';
import type { Rational } from '../rational.ts';
import { addLaplaceNoise } from './laplace-noise.ts';
import type { NoisyInteger } from './laplace-noise.ts';

/**
 * Mean by the normalized-sum estimator: a noisy count and a noisy sum of values centred on the
 * midpoint of the bounds. Centring halves the sum's sensitivity; the division is post-processing.
 */
export interface NoisyMeanOptions {
  /** One array per learner, each with at most maxContributionsPerLearner values. */
  contributions: readonly (readonly IntegerInput[])[];
  /** Public bounds with lower + upper even, so the midpoint is an integer. */
  lower: IntegerInput;
  upper: IntegerInput;
  maxContributionsPerLearner: number;
  sumEpsilon: Rational;
  /** A fresh noisy count of the values, or an already released one (free to reuse). */
  count: { readonly epsilon: Rational } | { readonly reuse: NoisyInteger };
  random?: RandomSource;
}

export interface NoisyMean {
  /** clamp(mid + sum / max(count, 1), lower, upper). */
  readonly mean: number;
  readonly midpoint: bigint;
  readonly noisyCount: NoisyInteger;
  readonly countReused: boolean;
  readonly noisyCenteredSum: NoisyInteger;
  readonly sumSensitivity: bigint;
}

export function midpointOf(lower: bigint, upper: bigint): bigint {
  if (lower > upper) throw new RangeError(`empty bounds [${lower}, ${upper}]`);
  if ((lower + upper) % 2n !== 0n) throw new RangeError(`bounds [${lower}, ${upper}] need an even lower + upper`);
  return (lower + upper) / 2n;
}

/** Post-processing of released numbers only: no private input. */
export function meanFromNoisy(midpoint: bigint, centeredSum: bigint, count: bigint, lower: bigint, upper: bigint): number {
  const raw = Number(midpoint) + Number(centeredSum) / Number(count > 1n ? count : 1n);
  return Math.min(Number(upper), Math.max(Number(lower), raw));
}

export function noisyMean(options: NoisyMeanOptions): NoisyMean {
  const lower = toInteger(options.lower, 'lower');
  const upper = toInteger(options.upper, 'upper');
  const midpoint = midpointOf(lower, upper);
  const m = options.maxContributionsPerLearner;
  if (!Number.isSafeInteger(m) || m < 1) throw new RangeError('maxContributionsPerLearner must be an integer >= 1');
  let count = 0n;
  let centered = 0n;
  for (const learner of options.contributions) {
    // A learner with more values than m breaks the sensitivity the noise is sized for.
    if (learner.length > m) throw new RangeError(`a learner contributes ${learner.length} values, more than the bound ${m}`);
    for (const v of learner) {
      centered += clampInteger(toInteger(v), lower, upper) - midpoint;
      count += 1n;
    }
  }
  const bigM = BigInt(m);
  const halfWidth = (upper - lower) / 2n;
  const sumSensitivity = bigM * (halfWidth > 0n ? halfWidth : 1n);
  const noisyCenteredSum = addLaplaceNoise(centered, sumSensitivity, options.sumEpsilon, options.random);
  const countReused = 'reuse' in options.count;
  const noisyCountValue =
    'reuse' in options.count ? options.count.reuse : addLaplaceNoise(count, bigM, options.count.epsilon, options.random);
  return {
    mean: meanFromNoisy(midpoint, noisyCenteredSum.value, noisyCountValue.value, lower, upper),
    midpoint,
    noisyCount: noisyCountValue,
    countReused,
    noisyCenteredSum,
    sumSensitivity,
  };
}

