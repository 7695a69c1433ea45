import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { readCsv } from '../core/read-csv.ts';
import { DAY_MS } from '../core/clock.ts';
import { DEFAULT_OULAD_DIR, OULAD_ATTRIBUTION } from '../analytics/risk/load-oulad-presentation.ts';

export { OULAD_ATTRIBUTION };

/**
 * Turns the real OULAD presentation AAA 2013J into a stream of Ebb events for the demo tenant.
 *
 * Real (from OULAD): which student was active on which day, on which learning resource, with how many
 * clicks; assessment due days, submission days and scores; registration and withdrawal.
 * Synthesised around it (deterministically, so every demo is the same): the time of day, the device,
 * page load times, quest views and starts around each assessment, badges for high scores, a small
 * stream of front-end errors, and goal progress derived from each student's own activity.
 *
 * The presentation's last day is mapped to today, so the older part of the course arrives past the
 * 90-day detail window and is stored anonymised, as retention would have left it.
 */
export const DEMO_MODULE = 'AAA';
export const DEMO_PRESENTATION = '2013J';

export type DemoEvent = Record<string, unknown> & { id: string; type: string };

const AGENTS = [
  'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0 Safari/537.36',
  'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.3 Safari/605.1.15',
  'Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4 Mobile/15E148 Safari/604.1',
  'Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0 Mobile Safari/537.36',
  'Mozilla/5.0 (X11; Linux x86_64; rv:125.0) Gecko/20100101 Firefox/125.0',
  'Mozilla/5.0 (iPad; CPU OS 17_4 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4 Mobile/15E148 Safari/604.1',
];

const ERRORS = [
  { type: 'TypeError', message: "Cannot read properties of undefined (reading 'progress')", component: 'QuestProgress' },
  { type: 'NetworkError', message: 'Failed to fetch the resource list', component: 'ResourceList' },
  { type: 'ChunkLoadError', message: 'Loading chunk 14 failed', component: 'Router' },
  { type: 'RangeError', message: 'Invalid time value', component: 'DueDateBadge' },
];

/** A stable number in [0, 1) from the given parts: the demo is the same on every machine. */
function unit(...parts: Array<string | number>): number {
  return createHash('sha1').update(parts.join('|')).digest().readUInt32BE(0) / 2 ** 32;
}

export interface DemoSource {
  dataDir: string;
  /** When the presentation's last day falls: today by default. */
  endsAt: Date;
}

export function ouladAvailable(dataDir = DEFAULT_OULAD_DIR): boolean {
  return existsSync(path.join(dataDir, `studentVle_${DEMO_MODULE}_${DEMO_PRESENTATION}.csv`));
}

