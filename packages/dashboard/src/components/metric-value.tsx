import { formatNumber, readMetric } from '../api/metric.ts';

export interface MetricValueProps {
  value: unknown;
  /** How to write a number (counts by default). */
  format?: (n: number) => string;
}

/**
 * A published number in words: exact; "suppressed" (fewer people than the level's minimum group
 * behind it); or a differentially private value with its 95 % interval.
 */
export function MetricValue({ value, format = (n) => formatNumber(n) }: MetricValueProps) {
  const m = readMetric(value);
  switch (m.kind) {
    case 'exact':
      return <span className="metric">{format(m.value)}</span>;
    case 'missing':
      return <span className="metric missing" title="No value">—</span>;
    case 'suppressed':
      return (
        <span className="metric suppressed" title={m.reason ?? 'Suppressed: too few learners behind this number to publish it safely'}>
          <span aria-hidden="true">▨ </span>suppressed
        </span>
      );
    case 'dp':
      return (
        <span className="metric dp" title={`Differentially private${m.epsilon ? ` (ε = ${m.epsilon})` : ''}; 95 % interval for the true value`}>
          {format(m.value)}
          {m.low !== null && m.high !== null ? <span className="interval"> ({format(m.low)}–{format(m.high)})</span> : <span className="interval"> (noisy)</span>}
        </span>
      );
  }
}
