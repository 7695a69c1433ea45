import { createHash } from 'node:crypto';

/**
 * A small school for the dashboard's tests: 30 learners over the last three weeks with page views,
 * sessions, quests (viewed, started, completed), badges, assessments, goal progress and errors.
 * Deterministic, so every run shows the same picture. Learners 25-30 stopped two weeks ago (at risk).
 */
export const LEARNERS = Array.from({ length: 30 }, (_, i) => `learner-${String(i + 1).padStart(2, '0')}`);
export const PAGES = ['/home', '/quests', '/quests/fractions', '/badges', '/tutor'];
export const QUESTS = ['fractions', 'volcanoes', 'poetry', 'robots'];
const AGENT = 'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/130.0.0.0 Safari/537.36';
const DAY = 86_400_000;

function unit(...parts: Array<string | number>): number {
  return createHash('sha1').update(parts.join('|')).digest().readUInt32BE(0) / 2 ** 32;
}

export function seedEvents(now = Date.now()): Array<Record<string, unknown>> {
  const events: Array<Record<string, unknown>> = [];
  let n = 0;
  const id = () => `seed-${n++}`;
  LEARNERS.forEach((userId, li) => {
    const lastDay = li >= 24 ? 14 : 0;
    for (let d = 20; d >= lastDay; d--) {
      if (unit('active', userId, d) > 0.65) continue;
      const base = now - d * DAY - Math.floor(unit('hour', userId, d) * 8 * 3600_000) - 3600_000;
      const at = (m: number) => new Date(base + m * 60_000).toISOString();
      const sessionId = `s-${userId}-${d}`;
      const common = { userId, sessionId, context: { userAgent: AGENT, locale: 'en-GB' } };
      PAGES.forEach((path, pi) => {
        if (pi > 0 && unit('page', userId, d, path) > 0.6) return;
        events.push({ id: id(), type: 'page_view', occurredAt: at(pi * 3), page: { path, title: path, loadTimeMs: 120 + Math.floor(unit('load', userId, d, path) * 900) }, ...common });
        events.push({ id: id(), type: 'page_exit', occurredAt: at(pi * 3 + 2), page: { path, durationMs: 20_000 + Math.floor(unit('stay', userId, d, path) * 150_000) }, ...common });
      });
      const quest = QUESTS[(li + d) % QUESTS.length]!;
      events.push({ id: id(), type: 'quest_viewed', occurredAt: at(16), props: { quest_id: quest, pillar: 'science' }, ...common });
      if (unit('start', userId, d) < 0.7) {
        events.push({ id: id(), type: 'quest_started', occurredAt: at(17), props: { quest_id: quest, pillar: 'science' }, ...common });
        if (unit('done', userId, d) < 0.6) {
          events.push({ id: id(), type: 'quest_completed', occurredAt: at(25), props: { quest_id: quest, pillar: 'science' }, ...common });
          events.push({ id: id(), type: 'assessment_submitted', occurredAt: at(26), learning: { course: 'year-5', activity: quest, subject: li % 2 ? 'maths' : 'science', score: 40 + Math.floor(unit('score', userId, d) * 60), maxScore: 100 }, ...common });
          if (unit('badge', userId, d) < 0.3) events.push({ id: id(), type: 'badge_earned', occurredAt: at(27), props: { badge_id: 'explorer', quest_id: quest }, ...common });
        }
      }
      if (unit('error', userId, d) < 0.15) {
        events.push({ id: id(), type: 'javascript_error', occurredAt: at(20), page: { path: '/quests' }, error: { type: 'TypeError', message: "Cannot read properties of undefined (reading 'progress')", component: 'QuestProgress' }, ...common });
      }
    }
    if (li % 3 === 0) {
      events.push({ id: id(), type: 'goal_progress', userId, occurredAt: new Date(now - 2 * 3600_000).toISOString(), learning: { goal: { goalId: 'weekly-reading', baseline: 1, current: 2 + (li % 4), target: 5 } }, context: { userAgent: AGENT } });
    }
  });
  return events;
}
