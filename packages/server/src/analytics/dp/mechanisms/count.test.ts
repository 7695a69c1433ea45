import { describe, expect, it } from 'vitest';
import { createRandomSource } from '../random.ts';
import { rational } from '../rational.ts';
import { createSeededRandomFill } from '../testing/seeded-random-fill.ts';
import { noisyCount } from './count.ts';
import { laplaceScale } from './laplace-noise.ts';

describe('noisy count', () => {
  it('uses scale sensitivity / epsilon', () => {
    expect(laplaceScale(1n, rational(1n, 5n))).toEqual(rational(5n));
    expect(laplaceScale(20n, rational(1n, 10n))).toEqual(rational(200n));
    expect(noisyCount({ count: 7, epsilon: rational(2n) }).scale).toEqual(rational(1n, 2n));
  });

  it('is unbiased: the mean of many draws is the true count', () => {
    const random = createRandomSource({ fill: createSeededRandomFill('count-mean') });
    const n = 20_000;
    let total = 0;
    for (let i = 0; i < n; i++) total += Number(noisyCount({ count: 40, epsilon: rational(1n), random }).value);
    // std of DLap(1) is about 1.31; 6 standard errors
    expect(Math.abs(total / n - 40)).toBeLessThan((6 * 1.31) / Math.sqrt(n));
  });

  it('refuses negative or fractional counts and non-positive epsilon or sensitivity', () => {
    expect(() => noisyCount({ count: -1, epsilon: rational(1n) })).toThrow(RangeError);
    expect(() => noisyCount({ count: 1.5, epsilon: rational(1n) })).toThrow(RangeError);
    expect(() => noisyCount({ count: 1, epsilon: rational(0n) })).toThrow(RangeError);
    expect(() => noisyCount({ count: 1, sensitivity: 0, epsilon: rational(1n) })).toThrow(RangeError);
  });
});