/** Streams the demo's events in batches, oldest presentation days first. */
export async function* ouladDemoEvents(source: Partial<DemoSource> = {}, batchSize = 1000): AsyncGenerator<DemoEvent[]> {
  const dataDir = source.dataDir ?? DEFAULT_OULAD_DIR;
  const ours = (row: { get(c: string): string }) => row.get('code_module') === DEMO_MODULE && row.get('code_presentation') === DEMO_PRESENTATION;

  let length = 268;
  await readCsv(path.join(dataDir, 'courses.csv'), (row) => { if (ours(row)) length = Number(row.get('module_presentation_length')); });
  const end = (source.endsAt ?? new Date()).getTime();
  // Midday of presentation day d, at a time of day of its own.
  const at = (d: number, ...seed: Array<string | number>) => new Date(end - (length - d) * DAY_MS + Math.floor((unit('t', ...seed) - 0.5) * 10 * 3600_000));
  const notFuture = (t: Date) => (t.getTime() > end ? new Date(end - 60_000) : t);

  const sites = new Map<string, string>();
  await readCsv(path.join(dataDir, 'vle.csv'), (row) => { if (ours(row)) sites.set(row.get('id_site'), row.get('activity_type')); });

  const assessments = new Map<string, { type: string; due: number | null }>();
  await readCsv(path.join(dataDir, 'assessments.csv'), (row) => {
    if (ours(row)) assessments.set(row.get('id_assessment'), { type: row.get('assessment_type'), due: row.get('date') === '' ? null : Number(row.get('date')) });
  });
  const students = new Set<string>();
  await readCsv(path.join(dataDir, 'studentInfo.csv'), (row) => { if (ours(row)) students.add(row.get('id_student')); });

  const byDay = new Map<number, DemoEvent[]>();
  const add = (d: number, e: DemoEvent) => {
    const list = byDay.get(d);
    if (list) list.push(e);
    else byDay.set(d, [e]);
  };
  const userId = (s: string) => `oulad-${s}`;
  const device = (s: string) => AGENTS[Math.floor(unit('ua', s) * AGENTS.length)]!;

  // Clicks: one page view per student, resource and day, carrying the day's click count.
  let row = 0;
  const activeDays = new Map<string, Set<number>>();
  await readCsv(path.join(dataDir, `studentVle_${DEMO_MODULE}_${DEMO_PRESENTATION}.csv`), (r) => {
    const s = r.get('id_student');
    const site = r.get('id_site');
    const d = Number(r.get('date'));
    const n = row++;
    (activeDays.get(s) ?? activeDays.set(s, new Set()).get(s)!).add(d);
    const activity = sites.get(site) ?? 'resource';
    add(d, {
      id: `oulad-click-${n}`,
      type: 'page_view',
      userId: userId(s),
      sessionId: `oulad-${s}-${d}`,
      occurredAt: notFuture(at(d, s, d, site)).toISOString(),
      page: { path: `/course/aaa/${activity}/${site}`, title: `${activity} ${site}`, loadTimeMs: 150 + Math.floor(unit('load', n) * 1400) },
      props: { clicks: Number(r.get('sum_click')), activity_type: activity, pillar: activity === 'forumng' || activity === 'oucollaborate' ? 'community' : activity === 'quiz' ? 'practice' : 'reading' },
      context: { userAgent: device(s), locale: 'en-GB' },
    });
    if (unit('err', n) < 0.002) {
      const e = ERRORS[Math.floor(unit('errtype', n) * ERRORS.length)]!;
      add(d, {
        id: `oulad-error-${n}`,
        type: 'javascript_error',
        userId: userId(s),
        sessionId: `oulad-${s}-${d}`,
        occurredAt: notFuture(at(d, s, d, site, 'e')).toISOString(),
        page: { path: `/course/aaa/${activity}/${site}` },
        error: { type: e.type, message: e.message, component: e.component, stack: `${e.type}: ${e.message}\n    at ${e.component} (app.js:1:1)` },
        context: { userAgent: device(s) },
        // Not in OULAD: made up so the error views have something to show.
        props: { synthetic: true },
      });
    }
  });

  // Assessments: each one is a quest; views and starts before the due day, completion on submission.
  await readCsv(path.join(dataDir, 'studentAssessment.csv'), (r) => {
    const a = assessments.get(r.get('id_assessment'));
    const s = r.get('id_student');
    if (!a || !students.has(s) || r.get('date_submitted') === '') return;
    const submitted = Number(r.get('date_submitted'));
    const quest = `aaa-${a.type.toLowerCase()}-${r.get('id_assessment')}`;
    const common = { userId: userId(s), context: { userAgent: device(s) } };
    const startDay = Math.min(submitted, (a.due ?? submitted) - 7 + Math.floor(unit('start', s, quest) * 5));
    add(startDay - 1, { id: `oulad-qv-${s}-${quest}`, type: 'quest_viewed', occurredAt: notFuture(at(startDay - 1, s, quest, 'v')).toISOString(), props: { quest_id: quest, pillar: 'assessment' }, ...common });
    add(startDay, { id: `oulad-qs-${s}-${quest}`, type: 'quest_started', occurredAt: notFuture(at(startDay, s, quest, 's')).toISOString(), props: { quest_id: quest, pillar: 'assessment' }, ...common });
    add(submitted, { id: `oulad-qc-${s}-${quest}`, type: 'quest_completed', occurredAt: notFuture(at(submitted, s, quest, 'c')).toISOString(), props: { quest_id: quest, pillar: 'assessment' }, ...common });
    const score = r.get('score') === '' ? null : Number(r.get('score'));
    if (score !== null && Number.isFinite(score)) {
      add(submitted, {
        id: `oulad-as-${s}-${quest}`, type: 'assessment_submitted', occurredAt: notFuture(at(submitted, s, quest, 'a')).toISOString(),
        learning: { course: 'AAA-2013J', activity: quest, subject: a.type === 'CMA' ? 'practice' : a.type === 'Exam' ? 'exam' : 'writing', score, maxScore: 100 }, ...common,
      });
      if (score >= 85) add(submitted, { id: `oulad-badge-${s}-${quest}`, type: 'badge_earned', occurredAt: notFuture(at(submitted, s, quest, 'b')).toISOString(), props: { badge_id: 'high-achiever', quest_id: quest }, ...common });
    }
  });

  // Goal progress for one learner in twenty: study days a week, first four weeks against the last four.
  for (const [s, days] of activeDays) {
    if (unit('goal', s) >= 0.05) continue;
    const perWeek = (from: number, to: number) => [...days].filter((d) => d >= from && d < to).length / 4;
    const baseline = perWeek(0, 28);
    add(length, {
      id: `oulad-goal-${s}`, type: 'goal_progress', userId: userId(s), occurredAt: new Date(end - 3600_000).toISOString(),
      learning: { course: 'AAA-2013J', goal: { goalId: 'weekly-study-days', baseline, current: perWeek(length - 28, length), target: Math.min(7, baseline + 1) } },
    });
  }

  yield* inDayOrder(byDay, batchSize);
}

/** Events in batches of batchSize, day by day as a live app would have sent them. */
export function* inDayOrder(byDay: Map<number, DemoEvent[]>, batchSize: number): Generator<DemoEvent[]> {
  let batch: DemoEvent[] = [];
  for (const d of [...byDay.keys()].sort((x, y) => x - y)) {
    for (const e of byDay.get(d)!) {
      batch.push(e);
      if (batch.length === batchSize) {
        yield batch;
        batch = [];
      }
    }
  }
  if (batch.length > 0) yield batch;
}
