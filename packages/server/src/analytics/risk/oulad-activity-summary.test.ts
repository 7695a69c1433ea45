import { describe, it, expect } from 'vitest';
import type { OuladAssessment, OuladStudent } from './load-oulad-presentation.ts';
import { ouladActivitySummary } from './oulad-activity-summary.ts';

const assessments: OuladAssessment[] = [
  { id: 'tma1', type: 'TMA', dueDay: 19 },
  { id: 'tma2', type: 'TMA', dueDay: 54 },
  { id: 'cma1', type: 'CMA', dueDay: 30 },
  { id: 'exam', type: 'Exam', dueDay: null },
];

function student(clicks: Record<number, number>, submissions: OuladStudent['submissions'] = []): OuladStudent {
  const activeDays = Object.keys(clicks).map(Number).sort((a, b) => a - b);
  return {
    id: 's',
    finalResult: 'Pass',
    registrationDay: -30,
    unregistrationDay: null,
    activeDays,
    clicksPerActiveDay: activeDays.map((d) => clicks[d]!),
    submissions,
  };
}

const options = { windowDays: 28, secondsPerClick: 30 };

describe('ouladActivitySummary', () => {
  it('counts active days and clicks in [asOf - window, asOf) only', () => {
    // Window for as-of day 28: days 0..27.
    const s = student({ [-1]: 100, 0: 4, 10: 6, 27: 10, 28: 500 });
    const summary = ouladActivitySummary(s, assessments, 28, options);
    expect(summary).toMatchObject({ windowDays: 28, activeDays: 3, sessions: 3, totalSessionSeconds: 20 * 30 });
  });

  it('measures days since last activity up to the last observed day, looking before the window', () => {
    expect(ouladActivitySummary(student({ 27: 1 }), assessments, 28, options).daysSinceLastActivity).toBe(0);
    expect(ouladActivitySummary(student({ 20: 1, 28: 9 }), assessments, 28, options).daysSinceLastActivity).toBe(7);
    expect(ouladActivitySummary(student({ [-20]: 1 }), assessments, 28, options).daysSinceLastActivity).toBe(47);
    expect(ouladActivitySummary(student({ 30: 1 }), assessments, 28, options).daysSinceLastActivity).toBeNull();
  });

  it('counts the streak of consecutive days ending on the last observed day', () => {
    expect(ouladActivitySummary(student({ 23: 1, 25: 1, 26: 1, 27: 1 }), assessments, 28, options).currentStreakDays).toBe(3);
    expect(ouladActivitySummary(student({ 24: 1, 25: 1, 26: 1 }), assessments, 28, options).currentStreakDays).toBe(0);
  });

  it('starts a quest when it falls due or is submitted in the window, and completes it on submission', () => {
    const none = ouladActivitySummary(student({}), assessments, 28, options);
    expect(none).toMatchObject({ questsStarted: 1, questsCompleted: 0 }); // tma1 fell due on day 19

    const late = student({}, [{ assessmentId: 'tma1', day: 29, banked: false }]);
    expect(ouladActivitySummary(late, assessments, 28, options)).toMatchObject({ questsStarted: 1, questsCompleted: 0 });
    expect(ouladActivitySummary(late, assessments, 30, options)).toMatchObject({ questsStarted: 1, questsCompleted: 1 });

    // cma1 (due day 30) handed in early on day 25 counts as started and completed as of day 28.
    const early = student({}, [{ assessmentId: 'tma1', day: 18, banked: false }, { assessmentId: 'cma1', day: 25, banked: false }]);
    expect(ouladActivitySummary(early, assessments, 28, options)).toMatchObject({ questsStarted: 2, questsCompleted: 2 });

    // Day 14 with a 28-day window: nothing due yet, so nothing started (the neutral case).
    expect(ouladActivitySummary(student({}), assessments, 14, options)).toMatchObject({ questsStarted: 0, questsCompleted: 0 });
  });

  it('counts a banked result as completing the quest when due, not as new work', () => {
    const banked = student({}, [{ assessmentId: 'tma2', day: -5, banked: true }]);
    expect(ouladActivitySummary(banked, assessments, 28, options)).toMatchObject({ questsStarted: 1, questsCompleted: 0 });
    expect(ouladActivitySummary(banked, assessments, 56, options)).toMatchObject({ questsStarted: 2, questsCompleted: 1 });
  });
});
