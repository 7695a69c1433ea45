import type { Route } from '../router.ts';
import { setParams } from '../router.ts';
import { daysAgo, filtersOf, today } from '../period.ts';
import { LEVEL_TEXT, levelName } from './privacy-badge.tsx';

export const PRIVACY_LEVELS = ['anonymized', 'dp_low', 'dp_medium', 'dp_high'] as const;

export { filtersOf, type Filters } from '../period.ts';

const PRESETS = [
  { days: 7, label: '7 days' },
  { days: 30, label: '30 days' },
  { days: 90, label: '90 days' },
  { days: 365, label: '1 year' },
];

/** Date-range picker with presets, and the privacy level selector. */
export function FilterBar({ route, showLevel = true }: { route: Route; showLevel?: boolean }) {
  const f = filtersOf(route);
  return (
    <form className="filters" onSubmit={(e) => e.preventDefault()} aria-label="Period and privacy level">
      <fieldset className="range">
        <legend className="visually-hidden">Period</legend>
        <label>From <input type="date" value={f.from} max={f.to} onChange={(e) => e.target.value && setParams(route, { from: e.target.value })} /></label>
        <label>To <input type="date" value={f.to} min={f.from} onChange={(e) => e.target.value && setParams(route, { to: e.target.value })} /></label>
        <span className="presets" role="group" aria-label="Quick periods">
          {PRESETS.map((p) => (
            <button key={p.days} type="button" className="chip" aria-pressed={f.from === daysAgo(p.days) && f.to === today()} onClick={() => setParams(route, { from: daysAgo(p.days), to: today() })}>
              {p.label}
            </button>
          ))}
        </span>
      </fieldset>
      {showLevel ? (
        <label className="level">
          Privacy level{' '}
          <select value={f.level} onChange={(e) => setParams(route, { level: e.target.value })} title={LEVEL_TEXT[f.level]}>
            {PRIVACY_LEVELS.map((l) => <option key={l} value={l}>{levelName(l)}</option>)}
          </select>
        </label>
      ) : null}
    </form>
  );
}
