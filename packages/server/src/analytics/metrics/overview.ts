import type { PublishedRow, PublishedValue } from '@ebb/contracts';
import type { AggregateMetric } from '../analytics-service.ts';
import { addDays, rangeOf } from '../date-range.ts';
import { publishCells, publishCount, relation, type Cell } from '../publish-cells.ts';
import { dateOfDayNumber, dayNumber, daysOf, localDaySql, num, type MetricDb, type MetricQuery } from './metric-query.ts';
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
  const cells = await db.all(overviewSql.duckdb.cells.replace('$day', localDaySql('occurred_at', range)), [tenantId, range.start.toISOString(), range.end.toISOString()]);
  const monthFrom = addDays(range.to, -29);
  const month = rangeOf(monthFrom, range.to, range.timeZone);
  const [active] = await db.all(overviewSql.duckdb.active.replace('$day', localDaySql('occurred_at', month)), [tenantId, month.start.toISOString(), month.end.toISOString(), dayNumber(range.to)]);
  const [sessions] = await db.all(overviewSql.duckdb.sessions, [tenantId, range.start.toISOString(), range.end.toISOString()]);
  const perDay = new Map<string, { events: number; people: number }>();
  const out: OverviewRaw = { dau: num(active?.dau), wau: num(active?.wau), mau: num(active?.mau), total: { events: 0, people: 0 }, sessions: num(sessions?.sessions), byType: [], daily: [] };
  for (const r of cells) {
    const v = { events: num(r.events), people: num(r.people) };
    if (r.dim === 'total') out.total = v;
    else if (r.dim === 'type') out.byType.push({ type: String(r.type), ...v });
    else perDay.set(dateOfDayNumber(num(r.day)), v);
  }
  out.byType.sort((a, b) => b.events - a.events || (a.type < b.type ? -1 : 1));
  out.daily = daysOf(range).map((date) => ({ date, ...(perDay.get(date) ?? { events: 0, people: 0 }) }));
  return out;
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
