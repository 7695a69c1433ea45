import type { PublishedRow } from '@ebb/contracts';
import type { AggregateMetric } from '../analytics-service.ts';
import { publishCells, relation, type Cell } from '../publish-cells.ts';
import { masterySql } from './mastery.sql.ts';
import { num, numOrNull, type MetricDb, type MetricQuery } from './metric-query.ts';

/**
 * Mastery progress per subject area (seed 004), from scored learning events (score / maxScore as a
 * percentage). Per learner and area in the range: the first and the latest score. Per area: mean
 * latest score (current), mean latest minus first (improvement delta), assessments completed
 * (anonymised ones included), learners who reached mastery (a score of at least MASTERY_PERCENT)
 * and the median days from their first assessment to the first one at mastery.
 */
export const MASTERY_PERCENT = 80;

interface AreaStats { learners: number; currentPct: number | null; deltaPct: number | null; mastered: number; daysToMastery: number | null; assessments: number }
export interface MasteryRaw {
  total: AreaStats;
  areas: Array<AreaStats & { area: string }>;
}

export async function computeMastery(db: MetricDb, q: MetricQuery): Promise<MasteryRaw> {
  const params = [q.tenantId, q.range.start.toISOString(), q.range.end.toISOString()];
  const learners = await db.all(masterySql.duckdb.learners, [...params, MASTERY_PERCENT]);
  const assessments = await db.all(masterySql.duckdb.assessments, params);
  const empty = (): AreaStats => ({ learners: 0, currentPct: null, deltaPct: null, mastered: 0, daysToMastery: null, assessments: 0 });
  const out: MasteryRaw = { total: empty(), areas: [] };
  const areas = new Map<string, AreaStats>();
  const statsOf = (noArea: unknown, area: unknown) => {
    if (num(noArea) === 1) return out.total;
    let s = areas.get(String(area));
    if (!s) areas.set(String(area), (s = empty()));
    return s;
  };
  for (const r of learners) {
    Object.assign(statsOf(r.no_area, r.area), {
      learners: num(r.learners), currentPct: numOrNull(r.current_pct), deltaPct: numOrNull(r.delta_pct), mastered: num(r.mastered), daysToMastery: numOrNull(r.days_to_mastery),
    });
  }
  for (const r of assessments) statsOf(r.no_area, r.area).assessments = num(r.assessments);
  out.areas = [...areas].map(([area, s]) => ({ area, ...s })).sort((a, b) => (a.area < b.area ? -1 : 1));
  return out;
}

type MasteryMetrics = { learners: number; currentScore: number | null; improvementDelta: number | null; assessmentsCompleted: number; learnersAtMastery: number; medianDaysToMastery: number | null };
export interface MasteryData {
  masteryThresholdPercent: number;
  total: PublishedRow<MasteryMetrics>;
  subjects: Array<PublishedRow<MasteryMetrics>>;
}

const r1 = (x: number | null) => (x === null ? null : Number(x.toFixed(1)));
const metricsOf = (s: AreaStats): MasteryMetrics => ({
  learners: s.learners, currentScore: r1(s.currentPct), improvementDelta: r1(s.deltaPct), assessmentsCompleted: s.assessments,
  learnersAtMastery: s.mastered, medianDaysToMastery: r1(s.daysToMastery),
});

/** Assessments add up over areas to the total; every other metric goes with its area's cell. */
export function publishMastery(raw: MasteryRaw, minGroupSize: number): MasteryData {
  const cells: Cell<MasteryMetrics>[] = [
    { key: 'total', people: raw.total.learners, metrics: metricsOf(raw.total) },
    ...raw.areas.map((a) => ({ key: `area:${a.area}`, people: a.learners, metrics: metricsOf(a) })),
  ];
  const p = publishCells(cells, [relation('total', raw.areas.map((a) => `area:${a.area}`))], minGroupSize);
  const published = raw.areas.filter((a) => p.isPublished(`area:${a.area}`));
  const withheld = raw.areas.filter((a) => !p.isPublished(`area:${a.area}`));
  return {
    masteryThresholdPercent: MASTERY_PERCENT,
    total: p.row('total'),
    subjects: [...published, ...withheld].map((a) => ({ ...p.row(`area:${a.area}`), key: a.area })),
  };
}

export const masteryMetric: AggregateMetric<MasteryRaw, MasteryData> = {
  name: 'mastery', release: 'mastery', compute: (db, q) => computeMastery(db, q), publish: (raw, k) => publishMastery(raw, k),
};
