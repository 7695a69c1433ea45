import type { PublishedRow } from '@ebb/contracts';
import type { AggregateMetric } from '../analytics-service.ts';
import { publishCells, relation, type Cell } from '../publish-cells.ts';
import { dateOfDayNumber, daysOf, localDaySql, num, type MetricDb, type MetricQuery } from './metric-query.ts';
import { sessionsSql } from './sessions.sql.ts';

/**
 * Session metrics (seed 004's session_metrics): count, mean and median duration, total hours, and
 * the daily trend, by the local day a session started. Anonymised sessions count (no person).
 * The median is the lower middle value (an actual session's duration).
 */
interface SessionStats { sessions: number; totalMs: number; meanMs: number; medianMs: number; people: number }
export interface SessionsRaw {
  days: string[];
  total: SessionStats;
  daily: Array<SessionStats & { date: string }>;
}

export async function computeSessions(db: MetricDb, q: MetricQuery): Promise<SessionsRaw> {
  const rows = await db.all(sessionsSql.duckdb.replace('$day', localDaySql('started_at', q.range)), [q.tenantId, q.range.start.toISOString(), q.range.end.toISOString()]);
  const out: SessionsRaw = { days: daysOf(q.range), total: { sessions: 0, totalMs: 0, meanMs: 0, medianMs: 0, people: 0 }, daily: [] };
  for (const r of rows) {
    const s: SessionStats = { sessions: num(r.sessions), totalMs: num(r.total_ms), meanMs: num(r.mean_ms), medianMs: num(r.median_ms), people: num(r.people) };
    if (num(r.no_day) === 0) out.daily.push({ date: dateOfDayNumber(num(r.day)), ...s });
    else out.total = s;
  }
  return out;
}

type SessionMetrics = { sessions: number; meanDurationSeconds: number; medianDurationSeconds: number; totalHours: number; users: number };
export interface SessionsData {
  total: PublishedRow<SessionMetrics>;
  daily: Array<PublishedRow<SessionMetrics>>;
}

const metricsOf = (s: SessionStats): SessionMetrics => ({
  sessions: s.sessions, meanDurationSeconds: Math.round(s.meanMs / 1000), medianDurationSeconds: Math.round(s.medianMs / 1000),
  totalHours: Number((s.totalMs / 3_600_000).toFixed(2)), users: s.people,
});

/** Session counts and hours add up over days to the total; means and medians go with their cell. */
export function publishSessions(raw: SessionsRaw, minGroupSize: number): SessionsData {
  const cells: Cell<SessionMetrics>[] = [
    { key: 'total', people: raw.total.people, metrics: metricsOf(raw.total) },
    ...raw.daily.map((d) => ({ key: `day:${d.date}`, people: d.people, metrics: metricsOf(d) })),
  ];
  const p = publishCells(cells, [relation('total', raw.daily.map((d) => `day:${d.date}`))], minGroupSize);
  const withSessions = new Set(raw.daily.map((d) => d.date));
  const none = (key: string): PublishedRow<SessionMetrics> => ({ key, suppressed: false, sessions: 0, meanDurationSeconds: 0, medianDurationSeconds: 0, totalHours: 0, users: 0 });
  return {
    total: p.row('total'),
    daily: raw.days.map((date) => (withSessions.has(date) ? { ...p.row(`day:${date}`), key: date } : none(date))),
  };
}

export const sessionsMetric: AggregateMetric<SessionsRaw, SessionsData> = {
  name: 'sessions', release: 'sessions', compute: (db, q) => computeSessions(db, q), publish: (raw, k) => publishSessions(raw, k),
};
