import { isObj, listOf, pick, type Obj } from '../../api/envelope.ts';
import { formatNumber } from '../../api/metric.ts';
import { useApi } from '../../api/use-api.ts';
import { AutoTable } from '../../components/auto-data.tsx';
import { levelName } from '../../components/privacy-badge.tsx';
import { Show } from '../../components/states.tsx';

const LEVELS = '/api/v1/privacy/levels';
const BUDGET = '/api/v1/privacy/budget';

/** A number from "1/2", 0.5 or {value}. */
function amount(v: unknown): number | null {
  if (typeof v === 'number') return v;
  if (typeof v === 'string') { const [a, b] = v.split('/'); const n = Number(a) / (b === undefined ? 1 : Number(b)); return Number.isFinite(n) ? n : null; }
  return isObj(v) ? amount(v.value) : null;
}

/** The privacy levels aggregates are published at, and the tenant's differential-privacy budget use. */
export function LevelsView() {
  const levels = useApi<Obj>(LEVELS);
  const budget = useApi<Obj>(BUDGET);
  return (
    <section>
      <h1 tabIndex={-1}>Privacy levels & budget</h1>
      <p className="lead">Every aggregate leaves Ebb at a declared level: exact with small groups withheld, or differentially private with noise whose size the level sets. DP releases spend a per-tenant budget (ε), recorded in a ledger.</p>
      <div className="card">
        <h2>Levels</h2>
        <Show loaded={levels} path={LEVELS} what="privacy levels">
          {(data) => (
            <>
              {typeof pick(data, 'release_level') === 'string' ? <p>This tenant's weekly releases are computed at <strong>{levelName(String(pick(data, 'release_level')))}</strong>; pick the level of each view with the selector above its numbers.</p> : null}
              <AutoTable rows={listOf(data, 'privacy_levels', 'levels')} caption="Privacy levels" labels={{ k: 'k (smallest group)', released_weekly: 'Released weekly' }} render={{ level: (r) => <strong>{levelName(String(r.level))}</strong>, k: (r) => String(r.k) }} />
            </>
          )}
        </Show>
      </div>
      <div className="card">
        <h2>Budget</h2>
        <Show loaded={budget} path={BUDGET} what="the privacy budget">
          {(data) => {
            const windows = listOf(data, 'windows');
            const cap = amount(pick(data, 'window_cap_epsilon', 'total', 'limit'));
            const current = windows[0];
            const spent = current ? amount(pick(current, 'spent_epsilon', 'spent')) : 0;
            const trailing = pick(data, 'trailing_12_months');
            return (
              <>
                <p>Level <strong>{levelName(String(pick(data, 'level') ?? '—'))}</strong>; cap per {String(pick(data, 'window') ?? 'window').replace('iso_week', 'ISO week')}: ε <strong>{String(pick(data, 'window_cap_epsilon') ?? '—')}</strong>{isObj(trailing) ? <>; spent in the last 12 months: ε <strong>{String(trailing.spent_epsilon)}</strong></> : null}.</p>
                {cap !== null && Number.isFinite(cap) && spent !== null ? (
                  <div className="budget" data-testid="budget">
                    <meter min={0} max={cap} value={spent} low={cap * 0.5} high={cap * 0.8} optimum={0}>{formatNumber(spent, 2)} of {formatNumber(cap, 2)}</meter>
                    <p className="muted small">{current ? `Week from ${String(current.window_start).slice(0, 10)}: ε ${String(current.spent_epsilon)} spent, ${String(current.remaining_epsilon)} remaining.` : 'Nothing spent yet: no release has been computed.'}</p>
                  </div>
                ) : <p className="muted">{cap === null || !Number.isFinite(cap) ? 'No cap: this tenant publishes exact (anonymised) values only, which spend no ε.' : ''}</p>}
                {windows.length > 0 ? <><h3>Per week</h3><AutoTable rows={windows} caption="Privacy budget per week" labels={{ window_start: 'Week from', window_end: 'To' }} /></> : <p className="state empty">No releases yet.</p>}
              </>
            );
          }}
        </Show>
      </div>
    </section>
  );
}
