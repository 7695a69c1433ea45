import { cell, humanize, listOf, pick, type Obj } from '../api/envelope.ts';
import { AnalyticsBlock, AnalyticsPage } from '../components/analytics-frame.tsx';
import { AutoCards, AutoTable, SeriesChart } from '../components/auto-data.tsx';
import { BarChart } from '../components/bar-chart.tsx';
import type { Route } from '../router.ts';

/** Error counts by type and over time, and the recent errors (scrubbed at ingest). */
export function ErrorsView({ route }: { route: Route }) {
  return (
    <AnalyticsPage route={route} title="Errors" lead="Front-end and API errors: how many of each type, how that changes over time, and the latest ones with their component. Messages were scrubbed of personal data before they were stored.">
      <AnalyticsBlock<Obj> route={route} path="/api/v1/analytics/errors" what="errors">
        {(data) => {
          const daily = listOf(data, 'daily', 'series', 'overTime', 'days');
          const byType = listOf(data, 'byType', 'types', 'counts');
          const recent = listOf(data, 'recent', 'recentErrors', 'log');
          const typeFields = [...new Set(daily.flatMap((d) => Object.keys(d)))].filter((k) => !['key', 'date', 'day', 'suppressed', 'reason', 'users'].includes(k));
          return (
            <>
              <AutoCards data={pick(data, 'total', 'totals') ?? data} />
              <div className="card">
                <h2>Errors over time</h2>
                <SeriesChart rows={daily} fields={typeFields.map((k) => ({ name: k, label: humanize(k) }))} label="Errors per day" />
              </div>
              <div className="card">
                <h2>By type</h2>
                <BarChart label="Errors by type" bars={byType.map((t) => ({ label: String(pick(t, 'key', 'type') ?? '?'), value: cell(t, 'errors', 'count', 'total', 'value') }))} />
              </div>
              <div className="card">
                <h2>Recent errors</h2>
                <AutoTable rows={recent} caption="Recent errors with type, message and component" skip={['stack', 'stackTrace']} render={{ occurredAt: (r) => <time dateTime={String(r.occurredAt)}>{new Date(String(r.occurredAt)).toLocaleString()}</time> }} labels={{ occurredAt: 'When' }} initialSort={{ key: 'occurredAt', dir: 'desc' }} empty="No errors in this period." />
              </div>
            </>
          );
        }}
      </AnalyticsBlock>
    </AnalyticsPage>
  );
}
