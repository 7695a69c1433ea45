import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createManualClock } from '../../src/core/clock.ts';
import { rangeOf } from '../../src/analytics/date-range.ts';
import { computeEventCounts, publishEventCounts } from '../../src/analytics/metrics/event-counts.ts';
import { computePages } from '../../src/analytics/metrics/pages.ts';
import { computeQuests, publishQuests } from '../../src/analytics/metrics/quests.ts';
import { computeErrors, recentErrors } from '../../src/analytics/metrics/errors.ts';
import { computeSessions } from '../../src/analytics/metrics/sessions.ts';
import { computeWeeklyActive } from '../../src/analytics/metrics/weekly-active.ts';
import { computeMastery } from '../../src/analytics/metrics/mastery.ts';
import { computeIep, progressPercent } from '../../src/analytics/metrics/iep.ts';
import { computeLearnerEngagement } from '../../src/analytics/metrics/learner-engagement.ts';
import { computeLearnerJourney, currentStreak } from '../../src/analytics/metrics/learner-journey.ts';
import { computeLearnerActivity } from '../../src/analytics/metrics/learner-activity.ts';
import { computeAtRisk } from '../../src/analytics/metrics/dropout-risk.ts';
import { startTestServer, type TestServer } from '../helpers/harness.ts';
import { insertErrors, insertEvents, insertLearning, insertSessions, insertSubjects, metricDb } from './analytics-fixtures.ts';

/**
 * Every metric against one small hand-computed fixture. Berlin is UTC+1 in February: 23:30Z on the
 * 2nd is 00:30 on the 3rd there. Rows marked anonymized have lost subject, session and visitor, as
 * retention leaves them.
 */
let t: TestServer;
let tenantId: string;
let db: Awaited<ReturnType<typeof metricDb>>;
const BERLIN = rangeOf('2026-02-02', '2026-02-08', 'Europe/Berlin');
const UTC = rangeOf('2026-02-02', '2026-02-08', 'UTC');

