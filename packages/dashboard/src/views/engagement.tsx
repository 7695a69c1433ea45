import { listOf, pick, type Obj } from '../api/envelope.ts';
import { formatDuration } from '../api/metric.ts';
import { AnalyticsBlock, AnalyticsPage } from '../components/analytics-frame.tsx';
import { AutoCards, AutoTable, SeriesChart } from '../components/auto-data.tsx';
import type { Route } from '../router.ts';

const seconds = (n: number) => formatDuration(n * 1000);
const DURATIONS = {
  meanDurationSeconds: seconds, medianDurationSeconds: seconds, meanDurationMs: formatDuration, medianDurationMs: formatDuration, avgDurationMs: formatDuration, mean_duration_ms: formatDuration, median_duration_ms: formatDuration };

/** Sessions (count, mean and median length, hours, trend) and weekly active, new, returning and churned learners. */
export function EngagementView({ route }: { route: Route }) {
  return (
    <AnalyticsPage route={route} title="Sessions & weekly active" lead="How often and how long learners come, and week by week how many are active, new, returning or have stopped coming (churned).">
      <div className="card">
        <h2>Sessions</h2>
        <AnalyticsBlock<Obj> route={route} path="/api/v1/analytics/sessions" what="sessions">
          {(data) => (
            <>
              <AutoCards data={pick(data, 'total', 'totals', 'summary') ?? data} formats={DURATIONS} />
              <SeriesChart rows={listOf(data, 'daily', 'trend', 'series', 'days')} fields={[{ name: 'sessions', label: 'Sessions' }, { name: 'count', label: 'Sessions' }, { name: 'totalHours', label: 'Hours' }]} label="Sessions per day" />
            </>
          )}
        </AnalyticsBlock>
      </div>
      <div className="card">
        <h2>Weekly active learners</h2>
        <AnalyticsBlock<Obj> route={route} path="/api/v1/analytics/weekly-active" what="weekly active learners">
          {(data) => {
            const weeks = listOf(data, 'weeks', 'rows', 'series');
            return (
              <>
                <SeriesChart rows={weeks} fields={[{ name: 'active', label: 'Active' }, { name: 'new', label: 'New' }, { name: 'returning', label: 'Returning' }, { name: 'churned', label: 'Churned' }]} label="Active, new, returning and churned learners per week" />
                <AutoTable rows={weeks} caption="Learners per week" labels={{ key: 'Week' }} empty="No learner activity in this period." />
              </>
            );
          }}
        </AnalyticsBlock>
      </div>
    </AnalyticsPage>
  );
}
