import path from 'node:path';
import { DAY_MS } from '../core/clock.ts';
import { readCsv } from '../core/read-csv.ts';
import { DEFAULT_OULAD_DIR } from '../analytics/risk/load-oulad-presentation.ts';
import { DEMO_MODULE, DEMO_PRESENTATION, inDayOrder, type DemoEvent, type DemoSource } from './oulad-demo.ts';

/**
 * SYNTHETIC activity for the demo tenant, generated around the real OULAD presentation: the learning
 * platform a course like AAA 2013J would sit in. The learners, the days they were active and their
 * assessment scores are real (OULAD); everything made here is not:
 *   - platform quests (viewed, started, completed or abandoned) with quest ids and pillars, on the
 *     quest pages (page views with load times, time on page from page_exit events);
 *   - badges earned for quest milestones and for a first quest in each pillar;
 *   - mastery checks per subject, scored around the learner's real mean assessment score;
 *   - IEP goal progress, weekly, for a few learners;
 *   - client errors (javascript_error, network_error) and server errors (api_error), with one
 *     incident day after a bad deploy.
 * Every draw comes from a seeded generator per learner, so every demo holds the same events. Each
 * event carries `props.synthetic = true` so no one mistakes it for real data.
 */
export const SYNTHETIC_SEED = 20131;
export const SYNTHETIC_COURSE = 'AAA-2013J';

export const DEMO_QUESTS = [
  { id: 'volcano-lab', pillar: 'stem' },
  { id: 'fractions-market', pillar: 'stem' },
  { id: 'coding-robots', pillar: 'stem' },
  { id: 'story-writing', pillar: 'language' },
  { id: 'mural-design', pillar: 'arts' },
  { id: 'town-council', pillar: 'civics' },
  { id: 'mindful-minutes', pillar: 'wellness' },
  { id: 'weather-station', pillar: 'stem' },
  { id: 'podcast-studio', pillar: 'arts' },
  { id: 'debate-club', pillar: 'language' },
  { id: 'local-history', pillar: 'civics' },
  { id: 'healthy-recipes', pillar: 'wellness' },
  { id: 'stop-motion', pillar: 'arts' },
  { id: 'recycling-audit', pillar: 'civics' },
  { id: 'pen-pals', pillar: 'language' },
  { id: 'team-sports', pillar: 'wellness' },
] as const;

const MASTERY_SUBJECTS = ['numeracy', 'literacy', 'science', 'digital-skills'] as const;

const IEP_GOALS = [
  { goalId: 'iep-reading-fluency', baseline: 62, target: 90 },
  { goalId: 'iep-task-initiation', baseline: 30, target: 70 },
  { goalId: 'iep-math-facts', baseline: 12, target: 25 },
  { goalId: 'iep-self-regulation', baseline: 2, target: 6 },
] as const;
/**
 * Learners with IEP goals: few (3 % of the course), two goals each, so that each goal has six learners:
 * enough for its aggregate to be published at k = 5, as a school's would be.
 */
export const IEP_LEARNERS = 12;

const CLIENT_ERRORS = [
  { type: 'TypeError', message: "Cannot read properties of undefined (reading 'tasks')", component: 'QuestDetail', file: 'quest-detail' },
  { type: 'TypeError', message: "Cannot read properties of null (reading 'getBoundingClientRect')", component: 'BadgeShelf', file: 'badges' },
  { type: 'ReferenceError', message: 'ResizeObserver is not defined', component: 'QuestMap', file: 'quest-map' },
  { type: 'SyntaxError', message: `Unexpected token '<', "<!DOCTYPE "... is not valid JSON`, component: 'QuestList', file: 'quest-list' },
] as const;
const CHUNK_ERROR = { type: 'ChunkLoadError', message: 'Loading chunk 27 failed. (error: /assets/quest-detail.3f9a1c.js)', component: 'Router', file: 'router' } as const;
const SERVER_ERRORS = [
  { status: 500, endpoint: '/api/quests/:id/complete', message: 'duplicate key value violates unique constraint "quest_progress_pkey"' },
  { status: 502, endpoint: '/api/quests/:id/start', message: 'Bad Gateway: upstream connection reset' },
  { status: 503, endpoint: '/api/badges/:id/claim', message: 'Service Unavailable: database connection pool exhausted' },
  { status: 504, endpoint: '/api/tutor/messages', message: 'Gateway Timeout: upstream request timed out after 30 s' },
] as const;

