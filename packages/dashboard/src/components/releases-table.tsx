import { humanize, releasesByMetric, type ReleasedValue } from '../api/envelope.ts';
import { BarChart } from './bar-chart.tsx';
import { LineChart } from './line-chart.tsx';

const DAY = /^\d{4}-\d{2}-\d{2}/;

/**
 * A differentially private release as stored by the ETL: per metric, its values with their 95 %
 * interval (a line with a band over dates, bars otherwise), withheld values marked.
 */
export function ReleasesTable({ releases }: { releases: ReleasedValue[] }) {
  if (releases.length === 0) return <p className="state empty">The release holds no values for this period.</p>;
  return (
    <>
      {[...releasesByMetric(releases)].map(([metric, values]) => {
        const dated = values.every((v) => v.key !== null && DAY.test(v.key));
        return (
          <div key={metric} className="card">
            <h2>{humanize(metric)}</h2>
            {dated && values.length > 1 ? (
              <LineChart
                label={`${humanize(metric)} per day, with 95 % intervals`}
                series={[{ name: humanize(metric), points: values.map((v) => ({ x: v.key!.slice(0, 10), y: v.suppressed ? null : v.value, low: v.interval95?.low ?? null, high: v.interval95?.high ?? null })) }]}
              />
            ) : (
              <BarChart label={humanize(metric)} bars={values.map((v) => ({ label: v.key ?? 'total', value: v }))} />
            )}
            <p className="muted small">Mechanism {values[0]?.mechanism}, ε {values[0]?.epsilon} per value{values[0]?.scale ? `, scale ${values[0].scale}` : ''}.</p>
          </div>
        );
      })}
    </>
  );
}
