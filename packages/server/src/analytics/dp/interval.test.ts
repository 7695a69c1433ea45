import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { gaussianHalfWidth, integerInterval, laplaceHalfWidth, meanInterval } from './interval.ts';
import { rational } from './rational.ts';
import { discreteGaussianMass, discreteLaplaceMass } from './testing/statistics.ts';

describe('95% intervals', () => {
  it('match the published examples for discrete Laplace: b = 1, 2, 10 give 3, 6, 30', () => {
    expect(laplaceHalfWidth(rational(1n))).toBe(3);
    expect(laplaceHalfWidth(rational(2n))).toBe(6);
    expect(laplaceHalfWidth(rational(10n))).toBe(30);
    expect(laplaceHalfWidth(rational(0n))).toBe(0);
  });

  it('are the smallest half-width with at least the coverage (Laplace, property)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 20_000 }), fc.integer({ min: 1, max: 8 }), (num, den) => {
        const h = laplaceHalfWidth(rational(BigInt(num), BigInt(den)));
        const mass = discreteLaplaceMass(num / den);
        expect(mass(-h, h)).toBeGreaterThanOrEqual(0.95 - 1e-9);
        if (h > 0) expect(mass(-(h - 1), h - 1)).toBeLessThan(0.95 + 1e-9);
      }),
    );
  });

  it('are the smallest half-width with at least the coverage (Gaussian)', () => {
    for (const [num, den] of [[1n, 1n], [5n, 2n], [9n, 4n], [100n, 1n], [12_345n, 7n]] as const) {
      const h = gaussianHalfWidth(rational(num, den));
      const mass = discreteGaussianMass(Number(num) / Number(den));
      expect(mass(-h, h)).toBeGreaterThanOrEqual(0.95 - 1e-9);
      expect(mass(-(h - 1), h - 1)).toBeLessThan(0.95);
    }
    expect(gaussianHalfWidth(rational(1n))).toBe(2);
  });

  it('intersect a count interval with [0, infinity)', () => {
    expect(integerInterval(2, 6, 0)).toEqual({ low: 0, high: 8 });
    expect(integerInterval(-9, 6, 0)).toEqual({ low: 0, high: 0 });
    expect(integerInterval(-9, 6)).toEqual({ low: -15, high: -3 });
  });

  it('bound a mean by the extremes of the sum and count boxes, within the value bounds', () => {
    const i = meanInterval({ midpoint: 50, centeredSum: 100, count: 10, sumHalfWidth: 50, countHalfWidth: 2, lower: 0, upper: 100 });
    expect(i.low).toBeCloseTo(50 + 50 / 12);
    expect(i.high).toBeCloseTo(50 + 150 / 8);
    const wide = meanInterval({ midpoint: 50, centeredSum: 0, count: 1, sumHalfWidth: 1000, countHalfWidth: 5, lower: 0, upper: 100 });
    expect(wide).toEqual({ low: 0, high: 100 });
  });
});
