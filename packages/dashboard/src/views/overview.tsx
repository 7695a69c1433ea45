import { cell, dateOf, isObj, listOf, pick, publishedFields, type Obj } from '../api/envelope.ts';
import { AnalyticsBlock, AnalyticsPage } from '../components/analytics-frame.tsx';
import { AutoCards, pointOf, SeriesChart, StatCards } from '../components/auto-data.tsx';
import { formatNumber } from '../api/metric.ts';
import { BarChart } from '../components/bar-chart.tsx';
import { LineChart, type Series } from '../components/line-chart.tsx';
import type { Route } from '../router.ts';

const SERIES_FIELDS = [
  { name: 'activeUsers', label: 'Active learners' },
  { name: 'dau', label: 'Daily active' },
  { name: 'wau', label: 'Weekly active' },
  { name: 'mau', label: 'Monthly active' },
  { name: 'events', label: 'Events' },
];

/** Bars of a breakdown answer: rows keyed by name with one count each. */
function breakdownBars(rows: Obj[]) {
  return rows.map((r) => ({ label: String(pick(r, 'key', 'type', 'category', 'name') ?? '?'), value: cell(r, 'count', 'events', 'total', 'value') }));
}

/** Events per category, per day when the answer has days (one line each), else in total. */
function EventCounts({ data }: { data: unknown }) {
  const rows = listOf(data, 'categories', 'byCategory', 'counts', 'rows', 'totals');
  const daily = listOf(data, 'daily', 'series', 'days');
  const lines: Series[] = [];
  for (const d of daily) {
    const date = dateOf(d);
    if (!date) continue;
    const per = listOf(d, 'categories', 'byCategory', 'counts');
    const entries: Array<[string, unknown]> = per.length > 0 ? per.map((c) => [String(pick(c, 'key', 'category')), cell(c, 'count', 'events', 'value')]) : publishedFields(d, ['key', 'date', 'day', 'total']);
    for (const [name, v] of entries) {
      let s = lines.find((l) => l.name === name);
      if (!s) lines.push((s = { name, points: [] }));
      s.points.push(pointOf(date, v));
    }
  }
  return (
    <>
      {rows.length > 0 ? <BarChart label="Events by category" bars={breakdownBars(rows)} /> : <AutoCards data={data} />}
      {lines.length > 0 ? <LineChart label="Events per category per day" series={lines.slice(0, 8)} /> : null}
    </>
  );
}

/** Mean of the published values of the last `n` rows and of the `n` before them (withheld ones left out). */
function trendOf(rows: Obj[], field: string, n = 7): { recent: number; before: number } | null {
  const values = rows.map((r) => cell(r, field)).map((v) => (typeof v === 'number' ? v : isObj(v) && typeof v.value === 'number' ? v.value : null));
  const mean = (xs: Array<number | null>) => { const ok = xs.filter((x): x is number => x !== null); return ok.length ? ok.reduce((a, b) => a + b, 0) / ok.length : null; };
  const recent = mean(values.slice(-n));
  const before = mean(values.slice(-2 * n, -n));
  return recent === null || before === null ? null : { recent, before };
}

/** DAU/WAU/MAU, totals, the daily series and its trend, the interaction breakdown, events by category. */
export function OverviewView({ route }: { route: Route }) {
  return (
    <AnalyticsPage route={route} title="Overview" lead="Who is active and what they do: daily, weekly and monthly active learners, the trend over the period, and the mix of interactions.">
      <AnalyticsBlock<Obj> route={route} path="/api/v1/analytics/overview" what="the overview">
        {(data) => {
          const active = pick(data, 'activeUsers') ?? data;
          const totals = pick(data, 'totals', 'total');
          const daily = listOf(data, 'daily', 'series', 'days');
          const trend = trendOf(daily, 'activeUsers');
          const breakdown = listOf(data, 'byType', 'interactionTypes', 'interactions', 'breakdown', 'byCategory');
          return (
            <>
              <StatCards items={[
                { label: 'Daily active (DAU)', value: pick(active, 'daily', 'dau'), hint: 'on the last day' },
                { label: 'Weekly active (WAU)', value: pick(active, 'weekly', 'wau'), hint: 'in the last 7 days' },
                { label: 'Monthly active (MAU)', value: pick(active, 'monthly', 'mau'), hint: 'in the last 30 days' },
                ...(trend ? [{ label: 'Trend (mean DAU, last 7 days)', value: trend.recent, format: (n: number) => formatNumber(n, 1), hint: `${trend.recent >= trend.before ? '▲' : '▼'} ${formatNumber(Math.abs(trend.before === 0 ? 0 : ((trend.recent - trend.before) / trend.before) * 100), 1)} % against the 7 days before` }] : []),
              ]} />
              {isObj(totals) ? <AutoCards data={totals} /> : null}
              <div className="card">
                <h2>Active learners per day</h2>
                <SeriesChart rows={daily} fields={SERIES_FIELDS.filter((f) => f.name !== 'events')} label="Active learners per day" />
              </div>
              <div className="card">
                <h2>Events per day</h2>
                <SeriesChart rows={daily} fields={[{ name: 'events', label: 'Events' }]} label="Events per day" />
              </div>
              <div className="card">
                <h2>Interactions by type</h2>
                <BarChart label="Interactions by type" bars={breakdownBars(breakdown)} />
              </div>
            </>
          );
        }}
      </AnalyticsBlock>
      <div className="card">
        <h2>Events by category</h2>
        <AnalyticsBlock<unknown> route={route} path="/api/v1/analytics/event-counts" what="event counts">
          {(data) => <EventCounts data={data} />}
        </AnalyticsBlock>
      </div>
    </AnalyticsPage>
  );
}