beforeAll(async () => {
  t = await startTestServer({ clock: createManualClock('2026-02-10T12:00:00Z') });
  tenantId = t.tenant.tenantId;
  db = await metricDb(t);
  await insertSubjects(t, tenantId, ['s1', 's2', 's3']);
  await insertSubjects(t, tenantId, ['g9'], 'guardian');
  await insertEvents(t, tenantId, [
    { at: '2026-02-02T08:00:00Z', type: 'page_view', category: 'navigation', subject: 's1', page: '/home', loadTimeMs: 100 },
    { at: '2026-02-02T08:01:00Z', type: 'page_exit', category: 'navigation', subject: 's1', page: '/home', durationMs: 60_000 },
    { at: '2026-02-02T23:30:00Z', type: 'page_view', category: 'navigation', subject: 's2', page: '/home', loadTimeMs: 300 },
    { at: '2026-02-03T10:00:00Z', type: 'page_view', category: 'navigation', subject: 's2', page: '/quests', loadTimeMs: 200 },
    { at: '2026-02-04T10:00:00Z', type: 'page_view', category: 'navigation', subject: 'gone', page: '/home', loadTimeMs: 400, anonymized: true },
    { at: '2026-02-03T09:00:00Z', type: 'quest_viewed', category: 'quest', subject: 's1', props: { quest_id: 'q1' } },
    { at: '2026-02-03T09:05:00Z', type: 'quest_started', category: 'quest', subject: 's1', props: { quest_id: 'q1' } },
    { at: '2026-02-05T09:00:00Z', type: 'quest_completed', category: 'quest', subject: 's1', props: { quest_id: 'q1', pillar: 'math' } },
    { at: '2026-02-03T10:05:00Z', type: 'quest_viewed', category: 'quest', subject: 's2', props: { quest_id: 'q1' } },
    { at: '2026-02-03T10:06:00Z', type: 'quest_started', category: 'quest', subject: 's2', props: { quest_id: 'q1' } },
    { at: '2026-02-03T10:10:00Z', type: 'quest_viewed', category: 'quest', subject: 's2', props: { quest_id: 'q2' } },
    { at: '2026-02-05T09:01:00Z', type: 'badge_earned', category: 'badge', subject: 's1', props: { badge_id: 'b1' } },
    // Before the range: Berlin 1 February 23:30, the week before.
    { at: '2026-02-01T22:30:00Z', type: 'page_view', category: 'navigation', subject: 's2', page: '/home' },
    { at: '2026-01-28T10:00:00Z', type: 'page_view', category: 'navigation', subject: 's3', page: '/home' },
    // A guardian is no learner.
    { at: '2026-02-04T18:00:00Z', type: 'parent_dashboard_opened', category: 'parent', subject: 'g9' },
  ]);
  await insertSessions(t, tenantId, [
    { subject: 's1', start: '2026-02-02T08:00:00Z', durationMs: 60_000, pageViews: 1, entryPage: '/home' },
    { subject: 's2', start: '2026-02-02T23:30:00Z', durationMs: 1_800_000, pageViews: 2, entryPage: '/home' },
    { start: '2026-02-04T10:00:00Z', durationMs: 120_000, pageViews: 1, entryPage: '/home', anonymized: true },
  ]);
  await insertErrors(t, tenantId, [
    { at: '2026-02-03T12:00:00Z', type: 'TypeError', subject: 's1', message: 'Cannot read properties of undefined', component: 'QuestCard' },
    { at: '2026-02-04T12:00:00Z', type: 'TypeError', subject: 's2', message: 'Cannot read properties of null' },
    { at: '2026-02-04T13:00:00Z', type: 'NetworkError', subject: 'gone', anonymized: true },
  ]);
  await insertLearning(t, tenantId, [
    { at: '2026-02-02T10:00:00Z', subject: 's1', area: 'math', score: 50, maxScore: 100 },
    { at: '2026-02-05T10:00:00Z', subject: 's1', area: 'math', score: 90, maxScore: 100 },
    { at: '2026-02-03T10:00:00Z', subject: 's2', area: 'math', score: 70, maxScore: 100 },
    { at: '2026-02-03T11:00:00Z', subject: 's2', area: 'reading', score: 40, maxScore: 50 },
    { at: '2026-02-04T10:00:00Z', subject: 'gone', area: 'math', score: 60, maxScore: 100, anonymized: true },
    { at: '2026-02-03T10:00:00Z', subject: 's1', goal: { id: 'g1', baseline: 1, current: 2, target: 3 } },
    { at: '2026-02-06T10:00:00Z', subject: 's1', goal: { id: 'g1', baseline: 1, current: 3, target: 3 } },
    { at: '2026-02-06T10:00:00Z', subject: 's2', goal: { id: 'g1', baseline: 2, current: 2, target: 4 } },
    { at: '2026-02-06T10:00:00Z', subject: 's3', goal: { id: 'g1', baseline: 10, current: 8, target: 5 } },
  ]);
});
afterAll(() => t.close());

describe('event counts by category', () => {
  it('counts per category and local day, anonymised rows included', async () => {
    const raw = await computeEventCounts(db, { tenantId, range: BERLIN });
    expect(raw.total).toEqual({ events: 13, people: 3 });
    expect(raw.categories).toEqual([
      { category: 'quest', events: 6, people: 2 },
      { category: 'navigation', events: 5, people: 2 },
      { category: 'badge', events: 1, people: 1 },
      { category: 'parent', events: 1, people: 1 },
    ]);
    expect(raw.cells.filter((c) => c.category === 'navigation')).toEqual([
      { date: '2026-02-02', category: 'navigation', events: 2, people: 1 },
      { date: '2026-02-03', category: 'navigation', events: 2, people: 1 },
      { date: '2026-02-04', category: 'navigation', events: 1, people: 0 },
    ]);
    const utc = await computeEventCounts(db, { tenantId, range: UTC });
    expect(utc.cells.filter((c) => c.category === 'navigation').map((c) => [c.date, c.events])).toEqual([['2026-02-02', 3], ['2026-02-03', 1], ['2026-02-04', 1]]);
  });

  it('withholds small cells of the two-way table so that no margin gives them away', async () => {
    const raw = await computeEventCounts(db, { tenantId, range: BERLIN });
    const data = publishEventCounts(raw, 2);
    const nav = data.daily.map((d) => d.byCategory.find((c) => c.key === 'navigation'));
    expect(nav[2]).toMatchObject({ suppressed: true, reason: 'min_group' });
    expect(data.daily[6]!.total).toEqual({ key: '2026-02-08', suppressed: false, events: 0, users: 0 });
  });
});

