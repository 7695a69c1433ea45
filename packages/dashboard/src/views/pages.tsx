import { listOf, pick, type Obj } from '../api/envelope.ts';
import { formatDuration, formatPercent } from '../api/metric.ts';
import { AnalyticsBlock, AnalyticsPage } from '../components/analytics-frame.tsx';
import { AutoCards, AutoTable, SeriesChart } from '../components/auto-data.tsx';
import type { Route } from '../router.ts';

const FORMATS = {
  bounceRate: formatPercent, bounce_rate: formatPercent,
  avgLoadTimeMs: formatDuration, loadTimeMs: formatDuration, avg_load_time_ms: formatDuration, meanLoadTimeMs: formatDuration, medianLoadTimeMs: formatDuration,
  avgTimeOnPageMs: formatDuration, timeOnPageMs: formatDuration, avg_time_on_page_ms: formatDuration, meanTimeOnPageMs: formatDuration,
};

/** Per page: views, unique users, bounce rate, load time, time on page; and views per day. */
export function PagesView({ route }: { route: Route }) {
  return (
    <AnalyticsPage route={route} title="Pages" lead="Which pages learners open, how many different learners, how often they leave at once (bounce), how fast pages load and how long people stay.">
      <AnalyticsBlock<Obj> route={route} path="/api/v1/analytics/pages" what="page analytics">
        {(data) => {
          const pages = listOf(data, 'pages', 'rows', 'byPage');
          return (
            <>
              <AutoCards data={pick(data, 'total', 'totals') ?? data} formats={FORMATS} />
              <div className="card">
                <h2>Page views per day</h2>
                <SeriesChart rows={listOf(data, 'daily', 'series', 'days')} fields={[{ name: 'views', label: 'Views' }, { name: 'uniqueUsers', label: 'Unique users' }, { name: 'unique_users', label: 'Unique users' }]} label="Page views per day" />
              </div>
              <div className="card">
                <h2>By page</h2>
                <AutoTable rows={pages} caption="Pages with views, unique users, bounce rate, load time and time on page" skip={['daily']} formats={FORMATS} labels={{ key: 'Page' }} initialSort={{ key: pages[0] && 'views' in pages[0] ? 'views' : 'key', dir: 'desc' }} empty="No page views in this period." />
              </div>
            </>
          );
        }}
      </AnalyticsBlock>
    </AnalyticsPage>
  );
}