/** Mulberry32: a small seeded generator, the same numbers on every machine. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 2 ** 32;
  };
}

interface Learner {
  id: string;
  /** Presentation days with any activity, ascending (real). */
  days: number[];
  /** Mean of the learner's real assessment scores, 0-100, or null. */
  meanScore: number | null;
}

/** The real learners of the presentation: active days and mean score. */
async function loadLearners(dataDir: string): Promise<{ length: number; learners: Learner[] }> {
  const ours = (row: { get(c: string): string }) => row.get('code_module') === DEMO_MODULE && row.get('code_presentation') === DEMO_PRESENTATION;
  let length = 268;
  await readCsv(path.join(dataDir, 'courses.csv'), (row) => { if (ours(row)) length = Number(row.get('module_presentation_length')); });
  const assessments = new Set<string>();
  await readCsv(path.join(dataDir, 'assessments.csv'), (row) => { if (ours(row)) assessments.add(row.get('id_assessment')); });
  const days = new Map<string, Set<number>>();
  await readCsv(path.join(dataDir, `studentVle_${DEMO_MODULE}_${DEMO_PRESENTATION}.csv`), (row) => {
    const s = row.get('id_student');
    (days.get(s) ?? days.set(s, new Set()).get(s)!).add(Number(row.get('date')));
  });
  const scores = new Map<string, number[]>();
  await readCsv(path.join(dataDir, 'studentAssessment.csv'), (row) => {
    const score = row.get('score');
    if (!assessments.has(row.get('id_assessment')) || score === '') return;
    const s = row.get('id_student');
    (scores.get(s) ?? scores.set(s, []).get(s)!).push(Number(score));
  });
  const learners = [...days]
    .map(([id, set]) => {
      const own = scores.get(id);
      return { id, days: [...set].sort((a, b) => a - b), meanScore: own && own.length > 0 ? own.reduce((a, b) => a + b, 0) / own.length : null };
    })
    .sort((a, b) => Number(a.id) - Number(b.id));
  return { length, learners };
}

/** A draw from an exponential with this mean, capped: load times and stays have long tails. */
const longTail = (r: () => number, mean: number, cap: number) => Math.min(cap, Math.round(-Math.log(1 - r()) * mean));

