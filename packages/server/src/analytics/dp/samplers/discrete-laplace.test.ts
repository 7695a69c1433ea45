import { describe, expect, it } from 'vitest';
import { createRandomSource } from '../random.ts';
import { rational } from '../rational.ts';
import type { Rational } from '../rational.ts';
import { binomialZ, discreteLaplaceMass, goodnessOfFit, integerBins } from '../testing/statistics.ts';
import { sampleDiscreteLaplace } from './discrete-laplace.ts';

const N = 200_000;
/** At most about 200 bins: fine enough for shape, coarse enough to see a 5% scale error at large b. */
const MIN_EXPECTED = Math.max(5, N / 200);

function draw(scale: Rational): number[] {
  const random = createRandomSource();
  const out = new Array<number>(N);
  for (let i = 0; i < N; i++) out[i] = Number(sampleDiscreteLaplace(random, scale));
  return out;
}

function fitAgainst(samples: readonly number[], b: number) {
  const mass = discreteLaplaceMass(b);
  return goodnessOfFit(samples, integerBins(mass, samples.length, MIN_EXPECTED), mass);
}

const SCALES: ReadonlyArray<readonly [string, Rational]> = [
  ['1/2', rational(1n, 2n)],
  ['1', rational(1n)],
  ['2', rational(2n)],
  ['200', rational(200n)],
  ['9600', rational(9600n)],
];

describe('discrete Laplace sampler', () => {
  describe.each(SCALES)('scale %s', (_, scale) => {
    const b = Number(scale.num) / Number(scale.den);
    const samples = draw(scale);

    it('fits the pmf (chi-square <= df + 6 sqrt(2 df))', () => {
      const fit = fitAgainst(samples, b);
      expect(fit.statistic).toBeLessThan(fit.critical);
    });

    it('negative control: the same samples fail against scale * 1.05', () => {
      const fit = fitAgainst(samples, b * 1.05);
      expect(fit.statistic).toBeGreaterThan(fit.critical);
    });

    it('is symmetric (#positive vs #negative, |z| <= 6)', () => {
      let positive = 0;
      let negative = 0;
      for (const x of samples) if (x > 0) positive++;
      else if (x < 0) negative++;
      expect(binomialZ(positive, positive + negative, 0.5)).toBeLessThanOrEqual(6);
      // Negative control: a shift by a tenth of the scale is caught by the same test.
      const shift = Math.ceil(b / 10);
      let shiftedPositive = 0;
      let shiftedNegative = 0;
      for (const x of samples) if (x + shift > 0) shiftedPositive++;
      else if (x + shift < 0) shiftedNegative++;
      expect(binomialZ(shiftedPositive, shiftedPositive + shiftedNegative, 0.5)).toBeGreaterThan(6);
    });
  });

  it('returns 0 for scale 0 and refuses negative scales', () => {
    const random = createRandomSource();
    expect(sampleDiscreteLaplace(random, rational(0n))).toBe(0n);
    expect(() => sampleDiscreteLaplace(random, { num: -1n, den: 1n })).toThrow(RangeError);
  });
});
