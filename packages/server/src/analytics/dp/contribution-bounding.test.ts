import { describe, expect, it } from 'vitest';
import { boundKeysPerLearner, boundRowsPerLearner, perLearnerTotals, sampleWithoutReplacement } from './contribution-bounding.ts';
import { createRandomSource } from './random.ts';
import { pearson } from './testing/statistics.ts';

describe('contribution bounding', () => {
  it('keeps a uniformly random k-subset (chi-square over the 6 subsets of 2 out of 4)', () => {
    const random = createRandomSource();
    const n = 60_000;
    const counts = new Map<string, number>();
    for (let i = 0; i < n; i++) {
      const key = sampleWithoutReplacement(random, ['a', 'b', 'c', 'd'], 2).join('');
      counts.set(key, (counts.get(key) ?? 0) + 1);
    }
    expect([...counts.keys()].sort()).toEqual(['ab', 'ac', 'ad', 'bc', 'bd', 'cd']);
    const fit = pearson([...counts.values()], [...counts.values()].map(() => n / 6));
    expect(fit.statistic).toBeLessThan(fit.critical);
  });

  it('keeps at most m rows per learner', () => {
    const rows = [
      ...Array.from({ length: 30 }, (_, i) => ({ learner: 'a', i })),
      ...Array.from({ length: 3 }, (_, i) => ({ learner: 'b', i })),
    ];
    const bounded = boundRowsPerLearner(rows, { learnerOf: (r) => r.learner, maxRowsPerLearner: 20, random: createRandomSource() });
    expect(bounded.map((l) => l.length).sort((x, y) => x - y)).toEqual([3, 20]);
    expect(new Set(bounded.flat().filter((r) => r.learner === 'a').map((r) => r.i)).size).toBe(20);
  });

  it('keeps at most S distinct keys per learner with one value each', () => {
    const rows = ['art', 'maths', 'maths', 'music', 'history', 'art'].map((subject, i) => ({ learner: 'a', subject, score: i }));
    const bounded = boundKeysPerLearner(rows, {
      learnerOf: (r) => r.learner,
      keyOf: (r) => r.subject,
      valueOf: (r) => r.score,
      maxKeysPerLearner: 3,
      random: createRandomSource(),
    });
    expect(bounded).toHaveLength(1);
    const keys = bounded[0]!.map((v) => v.key);
    expect(keys).toHaveLength(3);
    expect(new Set(keys).size).toBe(3);
  });

  it('clamps each learner total, not each row', () => {
    const rows = [
      { learner: 'a', minutes: 400 },
      { learner: 'a', minutes: 400 },
      { learner: 'b', minutes: 30 },
    ];
    const totals = perLearnerTotals(rows, { learnerOf: (r) => r.learner, valueOf: (r) => r.minutes, lower: 0, upper: 600 });
    expect(totals).toEqual([600n, 30n]);
    expect(() => perLearnerTotals([{ learner: 'a', minutes: 1.5 }], { learnerOf: (r) => r.learner, valueOf: (r) => r.minutes, lower: 0, upper: 600 })).toThrow(RangeError);
  });
});
