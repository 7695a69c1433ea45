import { useState, type ReactNode } from 'react';
import { metricNumber } from '../api/metric.ts';

export interface Column<R> {
  key: string;
  header: string;
  render: (row: R) => ReactNode;
  /** Value to sort by; columns without one do not sort. */
  sortBy?: (row: R) => number | string | null;
  numeric?: boolean;
}

/** A published value as a sort key (suppressed cells sort last). */
export const sortMetric = (v: unknown): number | null => metricNumber(v);

/** A table whose sortable columns sort on a click or Enter (buttons in the headers, aria-sort set). */
export function DataTable<R>({ columns, rows, rowKey, caption, initialSort, empty = 'Nothing to show.' }: {
  columns: Array<Column<R>>;
  rows: R[];
  rowKey: (row: R, index: number) => string;
  caption: string;
  initialSort?: { key: string; dir: 'asc' | 'desc' };
  empty?: string;
}) {
  const [sort, setSort] = useState(initialSort ?? null);
  const col = sort ? columns.find((c) => c.key === sort.key) : undefined;
  const sorted = col?.sortBy
    ? rows.slice().sort((a, b) => {
        const x = col.sortBy!(a);
        const y = col.sortBy!(b);
        if (x === null && y === null) return 0;
        if (x === null) return 1;
        if (y === null) return -1;
        const c = typeof x === 'number' && typeof y === 'number' ? x - y : String(x).localeCompare(String(y));
        return sort!.dir === 'asc' ? c : -c;
      })
    : rows;
  return (
    <div className="table-wrap">
      <table>
        <caption className="visually-hidden">{caption}</caption>
        <thead>
          <tr>
            {columns.map((c) => {
              const active = sort?.key === c.key;
              return (
                <th key={c.key} scope="col" className={c.numeric ? 'num' : undefined} aria-sort={active ? (sort!.dir === 'asc' ? 'ascending' : 'descending') : c.sortBy ? 'none' : undefined}>
                  {c.sortBy ? (
                    <button type="button" className="sort" onClick={() => setSort(active && sort!.dir === 'desc' ? { key: c.key, dir: 'asc' } : { key: c.key, dir: 'desc' })}>
                      {c.header}<span aria-hidden="true">{active ? (sort!.dir === 'asc' ? ' ▲' : ' ▼') : ' ↕'}</span>
                    </button>
                  ) : c.header}
                </th>
              );
            })}
          </tr>
        </thead>
        <tbody>
          {sorted.length === 0 ? <tr><td colSpan={columns.length} className="state empty">{empty}</td></tr> : null}
          {sorted.map((r, i) => (
            <tr key={rowKey(r, i)}>
              {columns.map((c) => <td key={c.key} className={c.numeric ? 'num' : undefined}>{c.render(r)}</td>)}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