/** Streams the synthetic events in batches, oldest presentation days first. */
export async function* syntheticDemoEvents(source: Partial<DemoSource> = {}, batchSize = 1000): AsyncGenerator<DemoEvent[]> {
  const { length, learners } = await loadLearners(source.dataDir ?? DEFAULT_OULAD_DIR);
  const end = (source.endsAt ?? new Date()).getTime();
  // Presentation day d at `hour` o'clock (fractional), never after the demo's "now".
  const at = (d: number, hour: number) => new Date(Math.min(end - 60_000, end - (length - d) * DAY_MS - 12 * 3600_000 + hour * 3600_000)).toISOString();
  // A bad deploy three weeks before the end: the quest page's chunk fails to load for many.
  const incidentDay = length - 21;

  const byDay = new Map<number, DemoEvent[]>();
  const add = (d: number, e: DemoEvent) => (byDay.get(d) ?? byDay.set(d, []).get(d)!).push(e);
  const weights = DEMO_QUESTS.map((_, i) => 1 / (i + 1) ** 0.8);
  const totalWeight = weights.reduce((a, b) => a + b, 0);
  const pickQuest = (r: () => number) => {
    let x = r() * totalWeight;
    for (let i = 0; i < weights.length; i++) if ((x -= weights[i]!) < 0) return DEMO_QUESTS[i]!;
    return DEMO_QUESTS[DEMO_QUESTS.length - 1]!;
  };

  // IEP goals for the learners whose seeded draw is lowest: a fixed, small group.
  const iepOrder = learners.map((l) => ({ id: l.id, draw: seededRandom(SYNTHETIC_SEED ^ Number(l.id) ^ 0x1e9)() })).sort((a, b) => a.draw - b.draw);
  const iep = new Map(iepOrder.slice(0, IEP_LEARNERS).map((x, i) => [x.id, [IEP_GOALS[i % IEP_GOALS.length]!, IEP_GOALS[(i + 1) % IEP_GOALS.length]!]]));

  for (const learner of learners) {
    const r = seededRandom(SYNTHETIC_SEED ^ Number(learner.id));
    const s = learner.id;
    const userId = `oulad-${s}`;
    const session = (d: number) => `oulad-${s}-${d}`;
    const engagement = Math.min(1, learner.days.length / (length * 0.5));
    const mean = learner.meanScore ?? 60;
    let n = 0;
    const id = (kind: string) => `syn-${kind}-${s}-${n++}`;
    const synthetic = { synthetic: true };

    // Quests: one visit per few active days, on the quest's page.
    const completed: string[] = [];
    const pillarsDone = new Set<string>();
    const visits = Math.min(12, Math.round(learner.days.length / 6));
    for (let v = 0; v < visits; v++) {
      const dayIndex = Math.floor(((v + r()) / visits) * learner.days.length);
      const d = learner.days[Math.min(dayIndex, learner.days.length - 1)]!;
      const quest = pickQuest(r);
      const hour = 15 + r() * 6;
      const props = { quest_id: quest.id, pillar: quest.pillar, ...synthetic };
      const pagePath = `/quests/${quest.id}`;
      const base = { userId, sessionId: session(d) };
      add(d, { id: id('pv'), type: 'page_view', occurredAt: at(d, hour), page: { path: pagePath, loadTimeMs: 180 + longTail(r, 650, 12_000) }, props: synthetic, ...base });
      add(d, { id: id('qv'), type: 'quest_viewed', occurredAt: at(d, hour + 0.01), props, ...base });
      const stayMs = 8_000 + longTail(r, 150_000, 3_600_000);
      add(d, { id: id('exit'), type: 'page_exit', occurredAt: at(d, hour + stayMs / 3600_000), page: { path: pagePath, durationMs: stayMs }, props: synthetic, ...base });

      const chunkFailed = d === incidentDay && r() < 0.6;
      if (chunkFailed || r() < 0.012) {
        const e = chunkFailed ? CHUNK_ERROR : CLIENT_ERRORS[Math.floor(r() * CLIENT_ERRORS.length)]!;
        add(d, {
          id: id('jserr'), type: 'javascript_error', occurredAt: at(d, hour + 0.005), page: { path: pagePath }, props: synthetic, ...base,
          error: { type: e.type, message: e.message, component: e.component, stack: `${e.type}: ${e.message}\n    at ${e.component} (/assets/${e.file}.js:1:4821)\n    at renderWithHooks (/assets/vendor.js:1:61234)` },
        });
      }
      if (chunkFailed) continue;
      if (r() < 0.01) {
        add(d, {
          id: id('neterr'), type: 'network_error', occurredAt: at(d, hour + 0.02), page: { path: pagePath }, props: synthetic, ...base,
          error: { type: 'NetworkError', message: 'Failed to fetch', component: 'ProgressSync', endpoint: '/api/quests/:id/progress' },
        });
      }
      if (r() >= 0.5 + 0.35 * engagement) continue;
      add(d, { id: id('qs'), type: 'quest_started', occurredAt: at(d, hour + 0.05), props, ...base });
      const pComplete = Math.min(0.95, Math.max(0.05, 0.3 + 0.45 * engagement + (mean - 60) / 150));
      if (r() >= pComplete) {
        if (r() < 0.5) add(d, { id: id('qa'), type: 'quest_abandoned', occurredAt: at(d, hour + 0.3), props, ...base });
        continue;
      }
      // Finished on a later active day when there is one within three weeks.
      const later = learner.days.find((x) => x > d && x <= d + 21);
      const doneDay = later !== undefined && r() < 0.7 ? later : d;
      const doneHour = doneDay === d ? hour + 0.5 : 15 + r() * 6;
      if (r() < 0.01) {
        const e = SERVER_ERRORS[Math.floor(r() * SERVER_ERRORS.length)]!;
        add(doneDay, {
          id: id('apierr'), type: 'api_error', occurredAt: at(doneDay, doneHour - 0.01), userId, sessionId: session(doneDay),
          props: { method: 'POST', route: e.endpoint, status: e.status, ...synthetic },
          error: { type: `http_${e.status}`, message: e.message, endpoint: e.endpoint, status: e.status },
        });
      }
      add(doneDay, { id: id('qc'), type: 'quest_completed', occurredAt: at(doneDay, doneHour), props, userId, sessionId: session(doneDay) });
      completed.push(quest.id);
      const badges: Array<{ badge_id: string; pillar?: string }> = [];
      if (completed.length === 1) badges.push({ badge_id: 'first-quest' });
      if (completed.length === 5) badges.push({ badge_id: 'quest-explorer' });
      if (completed.length === 10) badges.push({ badge_id: 'quest-master' });
      if (!pillarsDone.has(quest.pillar)) {
        pillarsDone.add(quest.pillar);
        badges.push({ badge_id: `${quest.pillar}-pioneer`, pillar: quest.pillar });
      }
      for (const b of badges) {
        add(doneDay, { id: id('badge'), type: 'badge_earned', occurredAt: at(doneDay, doneHour + 0.01), props: { ...b, quest_id: quest.id, ...synthetic }, userId, sessionId: session(doneDay) });
      }
    }

    // Mastery checks: one subject a fortnight, on the learner's first active day of it.
    let lastBlock = -1;
    for (const d of learner.days) {
      const block = Math.floor(d / 14);
      if (block === lastBlock || d < 0) continue;
      lastBlock = block;
      if (r() >= 0.4 + 0.4 * engagement) continue;
      const subject = MASTERY_SUBJECTS[block % MASTERY_SUBJECTS.length]!;
      const score = Math.max(0, Math.min(100, Math.round(mean - 8 + block * 0.8 + (r() - 0.5) * 24)));
      add(d, {
        id: id('mastery'), type: 'assessment_submitted', occurredAt: at(d, 16 + r() * 4), userId, sessionId: session(d), props: synthetic,
        learning: { course: SYNTHETIC_COURSE, activity: `mastery-${subject}-${block}`, subject, score, maxScore: 100 },
      });
    }

    // IEP goals: a weekly progress note for each of the learner's two goals, progress following engagement.
    const goals = iep.get(s);
    if (goals) {
      const weeks = Math.floor(length / 7);
      for (const g of goals) {
        for (let w = 1; w <= weeks; w++) {
          const progress = Math.min(1.1, (w / weeks) * (0.5 + 0.6 * engagement)) + (r() - 0.5) * 0.1;
          const current = Math.round((g.baseline + (g.target - g.baseline) * Math.max(0, progress)) * 10) / 10;
          add(w * 7, {
            id: id('iep'), type: 'goal_progress', occurredAt: at(w * 7, 14), userId, props: synthetic,
            learning: { course: SYNTHETIC_COURSE, goal: { goalId: g.goalId, baseline: g.baseline, current, target: g.target } },
          });
        }
      }
    }
  }

  yield* inDayOrder(byDay, batchSize);
}
