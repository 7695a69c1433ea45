import { randomFillSync } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { createRandomSource, defaultRandomFill } from './random.ts';
import type { RandomSource } from './random.ts';
import { createScriptedRandomFill } from './testing/seeded-random-fill.ts';
import { pearson } from './testing/statistics.ts';

const N = 200_000;

function uniformFit(draw: () => number, n: number, bins = n) {
  const observed = new Array<number>(bins).fill(0);
  for (let i = 0; i < N; i++) observed[Math.floor((draw() * bins) / n)]!++;
  return pearson(observed, new Array<number>(bins).fill(N / bins));
}

describe('randomness source', () => {
  it('defaults to the OS CSPRNG', () => {
    expect(defaultRandomFill).toBe(randomFillSync);
  });

  it('uses the injected fill and rejects values >= n instead of reducing modulo n', () => {
    // n = 5 needs 3 bits: a byte is shifted right by 5. 0xff -> 7 and 0xc0 -> 6 are rejected, 0x60 -> 3 is kept.
    const random = createRandomSource({ fill: createScriptedRandomFill([0xff, 0xc0, 0x60, 0x00]), poolSize: 1 });
    expect(random.uniformBelow(5n)).toBe(3n);
    expect(random.uniformBelow(5n)).toBe(0n);
  });

  it('refuses n < 1 and returns 0 for n = 1 without drawing', () => {
    const random = createRandomSource({ fill: createScriptedRandomFill([]) });
    expect(random.uniformBelow(1n)).toBe(0n);
    expect(() => random.uniformBelow(0n)).toThrow(RangeError);
  });

  it.each([2, 3, 7, 255, 256, 257])('uniformBelow(%i) fits the uniform distribution (chi-square)', (n) => {
    const random = createRandomSource();
    const fit = uniformFit(() => Number(random.uniformBelow(BigInt(n))), n);
    expect(fit.statistic).toBeLessThan(fit.critical);
  });

  it('uniformBelow(2^53 + 1) is uniform over 64 equal slices', () => {
    const random = createRandomSource();
    const n = 2n ** 53n + 1n;
    const observed = new Array<number>(64).fill(0);
    for (let i = 0; i < N; i++) observed[Number((random.uniformBelow(n) * 64n) / n)]!++;
    const fit = pearson(observed, new Array<number>(64).fill(N / 64));
    expect(fit.statistic).toBeLessThan(fit.critical);
  });

  it('negative control: the same test catches the modulo bias of byte % 255', () => {
    const random: RandomSource = createRandomSource();
    const fit = uniformFit(() => random.byte() % 255, 255);
    expect(fit.statistic).toBeGreaterThan(fit.critical);
  });
});
