import { useId } from 'react';
import { formatNumber } from '../api/metric.ts';

export interface SeriesPoint {
  x: string;
  /** Null: suppressed or missing; the line breaks there. */
  y: number | null;
  low?: number | null;
  high?: number | null;
}

export interface Series {
  name: string;
  points: SeriesPoint[];
}

const W = 640;
const H = 220;
const PAD = { top: 12, right: 12, bottom: 28, left: 48 };

function niceMax(v: number): number {
  if (v <= 0) return 1;
  const p = 10 ** Math.floor(Math.log10(v));
  for (const m of [1, 2, 2.5, 5, 10]) if (m * p >= v) return m * p;
  return 10 * p;
}

/**
 * Lines over dates in inline SVG, with a shaded band where values carry an interval (DP). Gaps
 * mark suppressed points. The same numbers are available as a table for screen readers.
 */
export function LineChart({ series, label, format = (n: number) => formatNumber(n) }: { series: Series[]; label: string; format?: (n: number) => string }) {
  const id = useId();
  const xs = [...new Set(series.flatMap((s) => s.points.map((p) => p.x)))].sort();
  const values = series.flatMap((s) => s.points.flatMap((p) => [p.y, p.high ?? null])).filter((v): v is number => v !== null);
  const max = niceMax(Math.max(0, ...values));
  const x = (i: number) => PAD.left + (xs.length <= 1 ? (W - PAD.left - PAD.right) / 2 : (i * (W - PAD.left - PAD.right)) / (xs.length - 1));
  const y = (v: number) => PAD.top + (1 - Math.max(0, v) / max) * (H - PAD.top - PAD.bottom);
  const index = new Map(xs.map((v, i) => [v, i]));
  const ticks = [0, 0.25, 0.5, 0.75, 1].map((f) => f * max);
  const labelEvery = Math.max(1, Math.ceil(xs.length / 6));

  const path = (pts: SeriesPoint[]) => {
    let d = '';
    let pen = false;
    for (const p of pts) {
      if (p.y === null) { pen = false; continue; }
      d += `${pen ? 'L' : 'M'}${x(index.get(p.x)!).toFixed(1)},${y(p.y).toFixed(1)}`;
      pen = true;
    }
    return d;
  };
  const band = (pts: SeriesPoint[]) => {
    const withBand = pts.filter((p) => p.low !== undefined && p.low !== null && p.high !== undefined && p.high !== null);
    if (withBand.length < 2) return null;
    const top = withBand.map((p) => `${x(index.get(p.x)!).toFixed(1)},${y(p.high!).toFixed(1)}`);
    const bottom = withBand.slice().reverse().map((p) => `${x(index.get(p.x)!).toFixed(1)},${y(p.low!).toFixed(1)}`);
    return `M${top.join('L')}L${bottom.join('L')}Z`;
  };

  if (xs.length === 0) return <p className="state empty">No data in this period.</p>;
  return (
    <figure className="chart">
      <svg viewBox={`0 0 ${W} ${H}`} role="img" aria-labelledby={`${id}-t`} preserveAspectRatio="xMidYMid meet">
        <title id={`${id}-t`}>{label}</title>
        {ticks.map((t) => (
          <g key={t}>
            <line className="grid" x1={PAD.left} x2={W - PAD.right} y1={y(t)} y2={y(t)} />
            <text className="tick" x={PAD.left - 6} y={y(t) + 4} textAnchor="end">{format(t)}</text>
          </g>
        ))}
        {xs.map((v, i) => (i % labelEvery === 0 || i === xs.length - 1 ? <text key={v} className="tick" x={x(i)} y={H - 8} textAnchor="middle">{v.slice(5)}</text> : null))}
        {series.map((s, i) => {
          const b = band(s.points);
          return (
            <g key={s.name} className={`series s${i}`}>
              {b ? <path className="band" d={b} /> : null}
              <path className="line" d={path(s.points)} />
              {s.points.length <= 40 ? s.points.map((p) => (p.y === null ? null : <circle key={p.x} cx={x(index.get(p.x)!)} cy={y(p.y)} r={2.5}><title>{`${s.name} ${p.x}: ${format(p.y)}`}</title></circle>)) : null}
            </g>
          );
        })}
      </svg>
      {series.length > 1 ? (
        <figcaption className="legend">
          {series.map((s, i) => <span key={s.name} className={`key s${i}`}><span className="swatch" aria-hidden="true" />{s.name}</span>)}
        </figcaption>
      ) : null}
      <details className="as-table">
        <summary>Show as table</summary>
        <div className="table-wrap">
          <table>
            <thead><tr><th scope="col">Date</th>{series.map((s) => <th key={s.name} scope="col">{s.name}</th>)}</tr></thead>
            <tbody>
              {xs.map((v) => (
                <tr key={v}>
                  <th scope="row">{v}</th>
                  {series.map((s) => {
                    const p = s.points.find((q) => q.x === v);
                    return <td key={s.name}>{p?.y === null || p === undefined ? 'suppressed' : `${format(p.y)}${p.low != null && p.high != null ? ` (${format(p.low)}–${format(p.high)})` : ''}`}</td>;
                  })}
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      </details>
    </figure>
  );
}
