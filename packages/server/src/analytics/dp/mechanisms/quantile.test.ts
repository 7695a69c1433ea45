import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createRandomSource } from '../random.ts';
import { rational, toNumber } from '../rational.ts';
import type { Rational } from '../rational.ts';
import { permuteAndFlipPmf } from '../testing/permute-and-flip-pmf.ts';
import { MEDIAN, noisyQuantile, quantileScores, quantileScoreSensitivity } from './quantile.ts';

const sort = (xs: bigint[]) => [...xs].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));

function bruteScores(values: bigint[], candidates: bigint[], alpha: Rational): bigint[] {
  return candidates.map((c) => {
    const lt = BigInt(values.filter((v) => v < c).length);
    const gt = BigInt(values.filter((v) => v > c).length);
    const d = (alpha.den - alpha.num) * lt - alpha.num * gt;
    return d < 0n ? d : -d;
  });
}

describe('quantile mechanism', () => {
  it('scores match a direct count (property)', () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: -20, max: 20 }), { maxLength: 30 }),
        fc.uniqueArray(fc.integer({ min: -25, max: 25 }), { minLength: 1, maxLength: 15 }),
        fc.integer({ min: 1, max: 9 }),
        (values, candidates, alphaNum) => {
          const v = sort(values.map(BigInt));
          const c = sort(candidates.map(BigInt));
          const alpha = rational(BigInt(alphaNum), 10n);
          expect(quantileScores(v, c, alpha)).toEqual(bruteScores(v, c, alpha));
        },
      ),
    );
  });

  it('uses sensitivity m * max(num, den - num) and scale 2 * sensitivity / epsilon', () => {
    expect(quantileScoreSensitivity(MEDIAN)).toBe(1n);
    expect(quantileScoreSensitivity(rational(1n, 4n))).toBe(3n);
    const q = noisyQuantile({ contributions: [[1, 2], [3]], candidates: [0, 1, 2, 3], maxContributionsPerLearner: 2, epsilon: rational(1n, 10n) });
    expect(q.sensitivity).toBe(2n);
    expect(q.scale).toEqual(rational(40n));
  });

  it('finds the median at a large epsilon', () => {
    const contributions = [10, 20, 30, 40, 50, 60, 70].map((v) => [v]);
    const candidates = Array.from({ length: 81 }, (_, i) => i);
    const q = noisyQuantile({ contributions, candidates, maxContributionsPerLearner: 1, epsilon: rational(1000n), random: createRandomSource() });
    expect(q.value).toBe(40n);
  });

  it('refuses a learner above m, unsorted candidates and alpha outside (0, 1)', () => {
    const base = { candidates: [0, 1], maxContributionsPerLearner: 1, epsilon: rational(1n) };
    expect(() => noisyQuantile({ ...base, contributions: [[0, 1]] })).toThrow(RangeError);
    expect(() => noisyQuantile({ ...base, contributions: [[0]], candidates: [1, 0] })).toThrow(RangeError);
    expect(() => noisyQuantile({ ...base, contributions: [[0]], alpha: rational(1n) })).toThrow(RangeError);
  });

  /**
   * Exact privacy check of the median mechanism: over every data set of up to 3 values on a small
   * grid and every neighbour (one value added), the permute-and-flip output probabilities at the
   * mechanism's scale differ by at most e^epsilon. A scale without the factor 2 must break it.
   */
  it('has output ratios <= e^epsilon on all small neighbouring data sets; half the scale breaks it', () => {
    const epsilon = rational(1n);
    const candidates = [0n, 1n, 2n, 3n, 4n];
    const grid = [0n, 1n, 2n, 3n, 4n];
    const datasets: bigint[][] = [[]];
    for (let size = 1; size <= 3; size++) {
      for (const prev of datasets.filter((d) => d.length === size - 1)) for (const v of grid) if (prev.length === 0 || v >= prev[prev.length - 1]!) datasets.push([...prev, v]);
    }
    const { scale } = noisyQuantile({ contributions: [], candidates, maxContributionsPerLearner: 1, epsilon });
    let worst = 0;
    let worstHalf = 0;
    for (const d of datasets) {
      for (const added of grid) {
        const a = quantileScores(d, candidates, MEDIAN).map(Number);
        const b = quantileScores(sort([...d, added]), candidates, MEDIAN).map(Number);
        for (const [s, record] of [
          [toNumber(scale), (r: number) => (worst = Math.max(worst, r))],
          [toNumber(scale) / 2, (r: number) => (worstHalf = Math.max(worstHalf, r))],
        ] as const) {
          const pa = permuteAndFlipPmf(a, s);
          const pb = permuteAndFlipPmf(b, s);
          pa.forEach((p, i) => record(Math.abs(Math.log(p / pb[i]!))));
        }
      }
    }
    expect(worst).toBeLessThanOrEqual(toNumber(epsilon) + 1e-9);
    expect(worstHalf).toBeGreaterThan(toNumber(epsilon) + 0.05);
  });
});
