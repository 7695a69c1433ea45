import { listOf, type Obj } from '../api/envelope.ts';
import { formatPercent } from '../api/metric.ts';
import { AnalyticsBlock, AnalyticsPage } from '../components/analytics-frame.tsx';
import { AutoTable } from '../components/auto-data.tsx';
import { BarChart } from '../components/bar-chart.tsx';
import { cell, isObj, pick } from '../api/envelope.ts';
import type { Route } from '../router.ts';

/** Mastery per subject and progress towards IEP goals, as aggregates. */
export function LearningView({ route }: { route: Route }) {
  return (
    <AnalyticsPage route={route} title="Mastery & IEP" lead="Per subject: the current mastery score, how much it improved, assessments completed and time to mastery; and progress on individual education plan (IEP) goals: baseline, current, target and how many are on track.">
      <div className="card">
        <h2>Mastery by subject</h2>
        <AnalyticsBlock<Obj> route={route} path="/api/v1/analytics/mastery" what="mastery">
          {(data) => {
            const rows = listOf(data, 'subjects', 'rows', 'mastery');
            return (
              <>
                <BarChart label="Current mastery score by subject" bars={rows.map((r) => ({ label: String(pick(r, 'key', 'subject') ?? '?'), value: cell(r, 'currentScore', 'current', 'score', 'meanScore') }))} />
                <AutoTable rows={rows} caption="Mastery by subject" labels={{ key: 'Subject' }} empty="No assessments in this period." />
              </>
            );
          }}
        </AnalyticsBlock>
      </div>
      <div className="card">
        <h2>IEP goal progress</h2>
        <AnalyticsBlock<Obj> route={route} path="/api/v1/analytics/iep" what="IEP progress">
          {(data) => {
            // A goal's row, with how many of its learners are on and off track beside it.
            const rows = listOf(data, 'goals', 'rows', 'iep').map((g) => (isObj(g.goal) ? { ...g.goal, onTrack: g.onTrack, offTrack: g.offTrack } : g));
            return (
              <>
                {typeof pick(data, 'onTrackPercent') === 'number' ? <p>On track overall: <strong>{formatPercent(pick(data, 'onTrackPercent') as number)}</strong> of learners with a goal.</p> : null}
                <BarChart label="Percent of target reached per goal" format={formatPercent} bars={rows.map((r) => ({ label: String(pick(r, 'key', 'goal') ?? '?'), value: cell(r, 'progressPercent', 'percent', 'percentOfTarget', 'progress') }))} />
                <AutoTable rows={rows} caption="IEP goals with baseline, current, target, percent and on-track count" labels={{ key: 'Goal' }} formats={{ progressPercent: formatPercent, percent: formatPercent }} empty="No goal progress in this period." />
              </>
            );
          }}
        </AnalyticsBlock>
      </div>
    </AnalyticsPage>
  );
}
