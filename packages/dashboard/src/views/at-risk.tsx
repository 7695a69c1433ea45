import { useState } from 'react';
import { humanize, isObj, listOf, pick, type AnalyticsEnvelope, type Obj } from '../api/envelope.ts';
import { formatNumber } from '../api/metric.ts';
import { useApi } from '../api/use-api.ts';
import { analyticsQuery } from '../components/analytics-frame.tsx';
import { DataTable } from '../components/data-table.tsx';
import { FilterBar } from '../components/filters.tsx';
import { PrivacyBadge } from '../components/privacy-badge.tsx';
import { Show } from '../components/states.tsx';
import { hrefOf, setParams, type Route } from '../router.ts';

const PATH = '/api/v1/analytics/at-risk';
const LEVELS = ['at_risk', 'low', 'medium', 'high'] as const;
const LEVEL_TEXT: Record<string, string> = { at_risk: 'At risk', low: 'Low engagement', medium: 'Medium', high: 'Engaged' };

/** The factors behind a score, as [name, contribution to the score, detail]. */
export function factorsOf(row: Obj): Array<{ name: string; contribution: number | null; detail: string }> {
  const f = pick(row, 'factors', 'breakdown', 'factorBreakdown');
  const entries: Array<[string, unknown]> = Array.isArray(f) ? f.filter(isObj).map((x) => [String(pick(x, 'name', 'factor', 'key') ?? '?'), x]) : isObj(f) ? Object.entries(f) : [];
  return entries.map(([name, v]) => {
    if (typeof v === 'number') return { name, contribution: v, detail: '' };
    const c = pick(v, 'contribution', 'weighted', 'points', 'score');
    const raw = pick(v, 'value', 'raw', 'normalized', 'normalised');
    const weight = pick(v, 'weight');
    const detail = [raw !== undefined ? `value ${typeof raw === 'number' ? formatNumber(raw, 2) : String(raw)}` : null, typeof weight === 'number' ? `weight ${formatNumber(weight * (weight <= 1 ? 100 : 1))} %` : null].filter(Boolean).join(', ');
    return { name, contribution: typeof c === 'number' ? c : null, detail };
  });
}

function Factors({ row }: { row: Obj }) {
  const fs = factorsOf(row);
  if (fs.length === 0) return <span className="muted">—</span>;
  const max = Math.max(0.0001, ...fs.map((f) => f.contribution ?? 0));
  return (
    <ul className="factors">
      {fs.map((f) => (
        <li key={f.name} title={f.detail}>
          <span className="factor-name">{humanize(f.name)}</span>
          <span className="factor-bar" aria-hidden="true"><span style={{ width: `${(((f.contribution ?? 0) / max) * 100).toFixed(1)}%` }} /></span>
          <span className="factor-value">{f.contribution === null ? f.detail : formatNumber(f.contribution, 2)}</span>
        </li>
      ))}
    </ul>
  );
}

const idOf = (r: Obj): string => String(pick(r, 'userId', 'learner', 'subjectId', 'subject', 'key', 'id') ?? '');
/** The app's user id when the answer gives one (the journey opens by it); Ebb's own subject ids do not open it. */
const userIdOf = (r: Obj): string | null => { const u = pick(r, 'userId', 'learner'); return typeof u === 'string' ? u : null; };
const inactiveOf = (r: Obj): number | null => { const d = pick(pick(r, 'activity'), 'daysSinceLastActivity', 'daysInactive'); return typeof d === 'number' ? d : null; };
const scoreOf = (r: Obj): number | null => { const s = pick(r, 'score', 'riskScore', 'risk'); return typeof s === 'number' ? s : isObj(s) && typeof s.value === 'number' ? s.value : null; };
const levelOf = (r: Obj): string => String(pick(r, 'level', 'engagementLevel', 'engagement') ?? '');

