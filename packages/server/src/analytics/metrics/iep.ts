import type { PublishedRow, PublishedValue } from '@ebb/contracts';
import type { AggregateMetric } from '../analytics-service.ts';
import { publishCells, relation, type Cell } from '../publish-cells.ts';
import { iepSql } from './iep.sql.ts';
import { num, type MetricDb, type MetricQuery } from './metric-query.ts';

/**
 * IEP goal progress (seed 004), per goal: from each learner's latest progress report in the range,
 * the mean baseline, current value and target, the mean progress (share of the way from baseline to
 * target, 0-100, in either direction), and how many learners are on track (progress of at least
 * ON_TRACK_PERCENT) or not.
 */
export const ON_TRACK_PERCENT = 50;

/** Share of the way from baseline to target, 0..100; a goal whose target is its baseline is met once reached. */
export function progressPercent(baseline: number, current: number, target: number): number {
  if (target === baseline) return current === target ? 100 : 0;
  const share = (current - baseline) / (target - baseline);
  return Math.min(100, Math.max(0, share * 100));
}

interface GoalStats { learners: number; baseline: number; current: number; target: number; percent: number; onTrack: number }
export interface IepRaw { goals: Array<GoalStats & { goal: string }> }

export async function computeIep(db: MetricDb, q: MetricQuery): Promise<IepRaw> {
  const rows = await db.all(iepSql.duckdb, [q.tenantId, q.range.start.toISOString(), q.range.end.toISOString()]);
  const goals = new Map<string, { n: number; b: number; c: number; t: number; p: number; on: number }>();
  for (const r of rows) {
    const g = goals.get(String(r.goal_id)) ?? { n: 0, b: 0, c: 0, t: 0, p: 0, on: 0 };
    const pct = progressPercent(num(r.baseline), num(r.current), num(r.target));
    g.n++;
    g.b += num(r.baseline);
    g.c += num(r.current);
    g.t += num(r.target);
    g.p += pct;
    if (pct >= ON_TRACK_PERCENT) g.on++;
    goals.set(String(r.goal_id), g);
  }
  return {
    goals: [...goals].map(([goal, g]) => ({ goal, learners: g.n, baseline: g.b / g.n, current: g.c / g.n, target: g.t / g.n, percent: g.p / g.n, onTrack: g.on }))
      .sort((a, b) => (a.goal < b.goal ? -1 : 1)),
  };
}

type GoalMetrics = { learners: number; baseline: number; current: number; target: number; progressPercent: number };
export interface IepData {
  onTrackPercent: number;
  goals: Array<{ goal: PublishedRow<GoalMetrics>; onTrack: PublishedValue; offTrack: PublishedValue }>;
}

const r2 = (x: number) => Number(x.toFixed(2));

/** A goal's learners = on track + off track; each part is a number of learners, withheld under k. */
export function publishIep(raw: IepRaw, minGroupSize: number): IepData {
  type M = GoalMetrics & { count: number };
  const cells: Cell<M>[] = [];
  const relations = [];
  for (const g of raw.goals) {
    const m = { learners: g.learners, baseline: r2(g.baseline), current: r2(g.current), target: r2(g.target), progressPercent: r2(g.percent) };
    cells.push({ key: `goal:${g.goal}`, people: g.learners, metrics: { ...m, count: g.learners } });
    const parts: string[] = [];
    for (const [part, n] of [['on', g.onTrack], ['off', g.learners - g.onTrack]] as const) {
      if (n === 0) continue;
      cells.push({ key: `goal:${g.goal}:${part}`, people: n, metrics: { ...m, count: n } });
      parts.push(`goal:${g.goal}:${part}`);
    }
    relations.push(relation(`goal:${g.goal}`, parts));
  }
  const p = publishCells(cells, relations, minGroupSize);
  const part = (key: string, n: number): PublishedValue => (n === 0 ? { suppressed: false, value: 0 } : p.value(key, 'count'));
  return {
    onTrackPercent: ON_TRACK_PERCENT,
    goals: raw.goals.map((g) => {
      const row = p.row(`goal:${g.goal}`);
      const goal: PublishedRow<GoalMetrics> = row.suppressed
        ? { ...row, key: g.goal }
        : { key: g.goal, suppressed: false, learners: row.learners, baseline: row.baseline, current: row.current, target: row.target, progressPercent: row.progressPercent };
      return { goal, onTrack: part(`goal:${g.goal}:on`, g.onTrack), offTrack: part(`goal:${g.goal}:off`, g.learners - g.onTrack) };
    }),
  };
}

export const iepMetric: AggregateMetric<IepRaw, IepData> = {
  name: 'iep', release: 'iep', compute: (db, q) => computeIep(db, q), publish: (raw, k) => publishIep(raw, k),
};
