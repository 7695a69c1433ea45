import type { PublishedValue } from '@ebb/contracts';
import type { AggregateMetric } from '../analytics-service.ts';
import { startOfLocalDay } from '../date-range.ts';
import { publishCells, publishCount, relation, type Cell } from '../publish-cells.ts';
import { dateOfDayNumber, dayNumber, localDaySql, num, type MetricDb, type MetricQuery } from './metric-query.ts';
import { weeklyActiveSql } from './weekly-active.sql.ts';

/**
 * Weekly active learners (seed 004): per local week (Monday to Sunday) that overlaps the range,
 * learners active that week; new ones (their first activity ever falls in it); returning ones
 * (active in an earlier week too); and churned ones (active the week before, not this week).
 * Whole weeks are counted, also where they reach past the range. Anonymised rows name nobody, so
 * they do not count here.
 */
export interface WeekRaw { week: string; active: number; new: number; returning: number; churned: number }
export interface WeeklyActiveRaw { weeks: WeekRaw[] }

const weekOf = (day: number) => Math.floor((day - 4) / 7);
const mondayOf = (week: number) => dateOfDayNumber(week * 7 + 4);

export async function computeWeeklyActive(db: MetricDb, q: MetricQuery): Promise<WeeklyActiveRaw> {
  const first = weekOf(dayNumber(q.range.from));
  const last = weekOf(dayNumber(q.range.to));
  const lastSunday = dateOfDayNumber(last * 7 + 10);
  const endOfWeeks = startOfLocalDay(dateOfDayNumber(last * 7 + 11), q.range.timeZone);
  const span = { from: mondayOf(first - 1), to: lastSunday, timeZone: q.range.timeZone };
  const rows = await db.all(weeklyActiveSql.duckdb.weeks.replace('$day', localDaySql('occurred_at', span)), [q.tenantId, endOfWeeks.toISOString(), (first - 1) * 7 + 4]);
  const byWeek = new Map(rows.map((r) => [num(r.week), r]));
  const weeks: WeekRaw[] = [];
  for (let w = first; w <= last; w++) {
    const r = byWeek.get(w);
    const active = num(r?.active);
    const fresh = num(r?.new);
    weeks.push({ week: mondayOf(w), active, new: fresh, returning: active - fresh, churned: num(r?.churned) });
  }
  return { weeks };
}

type Count = { count: number };
export interface WeeklyActiveData {
  weeks: Array<{ week: string; active: PublishedValue; new: PublishedValue; returning: PublishedValue; churned: PublishedValue }>;
}

/**
 * Each of active, new, returning and churned is itself a number of learners, so each is withheld
 * under k; active = new + returning, so a withheld part takes another with it.
 */
export function publishWeeklyActive(raw: WeeklyActiveRaw, minGroupSize: number): WeeklyActiveData {
  const cells: Cell<Count>[] = [];
  const relations = [];
  for (const w of raw.weeks) {
    for (const part of ['active', 'new', 'returning'] as const) cells.push({ key: `${w.week}:${part}`, people: w[part], metrics: { count: w[part] } });
    relations.push(relation(`${w.week}:active`, [`${w.week}:new`, `${w.week}:returning`]));
  }
  const p = publishCells(cells, relations, minGroupSize);
  // Zero is no group of learners: published as it is.
  const value = (key: string, n: number): PublishedValue => (n === 0 ? { suppressed: false, value: 0 } : p.value(key, 'count'));
  return {
    weeks: raw.weeks.map((w) => ({
      week: w.week,
      active: value(`${w.week}:active`, w.active),
      new: value(`${w.week}:new`, w.new),
      returning: value(`${w.week}:returning`, w.returning),
      churned: w.churned === 0 ? { suppressed: false, value: 0 } : publishCount(w.churned, minGroupSize),
    })),
  };
}

export const weeklyActiveMetric: AggregateMetric<WeeklyActiveRaw, WeeklyActiveData> = {
  name: 'weekly-active', release: 'weekly-active', compute: (db, q) => computeWeeklyActive(db, q), publish: (raw, k) => publishWeeklyActive(raw, k),
};