describe('page analytics', () => {
  it('views, unique users, bounce rate, load time and time on page per page; views per local day', async () => {
    const raw = await computePages(db, { tenantId, range: BERLIN });
    expect(raw.pages).toEqual([
      { path: '/home', views: 3, people: 2, loadMs: (100 + 300 + 400) / 3, timeOnPageMs: 60_000, entries: 3, bounces: 2 },
      { path: '/quests', views: 1, people: 1, loadMs: 200, timeOnPageMs: null, entries: 0, bounces: 0 },
    ]);
    expect(raw.total.views).toBe(4);
    expect(raw.daily.map((d) => [d.date, d.views, d.people]).sort()).toEqual([['2026-02-02', 1, 1], ['2026-02-03', 2, 1], ['2026-02-04', 1, 0]]);
  });
});

describe('popular quests', () => {
  it('scores views + 2 x starts + 5 x completions, with the completion rate', async () => {
    const raw = await computeQuests(db, { tenantId, range: BERLIN });
    expect(raw.quests).toEqual([
      { quest: 'q1', views: 2, starts: 2, completions: 1, people: 2 },
      { quest: 'q2', views: 1, starts: 0, completions: 0, people: 1 },
    ]);
    const data = publishQuests(raw, 1);
    expect(data.quests[0]).toEqual({ key: 'q1', suppressed: false, views: 2, starts: 2, completions: 1, learners: 2, score: 11, completionRate: 0.5 });
    expect(data.total).toMatchObject({ suppressed: false, score: 12 });
  });
});

describe('error summary', () => {
  it('counts per type and local day; recent errors carry scrubbed text and no person', async () => {
    const raw = await computeErrors(db, { tenantId, range: BERLIN });
    expect(raw.byType).toEqual([{ type: 'TypeError', errors: 2, people: 2 }, { type: 'NetworkError', errors: 1, people: 0 }]);
    expect(raw.daily.map((d) => [d.date, d.errors]).sort()).toEqual([['2026-02-03', 1], ['2026-02-04', 2]]);
    const recent = await recentErrors(db, { tenantId, range: BERLIN }, ['TypeError']);
    expect(recent.map((e) => e.occurredAt)).toEqual(['2026-02-04T12:00:00.000Z', '2026-02-03T12:00:00.000Z']);
    expect(recent[1]).toEqual({ occurredAt: '2026-02-03T12:00:00.000Z', type: 'TypeError', message: 'Cannot read properties of undefined', component: 'QuestCard', endpoint: null, status: null, page: null });
  });
});

describe('session metrics', () => {
  it('count, mean, median (lower middle) and total hours, by the local day a session started', async () => {
    const raw = await computeSessions(db, { tenantId, range: BERLIN });
    expect(raw.total).toEqual({ sessions: 3, totalMs: 1_980_000, meanMs: 660_000, medianMs: 120_000, people: 2 });
    expect(raw.daily.map((d) => [d.date, d.sessions]).sort()).toEqual([['2026-02-02', 1], ['2026-02-03', 1], ['2026-02-04', 1]]);
    const utc = await computeSessions(db, { tenantId, range: UTC });
    expect(utc.daily.map((d) => [d.date, d.sessions]).sort()).toEqual([['2026-02-02', 2], ['2026-02-04', 1]]);
  });
});

describe('weekly active learners', () => {
  it('active, new, returning and churned learners per local week; guardians and anonymised rows are nobody', async () => {
    const raw = await computeWeeklyActive(db, { tenantId, range: BERLIN });
    expect(raw.weeks).toEqual([{ week: '2026-02-02', active: 2, new: 1, returning: 1, churned: 1 }]);
    const two = await computeWeeklyActive(db, { tenantId, range: rangeOf('2026-01-26', '2026-02-08', 'Europe/Berlin') });
    expect(two.weeks[0]).toEqual({ week: '2026-01-26', active: 2, new: 2, returning: 0, churned: 0 });
  });
});