/** Learners whose dropout-risk score is over the threshold, with the factors behind each score. */
export function AtRiskView({ route, canOpen }: { route: Route; canOpen: boolean }) {
  const threshold = route.params.get('threshold') ?? '0.7';
  const [filter, setFilter] = useState('');
  const [level, setLevel] = useState('');
  const loaded = useApi<AnalyticsEnvelope<unknown> | Obj>(PATH, analyticsQuery(route, { threshold, limit: 200, privacy_level: undefined }));
  return (
    <section>
      <h1 tabIndex={-1}>Learners at risk</h1>
      <p className="lead">Dropout-risk scores (0 engaged – 1 at risk) from days inactive, login frequency, quest completion, session length and streak; each row shows why. Individuals: for owners and admins only.</p>
      <FilterBar route={route} showLevel={false} />
      <form className="filters" onSubmit={(e) => e.preventDefault()} aria-label="Threshold and filters">
        <label>Score at least <input type="number" min={0} max={1} step={0.05} value={threshold} onChange={(e) => setParams(route, { threshold: e.target.value })} /></label>
        <label>Engagement level <select value={level} onChange={(e) => setLevel(e.target.value)}><option value="">any</option>{LEVELS.map((l) => <option key={l} value={l}>{LEVEL_TEXT[l]}</option>)}</select></label>
        <label>Learner contains <input type="search" value={filter} onChange={(e) => setFilter(e.target.value)} /></label>
      </form>
      <Show loaded={loaded} path={PATH} what="learners at risk">
        {(answer) => {
          const data = isObj(answer) && 'data' in answer ? answer.data : answer;
          const rows = listOf(data, 'learners', 'rows', 'atRisk', 'students');
          const shown = rows.filter((r) => (level === '' || levelOf(r) === level) && (filter === '' || idOf(r).toLowerCase().includes(filter.toLowerCase())));
          return (
            <div className="card" data-testid="data-at-risk">
              <p className="privacy-note"><PrivacyBadge level="individual" /> <span className="muted small">{formatNumber(shown.length)} of {formatNumber(rows.length)} learners over the threshold shown{typeof pick(data, 'learnersScored') === 'number' ? `, out of ${formatNumber(pick(data, 'learnersScored') as number)} scored` : ''}. Learners are named by Ebb's pseudonymous subject ids (the app's user ids are never stored); open one's journey by the app's user id.</span></p>
              <DataTable<Obj>
                caption="Learners at risk with score, engagement level and factors"
                rows={shown}
                rowKey={(r, i) => `${idOf(r)}-${i}`}
                initialSort={{ key: 'score', dir: 'desc' }}
                empty="No learner is over this threshold in the period."
                columns={[
                  { key: 'learner', header: 'Learner', sortBy: idOf, render: (r) => { const u = userIdOf(r); return canOpen && u ? <a href={hrefOf('/journey', { learner: u })}>{u}</a> : <code className="small">{idOf(r)}</code>; } },
                  { key: 'inactive', header: 'Days inactive', numeric: true, sortBy: inactiveOf, render: (r) => { const d = inactiveOf(r); return d === null ? '—' : formatNumber(d); } },
                  { key: 'score', header: 'Score', numeric: true, sortBy: scoreOf, render: (r) => { const s = scoreOf(r); return s === null ? '—' : <meter min={0} max={1} low={0.3} high={0.6} optimum={0} value={s} title={formatNumber(s, 2)}>{formatNumber(s, 2)}</meter>; } },
                  { key: 'value', header: '', numeric: true, render: (r) => { const s = scoreOf(r); return s === null ? '' : formatNumber(s, 2); } },
                  { key: 'level', header: 'Level', sortBy: levelOf, render: (r) => <span className={`badge risk-${levelOf(r)}`}>{LEVEL_TEXT[levelOf(r)] ?? levelOf(r)}</span> },
                  { key: 'factors', header: 'Factors (contribution to the score)', render: (r) => <Factors row={r} /> },
                ]}
              />
            </div>
          );
        }}
      </Show>
    </section>
  );
}
