import { absInteger, clampInteger, toInteger } from '../integers.ts';
import type { IntegerInput } from '../integers.ts';
import type { RandomSource } from '../random.ts';
import type { Rational } from '../rational.ts';
import { addLaplaceNoise } from './laplace-noise.ts';
import type { NoisyInteger } from './laplace-noise.ts';

export interface NoisyBoundedSumOptions {
  /** One value per learner (e.g. the learner's total minutes in the window). */
  perLearner: readonly IntegerInput[];
  /** Public clamp bounds, fixed in config, never derived from the data. */
  lower: IntegerInput;
  upper: IntegerInput;
  epsilon: Rational;
  random?: RandomSource;
}

/** The largest change one learner can make to a sum of values clamped to [lower, upper]. */
export function boundedSumSensitivity(lower: bigint, upper: bigint): bigint {
  const a = absInteger(lower);
  const b = absInteger(upper);
  const s = a > b ? a : b;
  return s > 0n ? s : 1n;
}

/** sum(clamp(x_i, lower, upper)) + DLap(max(|lower|, |upper|) / epsilon). */
export function noisyBoundedSum(options: NoisyBoundedSumOptions): NoisyInteger & { readonly sensitivity: bigint } {
  const lower = toInteger(options.lower, 'lower');
  const upper = toInteger(options.upper, 'upper');
  let total = 0n;
  for (const v of options.perLearner) total += clampInteger(toInteger(v), lower, upper);
  const sensitivity = boundedSumSensitivity(lower, upper);
  return { ...addLaplaceNoise(total, sensitivity, options.epsilon, options.random), sensitivity };
}
