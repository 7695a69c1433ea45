import { describe, expect, it } from 'vitest';
import { createRandomSource } from '../random.ts';
import { binomialZ } from '../testing/statistics.ts';
import { sampleBernoulli, sampleBernoulliExp } from './bernoulli.ts';

const N = 200_000;

function frequencyOfExp(num: bigint, den: bigint): number {
  const random = createRandomSource();
  let hits = 0;
  for (let i = 0; i < N; i++) if (sampleBernoulliExp(random, num, den)) hits++;
  return hits;
}

describe('Bernoulli samplers', () => {
  it.each([
    [0n, 1n],
    [1n, 3n],
    [1n, 2n],
    [1n, 1n],
    [5n, 2n],
    [7n, 1n],
  ])('Bernoulli(exp(-%i/%i)) has the right frequency (|z| <= 6)', (num, den) => {
    const p = Math.exp(-Number(num) / Number(den));
    const hits = frequencyOfExp(num, den);
    if (p === 1) expect(hits).toBe(N);
    else expect(binomialZ(hits, N, p)).toBeLessThanOrEqual(6);
  });

  it('negative control: exp(-1/2) tested against exp(-0.55) fails', () => {
    expect(binomialZ(frequencyOfExp(1n, 2n), N, Math.exp(-0.55))).toBeGreaterThan(6);
  });

  it('Bernoulli(num/den) is exact at the edges and fits in the middle', () => {
    const random = createRandomSource();
    let hits = 0;
    let edgeErrors = 0;
    for (let i = 0; i < N; i++) {
      if (sampleBernoulli(random, 0n, 3n) || !sampleBernoulli(random, 3n, 3n)) edgeErrors++;
      if (sampleBernoulli(random, 2n, 7n)) hits++;
    }
    expect(edgeErrors).toBe(0);
    expect(binomialZ(hits, N, 2 / 7)).toBeLessThanOrEqual(6);
  });

  it('refuses parameters outside [0, 1] and negative exponents', () => {
    const random = createRandomSource();
    expect(() => sampleBernoulli(random, 4n, 3n)).toThrow(RangeError);
    expect(() => sampleBernoulli(random, -1n, 3n)).toThrow(RangeError);
    expect(() => sampleBernoulliExp(random, -1n, 3n)).toThrow(RangeError);
    expect(() => sampleBernoulliExp(random, 1n, 0n)).toThrow(RangeError);
  });
});
