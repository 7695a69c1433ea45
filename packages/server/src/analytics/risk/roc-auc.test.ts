import { describe, it, expect } from 'vitest';
import fc from 'fast-check';
import { aucStandardError, rocAuc } from './roc-auc.ts';

/** The definition itself: share of positive/negative pairs ordered correctly, ties one half. */
function pairwiseAuc(scores: readonly number[], labels: readonly boolean[]): number {
  let wins = 0;
  let pairs = 0;
  scores.forEach((p, i) => {
    if (!labels[i]) return;
    scores.forEach((n, j) => {
      if (labels[j]) return;
      pairs++;
      wins += p > n ? 1 : p === n ? 0.5 : 0;
    });
  });
  return wins / pairs;
}

describe('rocAuc', () => {
  it('is 1 for a perfect ranking and 0 for an inverted one', () => {
    expect(rocAuc([0.9, 0.8, 0.3, 0.1], [true, true, false, false])).toBe(1);
    expect(rocAuc([0.1, 0.2, 0.7, 0.9], [true, true, false, false])).toBe(0);
  });

  it('is 0.5 when every score ties', () => {
    expect(rocAuc([0.4, 0.4, 0.4, 0.4, 0.4], [true, false, false, true, false])).toBe(0.5);
  });

  it('counts a tie between a positive and a negative as one half', () => {
    // Pairs (pos, neg): (0.8, 0.5) win, (0.8, 0.2) win, (0.5, 0.5) tie, (0.5, 0.2) win -> 3.5 / 4.
    expect(rocAuc([0.8, 0.5, 0.5, 0.2], [true, true, false, false])).toBe(0.875);
    // 2 positives (0.3, 0.6), 3 negatives (0.6, 0.1, 0.9): 0.3 beats 0.1 only; 0.6 ties 0.6, beats
    // 0.1 -> 1 + 1.5 = 2.5 of 6 pairs.
    expect(rocAuc([0.3, 0.6, 0.6, 0.1, 0.9], [true, true, false, false, false])).toBeCloseTo(2.5 / 6, 12);
  });

  it('is undefined (NaN) with one class only, and needs one label per score', () => {
    expect(rocAuc([0.1, 0.2], [true, true])).toBeNaN();
    expect(rocAuc([], [])).toBeNaN();
    expect(() => rocAuc([0.1], [true, false])).toThrow(RangeError);
  });

  it('equals the pairwise definition on any data', () => {
    const data = fc.array(fc.tuple(fc.integer({ min: 0, max: 6 }), fc.boolean()), { minLength: 2, maxLength: 60 })
      .filter((xs) => xs.some(([, l]) => l) && xs.some(([, l]) => !l));
    fc.assert(
      fc.property(data, (xs) => {
        const scores = xs.map(([s]) => s / 6);
        const labels = xs.map(([, l]) => l);
        expect(rocAuc(scores, labels)).toBeCloseTo(pairwiseAuc(scores, labels), 12);
      }),
    );
  });
});

describe('aucStandardError', () => {
  it('matches the Hanley-McNeil formula', () => {
    // AUC 0.8, 50 positives, 50 negatives: Q1 = 0.8/1.2, Q2 = 1.28/1.8.
    const q1 = 0.8 / 1.2;
    const q2 = 1.28 / 1.8;
    const expected = Math.sqrt((0.8 * 0.2 + 49 * (q1 - 0.64) + 49 * (q2 - 0.64)) / 2500);
    expect(aucStandardError(0.8, 50, 50)).toBeCloseTo(expected, 12);
    expect(aucStandardError(0.8, 50, 50)).toBeCloseTo(0.0442, 3);
  });
  it('shrinks with more data and is undefined without a class', () => {
    expect(aucStandardError(0.7, 400, 400)).toBeLessThan(aucStandardError(0.7, 40, 40));
    expect(aucStandardError(0.7, 0, 10)).toBeNaN();
  });
});
