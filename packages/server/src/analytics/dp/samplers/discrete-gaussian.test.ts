import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createRandomSource } from '../random.ts';
import { rational } from '../rational.ts';
import type { Rational } from '../rational.ts';
import { binomialZ, discreteGaussianMass, goodnessOfFit, integerBins } from '../testing/statistics.ts';
import { isqrt, sampleDiscreteGaussian } from './discrete-gaussian.ts';

const N = 200_000;

function draw(sigma2: Rational): number[] {
  const random = createRandomSource();
  const out = new Array<number>(N);
  for (let i = 0; i < N; i++) out[i] = Number(sampleDiscreteGaussian(random, sigma2));
  return out;
}

function fitAgainst(samples: readonly number[], s2: number) {
  const mass = discreteGaussianMass(s2);
  return goodnessOfFit(samples, integerBins(mass, samples.length, 5), mass);
}

const VARIANCES: ReadonlyArray<readonly [string, Rational]> = [
  ['1', rational(1n)],
  ['5/2', rational(5n, 2n)],
  ['9/4', rational(9n, 4n)],
  ['4', rational(4n)],
  ['100', rational(100n)],
];

describe('discrete Gaussian sampler', () => {
  describe.each(VARIANCES)('variance %s', (_, sigma2) => {
    const s2 = Number(sigma2.num) / Number(sigma2.den);
    const samples = draw(sigma2);

    it('fits the pmf (chi-square <= df + 6 sqrt(2 df))', () => {
      const fit = fitAgainst(samples, s2);
      expect(fit.statistic).toBeLessThan(fit.critical);
    });

    it('negative control: the same samples fail against variance * 1.1', () => {
      const fit = fitAgainst(samples, s2 * 1.1);
      expect(fit.statistic).toBeGreaterThan(fit.critical);
    });

    it('is symmetric', () => {
      let positive = 0;
      let negative = 0;
      for (const x of samples) if (x > 0) positive++;
      else if (x < 0) negative++;
      expect(binomialZ(positive, positive + negative, 0.5)).toBeLessThanOrEqual(6);
    });
  });

  it('isqrt is the exact integer square root', () => {
    fc.assert(
      fc.property(fc.bigInt(0n, 2n ** 200n), (n) => {
        const r = isqrt(n);
        expect(r * r <= n && (r + 1n) * (r + 1n) > n).toBe(true);
      }),
    );
    expect(isqrt(0n)).toBe(0n);
    expect(isqrt(1n)).toBe(1n);
    expect(isqrt(99n)).toBe(9n);
    expect(isqrt(100n)).toBe(10n);
  });

  it('returns 0 for variance 0', () => {
    expect(sampleDiscreteGaussian(createRandomSource(), rational(0n))).toBe(0n);
  });
});
