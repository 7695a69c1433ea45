import type { TestServer } from '../../helpers/harness.ts';
import { insertEvents, insertLearning, insertSessions, insertSubjects } from '../analytics-fixtures.ts';

/**
 * Two ISO weeks of activity (2025-01-06 to 2025-01-19, UTC) for eight learners and two anonymous
 * visitors: sessions, page views, mastery checks and IEP progress, with hand-computed figures.
 */
export const LEARNERS = ['l1', 'l2', 'l3', 'l4', 'l5', 'l6', 'l7', 'l8'];
export const WEEK1 = '2025-01-06';
export const WEEK2 = '2025-01-13';

export async function seedTwoWeeks(t: TestServer, tenantId: string): Promise<void> {
  await insertSubjects(t, tenantId, LEARNERS, 'learner', '2024-12-01T00:00:00Z');
  // Week 1: l1..l6 active; each a session on Monday 2025-01-06 of (i+1) * 10 minutes; l1 also on Tuesday.
  // Week 2: l1..l4, l7, l8 active (l5, l6 churned; l7, l8 new; l1..l4 returning).
  const sessions = [
    ...LEARNERS.slice(0, 6).map((s, i) => ({ subject: s, start: `2025-01-06T09:0${i}:00Z`, durationMs: (i + 1) * 600_000 })),
    { subject: 'l1', start: '2025-01-07T10:00:00Z', durationMs: 1_200_000 },
    ...['l1', 'l2', 'l3', 'l4', 'l7', 'l8'].map((s, i) => ({ subject: s, start: `2025-01-14T09:0${i}:00Z`, durationMs: 900_000 })),
    { subject: null, start: '2025-01-06T12:00:00Z', durationMs: 60_000 },
  ];
  await insertSessions(t, tenantId, sessions);
  const views = [
    ...LEARNERS.slice(0, 6).map((s, i) => ({ at: `2025-01-06T09:0${i}:30Z`, type: 'page_view', subject: s, page: '/quests', loadTimeMs: 100 * (i + 1), durationMs: 1000 })),
    { at: '2025-01-07T10:00:30Z', type: 'page_view', subject: 'l1', page: '/quests', loadTimeMs: 300, durationMs: 2000 },
    { at: '2025-01-06T12:00:30Z', type: 'page_view', anonymous: 'v1', page: '/home', loadTimeMs: 50 },
    { at: '2025-01-06T12:01:30Z', type: 'page_view', anonymous: 'v1', page: '/quests', loadTimeMs: 70 },
    ...['l1', 'l2', 'l3', 'l4', 'l7', 'l8'].map((s, i) => ({ at: `2025-01-14T09:0${i}:30Z`, type: 'page_view', subject: s, page: '/home', loadTimeMs: 200 })),
    { at: '2025-01-15T08:00:00Z', type: 'page_view', anonymous: 'v2', page: '/home', loadTimeMs: 80 },
  ];
  await insertEvents(t, tenantId, views);
  await insertLearning(t, tenantId, [
    { at: '2025-01-06T11:00:00Z', subject: 'l1', area: 'numeracy', score: 40, maxScore: 50 },
    { at: '2025-01-06T15:00:00Z', subject: 'l1', area: 'numeracy', score: 45, maxScore: 50 },
    { at: '2025-01-06T11:00:00Z', subject: 'l2', area: 'numeracy', score: 60, maxScore: 100 },
    { at: '2025-01-06T11:00:00Z', subject: 'l3', area: 'literacy', score: 70, maxScore: 100 },
    { at: '2025-01-14T11:00:00Z', subject: 'l1', area: 'numeracy', score: 50, maxScore: 50 },
    { at: '2025-01-08T14:00:00Z', subject: 'l4', goal: { id: 'g-read', baseline: 10, current: 20, target: 30 } },
    { at: '2025-01-08T14:00:00Z', subject: 'l5', goal: { id: 'g-read', baseline: 10, current: 12, target: 30 } },
    { at: '2025-01-15T14:00:00Z', subject: 'l4', goal: { id: 'g-read', baseline: 10, current: 30, target: 30 } },
  ]);
}
