import { describe, it, expect } from 'vitest';
import fc from 'fast-check';
import {
  activeDaysPerWeek,
  averageSessionMinutes,
  daysInactiveRisk,
  loginFrequencyRisk,
  questCompletionRate,
  questCompletionRisk,
  RISK_FACTORS,
  DEFAULT_RISK_FACTOR_PARAMETERS,
  sessionDurationRisk,
  streakRisk,
  type LearnerActivitySummary,
} from './risk-factors.ts';

describe('daysInactiveRisk', () => {
  it('is 0 when active on the last day and ramps linearly to 1 at 14 days', () => {
    expect(daysInactiveRisk(0)).toBe(0);
    expect(daysInactiveRisk(7)).toBe(0.5);
    expect(daysInactiveRisk(13)).toBeCloseTo(13 / 14, 12);
    expect(daysInactiveRisk(14)).toBe(1);
    expect(daysInactiveRisk(400)).toBe(1);
  });
  it('treats never active and unknown as full risk, and clock skew as active now', () => {
    expect(daysInactiveRisk(null)).toBe(1);
    expect(daysInactiveRisk(Number.NaN)).toBe(1);
    expect(daysInactiveRisk(-2)).toBe(0);
  });
  it('follows a custom saturation', () => {
    expect(daysInactiveRisk(3, 30)).toBeCloseTo(0.1, 12);
    expect(daysInactiveRisk(0, 0)).toBe(0);
    expect(daysInactiveRisk(1, 0)).toBe(1);
  });
});

describe('loginFrequencyRisk', () => {
  it('measures active days per week against a target of 3', () => {
    expect(activeDaysPerWeek(12, 28)).toBe(3);
    expect(loginFrequencyRisk(0, 28)).toBe(1);
    expect(loginFrequencyRisk(6, 28)).toBeCloseTo(0.5, 12);
    expect(loginFrequencyRisk(12, 28)).toBe(0);
    expect(loginFrequencyRisk(28, 28)).toBe(0);
  });
  it('caps active days at the window and treats an empty window as no activity', () => {
    expect(activeDaysPerWeek(40, 28)).toBe(7);
    expect(loginFrequencyRisk(5, 0)).toBe(1);
    expect(loginFrequencyRisk(-3, 28)).toBe(1);
  });
});

describe('questCompletionRisk', () => {
  it('is the share of started quests left incomplete', () => {
    expect(questCompletionRisk(4, 4)).toBe(0);
    expect(questCompletionRisk(4, 0)).toBe(1);
    expect(questCompletionRisk(4, 1)).toBe(0.75);
  });
  it('gives the neutral prior when nothing was started', () => {
    expect(questCompletionRate(0, 0)).toBeNull();
    expect(questCompletionRisk(0, 0)).toBe(0.5);
    expect(questCompletionRisk(0, 3)).toBe(0.5);
    expect(questCompletionRisk(0, 0, 0.2)).toBe(0.2);
  });
  it('never rewards more completions than starts', () => {
    expect(questCompletionRate(2, 5)).toBe(1);
    expect(questCompletionRisk(2, 5)).toBe(0);
  });
});

describe('sessionDurationRisk', () => {
  it('compares the mean session length with a 15-minute target', () => {
    expect(averageSessionMinutes(2, 1800)).toBe(15);
    expect(sessionDurationRisk(2, 1800)).toBe(0);
    expect(sessionDurationRisk(2, 900)).toBe(0.5);
    expect(sessionDurationRisk(1, 3600)).toBe(0);
  });
  it('is full risk without sessions or with empty ones', () => {
    expect(sessionDurationRisk(0, 0)).toBe(1);
    expect(sessionDurationRisk(0, 500)).toBe(1);
    expect(sessionDurationRisk(3, 0)).toBe(1);
  });
});

describe('streakRisk', () => {
  it('is 1 without a streak and 0 from a week on', () => {
    expect(streakRisk(0)).toBe(1);
    expect(streakRisk(1)).toBeCloseTo(6 / 7, 12);
    expect(streakRisk(7)).toBe(0);
    expect(streakRisk(30)).toBe(0);
  });
});

const summaryArb: fc.Arbitrary<LearnerActivitySummary> = fc.record({
  windowDays: fc.oneof(fc.integer({ min: -5, max: 400 }), fc.double()),
  daysSinceLastActivity: fc.oneof(fc.constant(null), fc.integer({ min: -5, max: 1000 }), fc.double()),
  activeDays: fc.oneof(fc.integer({ min: -5, max: 400 }), fc.double()),
  sessions: fc.oneof(fc.integer({ min: -5, max: 1000 }), fc.double()),
  totalSessionSeconds: fc.oneof(fc.integer({ min: -5, max: 1e7 }), fc.double()),
  questsStarted: fc.oneof(fc.integer({ min: -5, max: 100 }), fc.double()),
  questsCompleted: fc.oneof(fc.integer({ min: -5, max: 100 }), fc.double()),
  currentStreakDays: fc.oneof(fc.integer({ min: -5, max: 400 }), fc.double()),
});

describe('every factor', () => {
  it('maps any summary, even a malformed one, to a risk in [0, 1]', () => {
    fc.assert(
      fc.property(summaryArb, (s) => {
        for (const f of RISK_FACTORS) {
          const { risk } = f.read(s, DEFAULT_RISK_FACTOR_PARAMETERS);
          expect(risk).toBeGreaterThanOrEqual(0);
          expect(risk).toBeLessThanOrEqual(1);
        }
      }),
    );
  });
  it('never lowers the risk when activity goes down', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 60 }), fc.integer({ min: 0, max: 60 }), (a, b) => {
        const [less, more] = a <= b ? [a, b] : [b, a];
        expect(daysInactiveRisk(more)).toBeGreaterThanOrEqual(daysInactiveRisk(less));
        expect(loginFrequencyRisk(less, 60)).toBeGreaterThanOrEqual(loginFrequencyRisk(more, 60));
        expect(streakRisk(less)).toBeGreaterThanOrEqual(streakRisk(more));
        expect(sessionDurationRisk(1, less * 60)).toBeGreaterThanOrEqual(sessionDurationRisk(1, more * 60));
        expect(questCompletionRisk(60, less)).toBeGreaterThanOrEqual(questCompletionRisk(60, more));
      }),
    );
  });
});
