import type { PublishedRow, PublishedValue } from '@ebb/contracts';
import type { AggregateMetric } from '../analytics-service.ts';
import { addDays, rangeOf } from '../date-range.ts';
import { publishCells, publishCount, relation, type Cell } from '../publish-cells.ts';
import { dayNumber, daysOf, localDaySql, num, type MetricDb, type MetricQuery } from './metric-query.ts';
import { overviewSql } from './overview.sql.ts';

/**
 * Overview (seed designs' admin report): daily, weekly and monthly active users as of the range's
 * last day, totals, events per interaction type, and a daily series. "Users" are identified
 * subjects and anonymous visitors; rows already anonymised count as events but as nobody, so a
 * day made only of anonymised rows cannot show it holds k people and is withheld.
 */
export interface OverviewRaw {
  dau: number;
  wau: number;
  mau: number;
  total: { events: number; people: number };
  sessions: number;
  byType: Array<{ type: string; events: number; people: number }>;
  daily: Array<{ date: string; events: number; people: number }>;
}

export async function computeOverview(db: MetricDb, q: MetricQuery): Promise<OverviewRaw> {
  const { range, tenantId } = q;
  // The window: the range, and the 30 days up to its last day that monthly active users look at.
  const monthFrom = addDays(range.to, -29);
  const window = rangeOf(monthFrom < range.from ? monthFrom : range.from, range.to, range.timeZone);
  const days = daysOf(range);
  const counts = await db.all(overviewSql.duckdb.counts.replace('$day', localDaySql('occurred_at', range)), [tenantId, range.start.toISOString(), range.end.toISOString()]);
  const types = [...new Set(counts.map((r) => String(r.type)))].sort();
  const peopleSql = overviewSql.duckdb.people({ firstDay: dayNumber(window.from), windowDays: window.days, rangeDays: days.length, types: types.length })
    .replace('$day', localDaySql('occurred_at', window));
  const [people] = await db.all(peopleSql, [tenantId, window.start.toISOString(), window.end.toISOString(), ...(types.length > 0 ? [types] : [])]);
  const [sessions] = await db.all(overviewSql.duckdb.sessions, [tenantId, range.start.toISOString(), range.end.toISOString()]);

  const byType = new Map(types.map((type, i) => [type, { type, events: 0, people: num(people?.[`t${i}`]) }]));
  const byDay = new Map(days.map((date, i) => [dayNumber(date), { date, events: 0, people: num(people?.[`d${i}`]) }]));
  let events = 0;
  for (const r of counts) {
    const n = num(r.events);
    events += n;
    byType.get(String(r.type))!.events += n;
    byDay.get(num(r.day))!.events += n;
  }
  return {
    dau: num(people?.dau), wau: num(people?.wau), mau: num(people?.mau),
    total: { events, people: num(people?.people) },
    sessions: num(sessions?.sessions),
    byType: [...byType.values()].sort((a, b) => b.events - a.events || (a.type < b.type ? -1 : 1)),
    daily: [...byDay.values()],
  };
}

export interface OverviewData {
  activeUsers: { daily: PublishedValue; weekly: PublishedValue; monthly: PublishedValue };
  totals: PublishedRow<{ events: number; users: number; sessions: number }>;
  byType: Array<PublishedRow<{ events: number; users: number }>>;
  daily: Array<PublishedRow<{ events: number; activeUsers: number }>>;
}

/**
 * Cells: the total, each type, each day. Published relations: total events = sum over types =
 * sum over days. Session count goes with the total (it is not split, so nothing is derived from it).
 */
export function publishOverview(raw: OverviewRaw, minGroupSize: number): OverviewData {
  type M = { events: number; users: number; sessions: number; activeUsers: number };
  // Days without events are published as 0: an empty day is no group of people.
  const active = raw.daily.filter((d) => d.events > 0);
  const cells: Cell<M>[] = [
    { key: 'total', people: raw.total.people, metrics: { events: raw.total.events, users: raw.total.people, sessions: raw.sessions, activeUsers: raw.total.people } },
    ...raw.byType.map((t) => ({ key: `type:${t.type}`, people: t.people, metrics: { events: t.events, users: t.people, sessions: 0, activeUsers: t.people } })),
    ...active.map((d) => ({ key: `day:${d.date}`, people: d.people, metrics: { events: d.events, users: d.people, sessions: 0, activeUsers: d.people } })),
  ];
  const published = publishCells(cells, [
    relation('total', raw.byType.map((t) => `type:${t.type}`)),
    relation('total', active.map((d) => `day:${d.date}`)),
  ], minGroupSize);
  const pick = <K extends keyof M>(row: PublishedRow<M>, key: string, names: K[]): PublishedRow<Pick<M, K>> => {
    if (row.suppressed) return { ...row, key };
    const out = { key, suppressed: false } as { key: string; suppressed: false } & Pick<M, K>;
    for (const n of names) out[n] = row[n];
    return out;
  };
  return {
    activeUsers: { daily: publishCount(raw.dau, minGroupSize), weekly: publishCount(raw.wau, minGroupSize), monthly: publishCount(raw.mau, minGroupSize) },
    totals: pick(published.row('total'), 'total', ['events', 'users', 'sessions']),
    byType: raw.byType.map((t) => pick(published.row(`type:${t.type}`), t.type, ['events', 'users'])),
    daily: raw.daily.map((d) => (d.events === 0 ? { key: d.date, suppressed: false, events: 0, activeUsers: 0 } : pick(published.row(`day:${d.date}`), d.date, ['events', 'activeUsers']))),
  };
}

export const overviewMetric: AggregateMetric<OverviewRaw, OverviewData> = {
  name: 'overview', release: 'overview', compute: (db, q) => computeOverview(db, q), publish: (raw, k) => publishOverview(raw, k),
};
