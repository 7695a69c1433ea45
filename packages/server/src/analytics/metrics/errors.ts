import type { PublishedRow } from '@ebb/contracts';
import type { AggregateMetric } from '../analytics-service.ts';
import { publishCells, relation, type Cell } from '../publish-cells.ts';
import { errorsSql } from './errors.sql.ts';
import { dateOfDayNumber, daysOf, localDaySql, num, numOrNull, type MetricDb, type MetricQuery } from './metric-query.ts';

/**
 * Error summary (seed 001): errors per type, per local day, and the most recent errors. Messages,
 * stacks and URLs were scrubbed at ingest; recent errors carry no person, and only types whose
 * count is published appear among them.
 */
export interface RecentError {
  occurredAt: string;
  type: string;
  message: string | null;
  component: string | null;
  endpoint: string | null;
  status: number | null;
  page: string | null;
}

export interface ErrorsRaw {
  days: string[];
  total: { errors: number; people: number };
  byType: Array<{ type: string; errors: number; people: number }>;
  daily: Array<{ date: string; errors: number; people: number }>;
}

export const RECENT_ERRORS = 10;

export async function computeErrors(db: MetricDb, q: MetricQuery): Promise<ErrorsRaw> {
  const rows = await db.all(errorsSql.duckdb.counts.replace('$day', localDaySql('x.occurred_at', q.range)), [q.tenantId, q.range.start.toISOString(), q.range.end.toISOString()]);
  const out: ErrorsRaw = { days: daysOf(q.range), total: { errors: 0, people: 0 }, byType: [], daily: [] };
  for (const r of rows) {
    const v = { errors: num(r.errors), people: num(r.people) };
    if (num(r.no_type) === 0) out.byType.push({ type: String(r.error_type), ...v });
    else if (num(r.no_day) === 0) out.daily.push({ date: dateOfDayNumber(num(r.day)), ...v });
    else out.total = v;
  }
  out.byType.sort((a, b) => b.errors - a.errors || (a.type < b.type ? -1 : 1));
  return out;
}

export async function recentErrors(db: MetricDb, q: MetricQuery, types: string[], limit = RECENT_ERRORS): Promise<RecentError[]> {
  if (types.length === 0) return [];
  const rows = await db.all(errorsSql.duckdb.recent, [q.tenantId, q.range.start.toISOString(), q.range.end.toISOString(), types, limit]);
  return rows.map((r) => ({
    occurredAt: new Date(r.occurred_at as Date).toISOString(), type: String(r.error_type), message: (r.message as string | null) ?? null,
    component: (r.component as string | null) ?? null, endpoint: (r.endpoint as string | null) ?? null, status: numOrNull(r.status), page: (r.page_path as string | null) ?? null,
  }));
}

type Counts = { errors: number; users: number };
export interface ErrorsData {
  total: PublishedRow<Counts>;
  byType: Array<PublishedRow<Counts>>;
  daily: Array<PublishedRow<Counts>>;
  recent: RecentError[];
}

export function publishErrors(raw: ErrorsRaw & { recent?: RecentError[] }, minGroupSize: number): ErrorsData & { publishedTypes: string[] } {
  const cell = (key: string, v: { errors: number; people: number }): Cell<Counts> => ({ key, people: v.people, metrics: { errors: v.errors, users: v.people } });
  const p = publishCells([cell('total', raw.total), ...raw.byType.map((t) => cell(`type:${t.type}`, t)), ...raw.daily.map((d) => cell(`day:${d.date}`, d))], [
    relation('total', raw.byType.map((t) => `type:${t.type}`)),
    relation('total', raw.daily.map((d) => `day:${d.date}`)),
  ], minGroupSize);
  const withErrors = new Set(raw.daily.map((d) => d.date));
  const publishedTypes = raw.byType.filter((t) => p.isPublished(`type:${t.type}`)).map((t) => t.type);
  return {
    total: p.row('total'),
    byType: [...raw.byType.filter((t) => publishedTypes.includes(t.type)), ...raw.byType.filter((t) => !publishedTypes.includes(t.type)).sort((a, b) => (a.type < b.type ? -1 : 1))]
      .map((t) => ({ ...p.row(`type:${t.type}`), key: t.type })),
    daily: raw.days.map((date) => (withErrors.has(date) ? { ...p.row(`day:${date}`), key: date } : { key: date, suppressed: false, errors: 0, users: 0 })),
    recent: (raw.recent ?? []).filter((e) => publishedTypes.includes(e.type)),
    publishedTypes,
  };
}

/** The recent errors depend on which types are published, so they are read after suppression. */
export const errorsMetric: AggregateMetric<ErrorsRaw & { recent: RecentError[] }, ErrorsData> = {
  name: 'errors',
  release: null,
  async compute(db, q) {
    const raw = await computeErrors(db, q);
    // Which types get published is decided with the tenant's k in publish(); read enough of the
    // newest errors that its filter still leaves the ten newest of the published types in most cases.
    return { ...raw, recent: await recentErrors(db, q, raw.byType.map((t) => t.type), 200) };
  },
  publish(raw, k) {
    const { publishedTypes: _, ...data } = publishErrors(raw, k);
    return { ...data, recent: data.recent.slice(0, RECENT_ERRORS) };
  },
};
