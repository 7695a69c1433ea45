import { toInteger } from '../integers.ts';
import type { IntegerInput } from '../integers.ts';
import type { RandomSource } from '../random.ts';
import type { Rational } from '../rational.ts';
import { addLaplaceNoise } from './laplace-noise.ts';
import type { NoisyInteger } from './laplace-noise.ts';

export interface NoisyCountOptions {
  /** The true count, already contribution-bounded (e.g. distinct learners, or sessions with at most m per learner). */
  count: IntegerInput;
  /** How much one learner can move the count: 1 for distinct learners, m for sessions. */
  sensitivity?: IntegerInput;
  epsilon: Rational;
  random?: RandomSource;
}

/** count + DLap(sensitivity / epsilon). */
export function noisyCount(options: NoisyCountOptions): NoisyInteger {
  const count = toInteger(options.count, 'count');
  if (count < 0n) throw new RangeError('a count cannot be negative');
  return addLaplaceNoise(count, toInteger(options.sensitivity ?? 1, 'sensitivity'), options.epsilon, options.random);
}
