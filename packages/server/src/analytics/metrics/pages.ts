import type { PublishedRow } from '@ebb/contracts';
import type { AggregateMetric } from '../analytics-service.ts';
import { publishCells, relation, type Cell } from '../publish-cells.ts';
import { dateOfDayNumber, daysOf, localDaySql, num, numOrNull, type MetricDb, type MetricQuery } from './metric-query.ts';
import { pagesSql } from './pages.sql.ts';

/**
 * Page analytics (seed 001's page_view_analytics): per page its views, unique users, bounce rate
 * (sessions entering there that saw no other page), mean load time and mean time on page (from
 * page_exit events); and views per local day over all pages.
 */
interface PageStats { views: number; people: number; loadMs: number | null; timeOnPageMs: number | null }
export interface PagesRaw {
  days: string[];
  total: PageStats;
  pages: Array<PageStats & { path: string; entries: number; bounces: number }>;
  daily: Array<PageStats & { date: string }>;
}

export async function computePages(db: MetricDb, q: MetricQuery): Promise<PagesRaw> {
  const params = [q.tenantId, q.range.start.toISOString(), q.range.end.toISOString()];
  const rows = await db.all(pagesSql.duckdb.views.replace('$day', localDaySql('occurred_at', q.range)), params);
  const bounces = new Map((await db.all(pagesSql.duckdb.bounces, params)).map((r) => [String(r.page_path), { entries: num(r.entries), bounces: num(r.bounces) }]));
  const out: PagesRaw = { days: daysOf(q.range), total: { views: 0, people: 0, loadMs: null, timeOnPageMs: null }, pages: [], daily: [] };
  for (const r of rows) {
    const stats: PageStats = { views: num(r.views), people: num(r.people), loadMs: numOrNull(r.load_ms), timeOnPageMs: numOrNull(r.time_on_page_ms) };
    if (num(r.no_page) === 0) {
      const path = String(r.page_path);
      out.pages.push({ path, ...stats, ...(bounces.get(path) ?? { entries: 0, bounces: 0 }) });
    } else if (num(r.no_day) === 0) out.daily.push({ date: dateOfDayNumber(num(r.day)), ...stats });
    else out.total = stats;
  }
  out.pages.sort((a, b) => b.views - a.views || (a.path < b.path ? -1 : 1));
  return out;
}

type PageMetrics = { views: number; uniqueUsers: number; bounceRate: number | null; avgLoadTimeMs: number | null; avgTimeOnPageMs: number | null };
type DayMetrics = { views: number; uniqueUsers: number };
export interface PagesData {
  total: PublishedRow<DayMetrics>;
  pages: Array<PublishedRow<PageMetrics>>;
  daily: Array<PublishedRow<DayMetrics>>;
}

const round = (x: number | null, digits = 0): number | null => (x === null ? null : Number(x.toFixed(digits)));

/** Views add up over pages and over days to the total; every other metric goes with its cell. */
export function publishPages(raw: PagesRaw, minGroupSize: number, options: { limit?: number } = {}): PagesData {
  const pageCells: Cell<PageMetrics>[] = raw.pages.map((p) => ({
    key: `page:${p.path}`, people: p.people,
    metrics: { views: p.views, uniqueUsers: p.people, bounceRate: p.entries > 0 ? round(p.bounces / p.entries, 4) : null, avgLoadTimeMs: round(p.loadMs), avgTimeOnPageMs: round(p.timeOnPageMs) },
  }));
  const dayCell = (key: string, s: PageStats): Cell<PageMetrics> => ({ key, people: s.people, metrics: { views: s.views, uniqueUsers: s.people, bounceRate: null, avgLoadTimeMs: null, avgTimeOnPageMs: null } });
  const p = publishCells([dayCell('total', raw.total), ...raw.daily.map((d) => dayCell(`day:${d.date}`, d)), ...pageCells], [
    relation('total', raw.pages.map((x) => `page:${x.path}`)),
    relation('total', raw.daily.map((d) => `day:${d.date}`)),
  ], minGroupSize);
  const dayRow = (cell: string, key: string): PublishedRow<DayMetrics> => {
    const row = p.row(cell);
    return row.suppressed ? { ...row, key } : { key, suppressed: false, views: row.views, uniqueUsers: row.uniqueUsers };
  };
  const withViews = new Set(raw.daily.map((d) => d.date));
  return {
    total: dayRow('total', 'total'),
    // Published pages by views, then withheld ones by path (their place would hint at their views).
    pages: [
      ...raw.pages.filter((x) => p.isPublished(`page:${x.path}`)),
      ...raw.pages.filter((x) => !p.isPublished(`page:${x.path}`)).sort((a, b) => (a.path < b.path ? -1 : 1)),
    ].slice(0, options.limit ?? 50).map((x) => ({ ...p.row(`page:${x.path}`), key: x.path })),
    daily: raw.days.map((date) => (withViews.has(date) ? dayRow(`day:${date}`, date) : { key: date, suppressed: false, views: 0, uniqueUsers: 0 })),
  };
}

export const pagesMetric: AggregateMetric<PagesRaw, PagesData, { limit?: number }> = {
  name: 'pages', release: 'pages', compute: (db, q) => computePages(db, q), publish: (raw, k, o) => publishPages(raw, k, o),
};