describe('mastery per subject', () => {
  it('current score, improvement delta, assessments (anonymised included) and days to mastery', async () => {
    const raw = await computeMastery(db, { tenantId, range: BERLIN });
    expect(raw.areas).toEqual([
      { area: 'math', learners: 2, currentPct: 80, deltaPct: 20, mastered: 1, daysToMastery: 3, assessments: 4 },
      { area: 'reading', learners: 1, currentPct: 80, deltaPct: 0, mastered: 1, daysToMastery: 0, assessments: 1 },
    ]);
    expect(raw.total).toMatchObject({ learners: 2, assessments: 5, mastered: 2 });
  });
});

describe('IEP goal progress', () => {
  it('takes each learner\'s latest report and measures the way from baseline to target in either direction', async () => {
    expect(progressPercent(10, 8, 5)).toBe(40);
    expect(progressPercent(1, 0, 3)).toBe(0);
    expect(progressPercent(3, 3, 3)).toBe(100);
    const raw = await computeIep(db, { tenantId, range: BERLIN });
    expect(raw.goals).toHaveLength(1);
    const g = raw.goals[0]!;
    expect(g).toMatchObject({ goal: 'g1', learners: 3, onTrack: 1 });
    expect(g.baseline).toBeCloseTo(13 / 3);
    expect(g.current).toBeCloseTo(13 / 3);
    expect(g.target).toBeCloseTo(4);
    expect(g.percent).toBeCloseTo(140 / 3);
  });
});

describe('one learner', () => {
  it('engagement over the range', async () => {
    const e = await computeLearnerEngagement(db, { tenantId, subjectId: 's1', range: BERLIN });
    expect(e).toMatchObject({ events: 6, activeDays: 3, pageViews: 1, questsStarted: 1, questsCompleted: 1, badgesEarned: 1, sessions: 1, totalMinutes: 1, averageSessionMinutes: 1, lastActiveAt: '2026-02-05T09:01:00.000Z' });
    expect(e.byCategory).toEqual([{ category: 'quest', events: 3 }, { category: 'navigation', events: 2 }, { category: 'badge', events: 1 }]);
    expect(e.daily.filter((d) => d.events > 0)).toEqual([{ date: '2026-02-02', events: 2 }, { date: '2026-02-03', events: 2 }, { date: '2026-02-05', events: 2 }]);
  });

  it('journey up to the end of the range', async () => {
    const j = await computeLearnerJourney(db, { tenantId, subjectId: 's1', range: rangeOf('2026-02-01', '2026-02-06', 'Europe/Berlin') });
    expect(j).toEqual({
      firstQuestAt: '2026-02-03T09:05:00.000Z', questsCompleted: 1, currentStreakDays: 1, badgesEarned: 1, timeOnPlatformHours: 0.02,
      favouritePillar: 'math', pillars: [{ pillar: 'math', questCompletions: 1, events: 1 }], recentCompletions: [{ quest: 'q1', completedAt: '2026-02-05T09:00:00.000Z' }],
    });
    expect(currentStreak([10, 9, 8, 6], 10)).toBe(3);
    expect(currentStreak([9, 8, 6], 10)).toBe(2);
    expect(currentStreak([8, 7], 10)).toBe(0);
  });

  it('activity summaries for the dropout-risk score, and the at-risk list', async () => {
    const all = await computeLearnerActivity(db, { tenantId, range: BERLIN });
    const s1 = all.find((a) => a.subjectId === 's1');
    expect(s1).toEqual({ subjectId: 's1', windowDays: 7, daysSinceLastActivity: 3, activeDays: 3, sessions: 1, totalSessionSeconds: 60, questsStarted: 1, questsCompleted: 1, currentStreakDays: 0 });
    const s3 = all.find((a) => a.subjectId === 's3');
    expect(s3).toMatchObject({ daysSinceLastActivity: 11, activeDays: 0, sessions: 0 });
    expect(all.map((a) => a.subjectId).sort()).toEqual(['s1', 's2', 's3']);
    const list = await computeAtRisk(db, { tenantId, range: BERLIN }, { threshold: 0.7, limit: 10 });
    expect(list.learnersScored).toBe(3);
    expect(list.learners.map((l) => l.subjectId)).toContain('s3');
    for (const l of list.learners) {
      expect(l.score).toBeGreaterThanOrEqual(0.7);
      expect(l.factors.reduce((n, f) => n + f.contribution, 0)).toBeCloseTo(l.score, 3);
    }
  });
});
