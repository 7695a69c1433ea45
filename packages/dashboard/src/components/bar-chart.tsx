import { formatNumber, readMetric } from '../api/metric.ts';
import { MetricValue } from './metric-value.tsx';

export interface Bar {
  label: string;
  /** A published value in any of the API's forms (number, suppressed cell, DP value). */
  value: unknown;
}

/**
 * Horizontal bars (labels stay readable at phone width). Suppressed cells get a hatched stub and
 * the word; DP values a whisker for their interval.
 */
export function BarChart({ bars, label, format = (n: number) => formatNumber(n) }: { bars: Bar[]; label: string; format?: (n: number) => string }) {
  if (bars.length === 0) return <p className="state empty">No data in this period.</p>;
  const metrics = bars.map((b) => readMetric(b.value));
  const max = Math.max(1, ...metrics.map((m) => (m.kind === 'dp' ? Math.max(m.value, m.high ?? 0) : m.kind === 'exact' ? m.value : 0)));
  const pct = (v: number) => `${Math.max(0, Math.min(100, (v / max) * 100)).toFixed(2)}%`;
  return (
    <figure className="bars" aria-label={label}>
      <ul>
        {bars.map((b, i) => {
          const m = metrics[i]!;
          return (
            <li key={`${b.label}-${i}`}>
              <span className="bar-label" title={b.label}>{b.label}</span>
              <span className="bar-track" aria-hidden="true">
                {m.kind === 'suppressed' ? <span className="bar-fill hatched" style={{ width: '6%' }} /> : null}
                {m.kind === 'exact' || m.kind === 'dp' ? <span className="bar-fill" style={{ width: pct(m.value) }} /> : null}
                {m.kind === 'dp' && m.low !== null && m.high !== null ? <span className="whisker" style={{ left: pct(m.low), width: `calc(${pct(m.high)} - ${pct(m.low)})` }} /> : null}
              </span>
              <span className="bar-value"><MetricValue value={b.value} format={format} /></span>
            </li>
          );
        })}
      </ul>
    </figure>
  );
}
