import { describe, it, expect } from 'vitest';
import fc from 'fast-check';
import { isEbbError } from '../../core/errors.ts';
import { atRisk, createDropoutRiskScorer, DEFAULT_RISK_WEIGHTS, engagementLevel, scoreDropoutRisk } from './dropout-risk.ts';
import type { LearnerActivitySummary } from './risk-factors.ts';

const engaged: LearnerActivitySummary = {
  windowDays: 28,
  daysSinceLastActivity: 0,
  activeDays: 20,
  sessions: 25,
  totalSessionSeconds: 25 * 20 * 60,
  questsStarted: 5,
  questsCompleted: 5,
  currentStreakDays: 9,
};

const gone: LearnerActivitySummary = {
  windowDays: 28,
  daysSinceLastActivity: null,
  activeDays: 0,
  sessions: 0,
  totalSessionSeconds: 0,
  questsStarted: 3,
  questsCompleted: 0,
  currentStreakDays: 0,
};

describe('weights', () => {
  it('default to the seed weights, which sum to 1', () => {
    expect(DEFAULT_RISK_WEIGHTS).toEqual({ days_inactive: 0.4, login_frequency: 0.25, quest_completion: 0.2, session_duration: 0.1, streak: 0.05 });
    expect(Object.values(DEFAULT_RISK_WEIGHTS).reduce((a, b) => a + b, 0)).toBeCloseTo(1, 12);
    const { factors } = scoreDropoutRisk(engaged);
    expect(factors.map((f) => [f.name, f.weight])).toEqual(Object.entries(DEFAULT_RISK_WEIGHTS));
  });

  it('are normalised when configured on another scale', () => {
    const { factors, score } = scoreDropoutRisk(gone, { weights: { days_inactive: 1, login_frequency: 1, quest_completion: 0, session_duration: 0, streak: 0 } });
    expect(factors.find((f) => f.name === 'days_inactive')?.weight).toBe(0.5);
    expect(factors.reduce((a, f) => a + f.weight, 0)).toBeCloseTo(1, 12);
    expect(score).toBe(1);
  });

  it('reject negative, non-finite or all-zero weights as invalid configuration', () => {
    for (const weights of [{ streak: -0.1 }, { streak: Number.NaN }, { days_inactive: 0, login_frequency: 0, quest_completion: 0, session_duration: 0, streak: 0 }]) {
      let thrown: unknown;
      try { createDropoutRiskScorer({ weights }); } catch (e) { thrown = e; }
      expect(isEbbError(thrown) && thrown.code).toBe('EBB_CONFIG_INVALID');
    }
    expect(() => createDropoutRiskScorer({ parameters: { targetStreakDays: -1 } })).toThrow(/targetStreakDays/);
  });
});

describe('scoreDropoutRisk', () => {
  it('scores an engaged learner 0 and a learner who never came back 1', () => {
    expect(scoreDropoutRisk(engaged)).toMatchObject({ score: 0, level: 'high' });
    expect(scoreDropoutRisk(gone)).toMatchObject({ score: 1, level: 'at_risk' });
  });

  it('explains the score: raw value, risk and contribution per factor', () => {
    const r = scoreDropoutRisk({ ...engaged, daysSinceLastActivity: 7, activeDays: 6, questsStarted: 0, questsCompleted: 0 });
    expect(r.factors).toEqual([
      { name: 'days_inactive', weight: 0.4, value: 7, risk: 0.5, contribution: 0.2 },
      { name: 'login_frequency', weight: 0.25, value: 1.5, risk: 0.5, contribution: 0.125 },
      { name: 'quest_completion', weight: 0.2, value: null, risk: 0.5, contribution: 0.1 },
      { name: 'session_duration', weight: 0.1, value: 20, risk: 0, contribution: 0 },
      { name: 'streak', weight: 0.05, value: 9, risk: 0, contribution: 0 },
    ]);
    expect(r.score).toBeCloseTo(0.425, 12);
    expect(r.level).toBe('medium');
  });

  it('has contributions that sum to the score, which stays in [0, 1]', () => {
    const summary = fc.record({
      windowDays: fc.integer({ min: 1, max: 90 }),
      daysSinceLastActivity: fc.option(fc.integer({ min: 0, max: 200 }), { nil: null }),
      activeDays: fc.integer({ min: 0, max: 90 }),
      sessions: fc.integer({ min: 0, max: 300 }),
      totalSessionSeconds: fc.integer({ min: 0, max: 1e6 }),
      questsStarted: fc.integer({ min: 0, max: 30 }),
      questsCompleted: fc.integer({ min: 0, max: 30 }),
      currentStreakDays: fc.integer({ min: 0, max: 90 }),
    });
    fc.assert(
      fc.property(summary, (s) => {
        const r = scoreDropoutRisk(s);
        expect(r.factors.reduce((a, f) => a + f.contribution, 0)).toBeCloseTo(r.score, 12);
        for (const f of r.factors) expect(f.contribution).toBeCloseTo(f.weight * f.risk, 15);
        expect(r.score).toBeGreaterThanOrEqual(0);
        expect(r.score).toBeLessThanOrEqual(1);
        expect(r.level).toBe(engagementLevel(r.score));
      }),
    );
  });
});

describe('engagementLevel', () => {
  it('uses the seed thresholds: high < 0.3 <= medium < 0.6 <= low <= 0.8 < at_risk', () => {
    expect(engagementLevel(0)).toBe('high');
    expect(engagementLevel(0.2999)).toBe('high');
    expect(engagementLevel(0.3)).toBe('medium');
    expect(engagementLevel(0.5999)).toBe('medium');
    expect(engagementLevel(0.6)).toBe('low');
    expect(engagementLevel(0.8)).toBe('low');
    expect(engagementLevel(0.8001)).toBe('at_risk');
    expect(engagementLevel(1)).toBe('at_risk');
  });
});

describe('atRisk', () => {
  it('keeps scores at or above the threshold, riskiest first, ties in input order', () => {
    const list = [
      { id: 'a', score: 0.69 },
      { id: 'b', score: 0.9 },
      { id: 'c', score: 0.7 },
      { id: 'd', score: 0.95 },
      { id: 'e', score: 0.7 },
    ];
    expect(atRisk(list, 0.7).map((x) => x.id)).toEqual(['d', 'b', 'c', 'e']);
    expect(atRisk(list, 0.99)).toEqual([]);
    expect(list.map((x) => x.id)).toEqual(['a', 'b', 'c', 'd', 'e']); // input untouched
  });
});
