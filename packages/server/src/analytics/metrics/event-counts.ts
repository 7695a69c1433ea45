import type { PublishedRow } from '@ebb/contracts';
import type { AggregateMetric } from '../analytics-service.ts';
import { publishCells, relation, type Cell } from '../publish-cells.ts';
import { eventCountsSql } from './event-counts.sql.ts';
import { dateOfDayNumber, daysOf, localDaySql, num, type MetricDb, type MetricQuery } from './metric-query.ts';

/**
 * Events per category (seed taxonomy: navigation, quest, badge, tutor, community, auth, parent,
 * error, learning, or the tenant's own), per local day, with both margins. A two-way table: the
 * suppression checks every combination of its row and column totals.
 */
export interface EventCountsRaw {
  days: string[];
  total: { events: number; people: number };
  categories: Array<{ category: string; events: number; people: number }>;
  daily: Array<{ date: string; events: number; people: number }>;
  cells: Array<{ date: string; category: string; events: number; people: number }>;
}

export async function computeEventCounts(db: MetricDb, q: MetricQuery): Promise<EventCountsRaw> {
  const rows = await db.all(eventCountsSql.duckdb.replace('$day', localDaySql('occurred_at', q.range)), [q.tenantId, q.range.start.toISOString(), q.range.end.toISOString()]);
  const out: EventCountsRaw = { days: daysOf(q.range), total: { events: 0, people: 0 }, categories: [], daily: [], cells: [] };
  for (const r of rows) {
    const v = { events: num(r.events), people: num(r.people) };
    const hasCategory = num(r.no_category) === 0;
    const hasDay = num(r.no_day) === 0;
    if (hasCategory && hasDay) out.cells.push({ date: dateOfDayNumber(num(r.day)), category: String(r.category), ...v });
    else if (hasCategory) out.categories.push({ category: String(r.category), ...v });
    else if (hasDay) out.daily.push({ date: dateOfDayNumber(num(r.day)), ...v });
    else out.total = v;
  }
  out.categories.sort((a, b) => b.events - a.events || (a.category < b.category ? -1 : 1));
  out.daily.sort((a, b) => (a.date < b.date ? -1 : 1));
  out.cells.sort((a, b) => (a.date < b.date ? -1 : a.date > b.date ? 1 : a.category < b.category ? -1 : 1));
  return out;
}

type Counts = { events: number; users: number };
export interface EventCountsData {
  total: PublishedRow<Counts>;
  byCategory: Array<PublishedRow<Counts>>;
  /** Per day: the day's total and each category's count that day (empty days and categories are 0). */
  daily: Array<{ date: string; total: PublishedRow<Counts>; byCategory: Array<PublishedRow<Counts>> }>;
}

export function publishEventCounts(raw: EventCountsRaw, minGroupSize: number): EventCountsData {
  const cellKey = (date: string, category: string) => `cell:${date}:${category}`;
  const cells: Cell<Counts>[] = [
    { key: 'total', people: raw.total.people, metrics: { events: raw.total.events, users: raw.total.people } },
    ...raw.categories.map((c) => ({ key: `cat:${c.category}`, people: c.people, metrics: { events: c.events, users: c.people } })),
    ...raw.daily.map((d) => ({ key: `day:${d.date}`, people: d.people, metrics: { events: d.events, users: d.people } })),
    ...raw.cells.map((c) => ({ key: cellKey(c.date, c.category), people: c.people, metrics: { events: c.events, users: c.people } })),
  ];
  const relations = [
    relation('total', raw.categories.map((c) => `cat:${c.category}`)),
    relation('total', raw.daily.map((d) => `day:${d.date}`)),
    ...raw.categories.map((c) => relation(`cat:${c.category}`, raw.cells.filter((x) => x.category === c.category).map((x) => cellKey(x.date, x.category)))),
    ...raw.daily.map((d) => relation(`day:${d.date}`, raw.cells.filter((x) => x.date === d.date).map((x) => cellKey(x.date, x.category)))),
  ];
  const p = publishCells(cells, relations, minGroupSize);
  const zero = (key: string): PublishedRow<Counts> => ({ key, suppressed: false, events: 0, users: 0 });
  const rekey = (row: PublishedRow<Counts>, key: string): PublishedRow<Counts> => ({ ...row, key });
  const present = new Set(cells.map((c) => c.key));
  const at = (cell: string, key: string) => (present.has(cell) ? rekey(p.row(cell), key) : zero(key));
  return {
    total: p.row('total'),
    byCategory: raw.categories.map((c) => rekey(p.row(`cat:${c.category}`), c.category)),
    daily: raw.days.map((date) => ({
      date,
      total: at(`day:${date}`, date),
      byCategory: raw.categories.map((c) => at(cellKey(date, c.category), c.category)),
    })),
  };
}

export const eventCountsMetric: AggregateMetric<EventCountsRaw, EventCountsData> = {
  name: 'event-counts', release: null, compute: (db, q) => computeEventCounts(db, q), publish: (raw, k) => publishEventCounts(raw, k),
};
