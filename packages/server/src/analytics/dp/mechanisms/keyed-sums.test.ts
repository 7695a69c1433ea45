import { describe, expect, it } from 'vitest';
import { createRandomSource } from '../random.ts';
import { rational } from '../rational.ts';
import { noisyHistogram, noisyKeyedSums } from './keyed-sums.ts';

const keys = ['art', 'maths', 'music'];

describe('per-key sums over public keys', () => {
  it('releases every public key, zero included, and drops keys that are not public', () => {
    const h = noisyHistogram({
      keys,
      contributions: [['maths', 'secret-club'], ['maths'], ['art']],
      maxKeysPerLearner: 2,
      noise: { kind: 'laplace', epsilon: rational(10_000n) },
      random: createRandomSource(),
    });
    expect([...h.values.keys()]).toEqual(keys);
    expect(h.values.has('secret-club')).toBe(false);
    expect(h.scale).toEqual(rational(2n, 10_000n));
    expect(h.values.get('maths')).toBe(2n);
    expect(h.values.get('music')).toBe(0n);
  });

  it('sizes Laplace noise at S * B / epsilon and Gaussian variance at S * B^2 / (2 rho)', () => {
    const base = { keys, contributions: [[{ key: 'art', value: 40n }]], maxKeysPerLearner: 5, lower: -50, upper: 50 };
    expect(noisyKeyedSums({ ...base, noise: { kind: 'laplace', epsilon: rational(1n, 10n) } }).scale).toEqual(rational(2500n));
    expect(noisyKeyedSums({ ...base, noise: { kind: 'gaussian', rho: rational(1n, 2n) } }).scale).toEqual(rational(12_500n));
  });

  it('refuses a learner above S keys or with two values for one key', () => {
    const noise = { kind: 'laplace', epsilon: rational(1n) } as const;
    expect(() => noisyHistogram({ keys, contributions: [['art', 'maths']], maxKeysPerLearner: 1, noise })).toThrow(RangeError);
    expect(() =>
      noisyKeyedSums({ keys, contributions: [[{ key: 'art', value: 1n }, { key: 'art', value: 2n }]], maxKeysPerLearner: 2, lower: 0, upper: 5, noise }),
    ).toThrow(RangeError);
    expect(() => noisyHistogram({ keys: ['a', 'a'], contributions: [], maxKeysPerLearner: 1, noise })).toThrow(RangeError);
  });
});
