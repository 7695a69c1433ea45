import { formatNumber, metricNumber } from '../api/metric.ts';
import { MetricValue } from './metric-value.tsx';

/** Steps of a funnel (viewed → started → completed), each with its share of the first step. */
export function Funnel({ steps, label }: { steps: Array<{ label: string; value: unknown }>; label: string }) {
  const first = metricNumber(steps[0]?.value);
  return (
    <ol className="funnel" aria-label={label}>
      {steps.map((s, i) => {
        const n = metricNumber(s.value);
        const share = first && n !== null ? n / first : null;
        const prev = i > 0 ? metricNumber(steps[i - 1]!.value) : null;
        return (
          <li key={s.label}>
            <span className="funnel-bar" style={{ width: `${Math.max(4, (share ?? 0) * 100).toFixed(1)}%` }} aria-hidden="true" />
            <span className="funnel-text">
              <strong>{s.label}</strong> <MetricValue value={s.value} />
              {share !== null && i > 0 ? <span className="muted"> · {formatNumber(share * 100, 1)} % of first step{prev ? `, ${formatNumber((n! / prev) * 100, 1)} % of previous` : ''}</span> : null}
            </span>
          </li>
        );
      })}
    </ol>
  );
}
