import type { ReactNode } from 'react';
import { cell, dateOf, humanize, isObj, isPublished, publishedFields, rowSuppressed, type Obj } from '../api/envelope.ts';
import { readMetric } from '../api/metric.ts';
import { DataTable, sortMetric, type Column } from './data-table.tsx';
import { LineChart, type SeriesPoint } from './line-chart.tsx';
import { MetricValue } from './metric-value.tsx';

export type Format = (n: number) => string;

/** Big numbers in a row of cards; each keeps its published form (exact, suppressed, DP with interval). */
export function StatCards({ items }: { items: Array<{ label: string; value: unknown; format?: Format; hint?: string }> }) {
  const shown = items.filter((i) => i.value !== undefined);
  if (shown.length === 0) return null;
  return (
    <dl className="cards">
      {shown.map((i) => (
        <div key={i.label} className="card stat">
          <dt>{i.label}</dt>
          <dd><MetricValue value={i.value} format={i.format} /></dd>
          {i.hint ? <dd className="muted small">{i.hint}</dd> : null}
        </div>
      ))}
    </dl>
  );
}

/** Every published number of an object, as cards (for answers whose fields this view does not name). */
export function AutoCards({ data, skip = [], formats = {} }: { data: unknown; skip?: string[]; formats?: Record<string, Format> }) {
  return <StatCards items={publishedFields(data, skip).map(([k, v]) => ({ label: humanize(k), value: v, format: formats[k] }))} />;
}

/** A point of a series from a published value (suppressed cells break the line). */
export function pointOf(x: string, v: unknown): SeriesPoint {
  const m = readMetric(v);
  if (m.kind === 'dp') return { x, y: m.value, low: m.low, high: m.high };
  if (m.kind === 'exact') return { x, y: m.value };
  return { x, y: null };
}

/** A line per named field over the rows' dates. */
export function SeriesChart({ rows, fields, label, format }: { rows: Obj[]; fields: Array<{ name: string; label: string }>; label: string; format?: Format }) {
  const dated = rows.map((r) => [dateOf(r), r] as const).filter((p): p is readonly [string, Obj] => p[0] !== null);
  const present = fields.filter((f) => dated.some(([, r]) => r[f.name] !== undefined || rowSuppressed(r)));
  if (dated.length === 0 || present.length === 0) return <p className="state empty">No data in this period.</p>;
  return <LineChart label={label} format={format} series={present.map((f) => ({ name: f.label, points: dated.map(([d, r]) => pointOf(d, cell(r, f.name))) }))} />;
}

/** Columns for the fields rows have, in first-seen order; numbers sortable and right-aligned. */
export function autoColumns(rows: Obj[], options: { skip?: string[]; formats?: Record<string, Format>; labels?: Record<string, string>; render?: Record<string, (row: Obj) => ReactNode> } = {}): Array<Column<Obj>> {
  const skip = new Set(['suppressed', 'reason', ...(options.skip ?? [])]);
  const names: string[] = [];
  for (const r of rows) for (const k of Object.keys(r)) if (!skip.has(k) && !names.includes(k)) names.push(k);
  return names.map((k) => {
    const numeric = rows.some((r) => isPublished(r[k]));
    const custom = options.render?.[k];
    return {
      key: k,
      header: options.labels?.[k] ?? (k === 'key' ? 'Name' : humanize(k)),
      numeric,
      sortBy: numeric ? (r: Obj) => sortMetric(cell(r, k)) : (r: Obj) => (r[k] === undefined || r[k] === null ? null : String(r[k])),
      render: custom ?? ((r: Obj) => {
        if (k === 'key') return <>{String(r.key)}{rowSuppressed(r) ? <span className="muted small"> (withheld)</span> : null}</>;
        const v = cell(r, k);
        if (numeric) return <MetricValue value={v} format={options.formats?.[k]} />;
        if (v === undefined || v === null) return <span className="muted">—</span>;
        if (Array.isArray(v)) return v.map((x) => (isObj(x) ? JSON.stringify(x) : String(x))).join(', ');
        if (isObj(v)) return <code className="small">{JSON.stringify(v)}</code>;
        return String(v);
      }),
    };
  });
}

/** A sortable table of whatever rows an answer holds. */
export function AutoTable({ rows, caption, skip, formats, labels, render, initialSort, empty }: {
  rows: Obj[];
  caption: string;
  skip?: string[];
  formats?: Record<string, Format>;
  labels?: Record<string, string>;
  render?: Record<string, (row: Obj) => ReactNode>;
  initialSort?: { key: string; dir: 'asc' | 'desc' };
  empty?: string;
}) {
  return <DataTable caption={caption} rows={rows} rowKey={(r, i) => `${String(r.key ?? r.id ?? '')}-${i}`} columns={autoColumns(rows, { skip, formats, labels, render })} initialSort={initialSort} empty={empty} />;
}
