import { cell, listOf, pick, type Obj } from '../api/envelope.ts';
import { formatPercent } from '../api/metric.ts';
import { AnalyticsBlock, AnalyticsPage } from '../components/analytics-frame.tsx';
import { AutoTable } from '../components/auto-data.tsx';
import { BarChart } from '../components/bar-chart.tsx';
import { Funnel } from '../components/funnel.tsx';
import type { Route } from '../router.ts';

const VIEWS = ['views', 'viewed'];
const STARTS = ['starts', 'started'];
const COMPLETIONS = ['completions', 'completed'];

/** Funnel steps over all quests: the sums of published values (withheld ones are left out and said so). */
function totalFunnel(quests: Obj[], totals: unknown) {
  const sum = (names: string[]) => {
    const t = pick(totals, ...names);
    if (t !== undefined) return t;
    let n = 0;
    for (const q of quests) {
      const v = cell(q, ...names);
      if (typeof v === 'number') n += v;
      else if (v && typeof v === 'object' && typeof (v as { value?: unknown }).value === 'number') n += (v as { value: number }).value;
    }
    return n;
  };
  return [
    { label: 'Viewed', value: sum(VIEWS) },
    { label: 'Started', value: sum(STARTS) },
    { label: 'Completed', value: sum(COMPLETIONS) },
  ];
}

/** Popular quests (score = views + 2 × starts + 5 × completions), completion rates, and the funnel. */
export function QuestsView({ route }: { route: Route }) {
  return (
    <AnalyticsPage route={route} title="Quests" lead="The most popular quests (score = views + 2 × starts + 5 × completions), how many learners finish what they start, and where they drop off.">
      <AnalyticsBlock<Obj> route={route} path="/api/v1/analytics/quests" what="quests">
        {(data) => {
          const quests = listOf(data, 'quests', 'rows', 'popular');
          const anyWithheld = quests.some((q) => q.suppressed === true);
          return (
            <>
              <div className="card">
                <h2>Completion funnel</h2>
                <Funnel label="Quest completion funnel" steps={totalFunnel(quests, pick(data, 'total', 'totals', 'funnel'))} />
                {anyWithheld ? <p className="muted small">Quests withheld for privacy are not in the sums.</p> : null}
              </div>
              <div className="card">
                <h2>Popularity</h2>
                <BarChart label="Quest popularity score" bars={quests.slice(0, 10).map((q) => ({ label: String(pick(q, 'title', 'name', 'key') ?? '?'), value: cell(q, 'score', 'popularity') }))} />
              </div>
              <div className="card">
                <h2>All quests</h2>
                <AutoTable rows={quests} caption="Quests with views, starts, completions, completion rate and score" labels={{ key: 'Quest' }} formats={{ completionRate: formatPercent, completion_rate: formatPercent, abandonRate: formatPercent }} initialSort={{ key: 'score', dir: 'desc' }} empty="No quest activity in this period." />
              </div>
            </>
          );
        }}
      </AnalyticsBlock>
    </AnalyticsPage>
  );
}
