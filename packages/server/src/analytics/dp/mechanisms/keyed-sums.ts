import type { KeyedValue } from '../contribution-bounding.ts';
import { absInteger, clampInteger, toInteger } from '../integers.ts';
import type { IntegerInput } from '../integers.ts';
import type { RandomSource } from '../random.ts';
import { defaultRandomSource } from '../random.ts';
import { div, isPositive, rational } from '../rational.ts';
import type { Rational } from '../rational.ts';
import { sampleDiscreteGaussian } from '../samplers/discrete-gaussian.ts';
import { sampleDiscreteLaplace } from '../samplers/discrete-laplace.ts';

/**
 * Per-key sums over a public key set (subjects, courses, weeks from the catalog), every key
 * released, zero keys included: the key set itself must not depend on the data. A learner touches
 * at most S keys with one value each, clamped to [lower, upper]. Counts are the case value = 1.
 */
export type KeyedNoise =
  /** Pure epsilon-DP: discrete Laplace with scale S * B / epsilon per key (L1 sensitivity S * B). */
  | { readonly kind: 'laplace'; readonly epsilon: Rational }
  /** rho-zCDP: discrete Gaussian with variance S * B^2 / (2 rho) per key (squared L2 sensitivity S * B^2). */
  | { readonly kind: 'gaussian'; readonly rho: Rational };

export interface NoisyKeyedSumsOptions {
  keys: readonly string[];
  /** One array per learner of (key, value), at most S distinct keys. Keys outside `keys` are dropped. */
  contributions: readonly (readonly KeyedValue[])[];
  maxKeysPerLearner: number;
  lower: IntegerInput;
  upper: IntegerInput;
  noise: KeyedNoise;
  random?: RandomSource;
}

export interface NoisyKeyedSums {
  readonly values: ReadonlyMap<string, bigint>;
  readonly noise: KeyedNoise;
  /** Laplace scale b, or Gaussian variance sigma^2. */
  readonly scale: Rational;
  /** Largest |value| one learner adds to one key. */
  readonly valueBound: bigint;
}

export function noisyKeyedSums(options: NoisyKeyedSumsOptions): NoisyKeyedSums {
  const lower = toInteger(options.lower, 'lower');
  const upper = toInteger(options.upper, 'upper');
  const s = options.maxKeysPerLearner;
  if (!Number.isSafeInteger(s) || s < 1) throw new RangeError('maxKeysPerLearner must be an integer >= 1');
  const keys = new Set(options.keys);
  if (keys.size !== options.keys.length) throw new RangeError('public keys must be distinct');

  const totals = new Map<string, bigint>(options.keys.map((k) => [k, 0n]));
  for (const learner of options.contributions) {
    const seen = new Set<string>();
    for (const { key } of learner) seen.add(key);
    // The noise is sized for S keys and one value per key: refuse input that breaks either.
    if (seen.size !== learner.length) throw new RangeError('a learner has two values for one key');
    if (seen.size > s) throw new RangeError(`a learner touches ${seen.size} keys, more than the bound ${s}`);
    for (const { key, value } of learner) {
      const total = totals.get(key);
      if (total === undefined) continue; // not a public key: never let the data create one
      totals.set(key, total + clampInteger(value, lower, upper));
    }
  }

  const bigS = BigInt(s);
  const a = absInteger(lower);
  const b = absInteger(upper);
  const valueBound = a > b ? a : b > 0n ? b : 1n;
  const random = options.random ?? defaultRandomSource();
  let scale: Rational;
  let draw: () => bigint;
  if (options.noise.kind === 'laplace') {
    if (!isPositive(options.noise.epsilon)) throw new RangeError('epsilon must be > 0');
    scale = div(rational(bigS * valueBound), options.noise.epsilon);
    draw = () => sampleDiscreteLaplace(random, scale);
  } else {
    if (!isPositive(options.noise.rho)) throw new RangeError('rho must be > 0');
    scale = div(rational(bigS * valueBound * valueBound), rational(2n * options.noise.rho.num, options.noise.rho.den));
    draw = () => sampleDiscreteGaussian(random, scale);
  }
  // Keys in catalog order, so the order of draws never depends on the data.
  const values = new Map<string, bigint>();
  for (const key of options.keys) values.set(key, totals.get(key)! + draw());
  return { values, noise: options.noise, scale, valueBound };
}

export interface NoisyHistogramOptions {
  keys: readonly string[];
  /** One array of keys per learner (at most S distinct); each learner counts once per key. */
  contributions: readonly (readonly string[])[];
  maxKeysPerLearner: number;
  noise: KeyedNoise;
  random?: RandomSource;
}

/** Distinct learners per public key. */
export function noisyHistogram(options: NoisyHistogramOptions): NoisyKeyedSums {
  return noisyKeyedSums({
    keys: options.keys,
    contributions: options.contributions.map((keys) => keys.map((key) => ({ key, value: 1n }))),
    maxKeysPerLearner: options.maxKeysPerLearner,
    lower: 0,
    upper: 1,
    noise: options.noise,
    ...(options.random ? { random: options.random } : {}),
  });
}
