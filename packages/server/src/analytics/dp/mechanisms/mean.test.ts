import { describe, expect, it } from 'vitest';
import { createRandomSource } from '../random.ts';
import { rational } from '../rational.ts';
import { meanFromNoisy, midpointOf, noisyMean } from './mean.ts';

describe('normalized-sum mean', () => {
  it('needs bounds with an even sum', () => {
    expect(midpointOf(0n, 100n)).toBe(50n);
    expect(() => midpointOf(0n, 99n)).toThrow(RangeError);
  });

  it('sizes the count at m / eps_c and the centred sum at m (U - L) / 2 / eps_s', () => {
    const mean = noisyMean({
      contributions: [[10, 20], [30]],
      lower: 0,
      upper: 10_800,
      maxContributionsPerLearner: 20,
      sumEpsilon: rational(1n, 10n),
      count: { epsilon: rational(1n, 10n) },
    });
    expect(mean.noisyCount.scale).toEqual(rational(200n));
    expect(mean.noisyCenteredSum.scale).toEqual(rational(1_080_000n));
    expect(mean.countReused).toBe(false);
  });

  it('divides by a reused released count without drawing a new one', () => {
    const mean = noisyMean({
      contributions: [[60], [80]],
      lower: 0,
      upper: 100,
      maxContributionsPerLearner: 1,
      sumEpsilon: rational(1000n),
      count: { reuse: { value: 2n, scale: rational(5n) } },
      random: createRandomSource(),
    });
    expect(mean.countReused).toBe(true);
    expect(mean.noisyCount.value).toBe(2n);
    expect(Math.abs(mean.mean - 70)).toBeLessThan(1);
  });

  it('post-processing clamps to the bounds and never divides by less than 1', () => {
    expect(meanFromNoisy(50n, 500n, 0n, 0n, 100n)).toBe(100);
    expect(meanFromNoisy(50n, -30n, -4n, 0n, 100n)).toBe(20);
    expect(meanFromNoisy(50n, 10n, 4n, 0n, 100n)).toBe(52.5);
  });

  it('refuses a learner with more than m values', () => {
    expect(() =>
      noisyMean({ contributions: [[1, 2]], lower: 0, upper: 10, maxContributionsPerLearner: 1, sumEpsilon: rational(1n), count: { epsilon: rational(1n) } }),
    ).toThrow(RangeError);
  });
});
