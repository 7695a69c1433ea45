import { describe, expect, it } from 'vitest';
import { createRandomSource } from '../random.ts';
import { rational } from '../rational.ts';
import { permuteAndFlipPmf } from '../testing/permute-and-flip-pmf.ts';
import { pearson } from '../testing/statistics.ts';
import { samplePermuteAndFlip } from './permute-and-flip.ts';

const N = 200_000;

function frequencies(scores: readonly bigint[], scaleNum: bigint, scaleDen: bigint): number[] {
  const random = createRandomSource();
  const counts = scores.map(() => 0);
  for (let i = 0; i < N; i++) counts[samplePermuteAndFlip(random, scores, rational(scaleNum, scaleDen))]!++;
  return counts;
}

describe('permute-and-flip', () => {
  it('the exact pmf sums to 1 and matches enumeration of all orders for 3 candidates', () => {
    const scores = [0, -1, -3];
    const pmf = permuteAndFlipPmf(scores, 2);
    expect(pmf.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 12);
    const p = scores.map((s) => Math.exp(-(0 - s) / 2));
    const orders = [[0, 1, 2], [0, 2, 1], [1, 0, 2], [1, 2, 0], [2, 0, 1], [2, 1, 0]];
    const enumerated = [0, 0, 0];
    for (const order of orders) {
      let reach = 1 / orders.length;
      for (const i of order) {
        enumerated[i]! += reach * p[i]!;
        reach *= 1 - p[i]!;
      }
    }
    enumerated.forEach((v, i) => expect(pmf[i]).toBeCloseTo(v, 12));
  });

  it('matches its exact pmf (chi-square)', () => {
    const scores = [-4n, -1n, 0n, -2n, -6n, -1n];
    const counts = frequencies(scores, 3n, 2n);
    const fit = pearson(counts, permuteAndFlipPmf(scores.map(Number), 1.5).map((p) => p * N));
    expect(fit.statistic).toBeLessThan(fit.critical);
  });

  it('negative control: the same draws fail against the pmf at scale * 1.1', () => {
    const scores = [-4n, -1n, 0n, -2n, -6n, -1n];
    const counts = frequencies(scores, 3n, 2n);
    const fit = pearson(counts, permuteAndFlipPmf(scores.map(Number), 1.65).map((p) => p * N));
    expect(fit.statistic).toBeGreaterThan(fit.critical);
  });

  it('always picks the single candidate, and refuses bad input', () => {
    const random = createRandomSource();
    expect(samplePermuteAndFlip(random, [5n], rational(1n))).toBe(0);
    expect(() => samplePermuteAndFlip(random, [], rational(1n))).toThrow(RangeError);
    expect(() => samplePermuteAndFlip(random, [1n], rational(0n))).toThrow(RangeError);
  });
});
