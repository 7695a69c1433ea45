import { describe, expect, it } from 'vitest';
import { createRandomSource } from '../random.ts';
import { rational } from '../rational.ts';
import { createSeededRandomFill } from '../testing/seeded-random-fill.ts';
import { boundedSumSensitivity, noisyBoundedSum } from './bounded-sum.ts';

describe('noisy bounded sum', () => {
  it('clamps each learner total and sizes the noise by the larger bound', () => {
    expect(boundedSumSensitivity(0n, 600n)).toBe(600n);
    expect(boundedSumSensitivity(-50n, 20n)).toBe(50n);
    const s = noisyBoundedSum({ perLearner: [100, 900, -5], lower: 0, upper: 600, epsilon: rational(1n, 5n) });
    expect(s.scale).toEqual(rational(3000n));
    expect(s.sensitivity).toBe(600n);
  });

  it('centres on the clamped total', () => {
    const random = createRandomSource({ fill: createSeededRandomFill('sum-mean') });
    const n = 20_000;
    let total = 0;
    // clamped: 100 + 600 + 0 = 700; scale 600 / 100 = 6, std about 8.5
    for (let i = 0; i < n; i++) total += Number(noisyBoundedSum({ perLearner: [100, 900, -5], lower: 0, upper: 600, epsilon: rational(100n), random }).value);
    expect(Math.abs(total / n - 700)).toBeLessThan((6 * 8.5) / Math.sqrt(n));
  });

  it('refuses floats', () => {
    expect(() => noisyBoundedSum({ perLearner: [1.5], lower: 0, upper: 10, epsilon: rational(1n) })).toThrow(RangeError);
  });
});
