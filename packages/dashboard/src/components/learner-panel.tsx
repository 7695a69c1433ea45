import { humanize, isObj, isPublished, listOf, pick, publishedFields, type Obj } from '../api/envelope.ts';
import { formatNumber } from '../api/metric.ts';
import { useApi } from '../api/use-api.ts';
import type { Query } from '../api/client.ts';
import { AutoTable, SeriesChart, StatCards } from './auto-data.tsx';
import { BarChart } from './bar-chart.tsx';
import { PrivacyBadge } from './privacy-badge.tsx';
import { Show } from './states.tsx';

/** An answer's data, whether it comes in the analytics envelope or bare. */
const dataOf = (answer: unknown): unknown => (isObj(answer) && 'data' in answer && 'metric' in answer ? answer.data : answer);

/** Strings and dates of an object worth showing beside its numbers (favourite pillar, first quest). */
function facts(o: unknown, skip: string[]): Array<[string, string]> {
  if (!isObj(o)) return [];
  return Object.entries(o).filter(([k, v]) => !skip.includes(k) && (typeof v === 'string' || typeof v === 'boolean') && !isPublished(v)).map(([k, v]) => [humanize(k), String(v)]);
}

/** Green when the learner was active in the last week, amber when not, from what the answer says. */
function Rhythm({ engagement }: { engagement: unknown }) {
  const stated = pick(engagement, 'rhythm', 'learningRhythm');
  const inactive = pick(engagement, 'daysInactive', 'daysSinceLastActive');
  const last = pick(engagement, 'lastActiveAt', 'lastActive', 'lastSeenAt');
  let days: number | null = typeof inactive === 'number' ? inactive : null;
  if (days === null && typeof last === 'string' && !Number.isNaN(Date.parse(last))) days = Math.floor((Date.now() - Date.parse(last)) / 86_400_000);
  const text = typeof stated === 'string' ? stated : days === null ? null : days <= 7 ? 'steady' : 'slowing';
  if (text === null) return null;
  const good = /steady|green|active|good|high/i.test(text);
  return (
    <p className={`rhythm ${good ? 'good' : 'slow'}`} data-testid="rhythm">
      <span className="light" aria-hidden="true" /> Learning rhythm: <strong>{good ? 'steady' : 'slowing down'}</strong>
      {days !== null ? <span className="muted"> · last active {days === 0 ? 'today' : `${formatNumber(days)} day${days === 1 ? '' : 's'} ago`}</span> : null}
    </p>
  );
}

const STAT_FIELDS: Array<[string[], string]> = [
  [['currentStreakDays', 'currentStreak', 'streak'], 'Current streak (days)'],
  [['timeOnPlatformHours', 'hoursOnPlatform', 'totalHours'], 'Time on platform (hours)'],
  [['questsCompleted', 'totalQuestsCompleted'], 'Quests completed'],
  [['badgesEarned', 'badges'], 'Badges earned'],
  [['daysActive', 'activeDays'], 'Days active'],
  [['sessions', 'sessionCount'], 'Sessions'],
];

/**
 * One learner's own picture: learning rhythm, streak, time on platform, recent completions, and
 * (for staff allowed to see individuals) the dropout-risk score with its factors. Every request
 * names this learner alone; the server decides whether the caller may see them.
 */
export function LearnerPanel({ userId, withRisk, query = {} }: { userId: string; withRisk: boolean; query?: Query }) {
  const base = `/api/v1/analytics/learners/${encodeURIComponent(userId)}`;
  const engagement = useApi<unknown>(`${base}/engagement`, query);
  const journey = useApi<unknown>(`${base}/journey`, query);
  const risk = useApi<unknown>(withRisk ? `${base}/risk` : null, query);
  return (
    <div className="learner" data-testid="learner-panel">
      <p className="privacy-note"><PrivacyBadge level="individual" /> <span className="muted small">This learner's own data, nobody else's.</span></p>
      <div className="card">
        <h2>Engagement</h2>
        <Show loaded={engagement} path={`${base}/engagement`} what="engagement">
          {(answer) => {
            const e = dataOf(answer);
            const used = STAT_FIELDS.flatMap(([names]) => names);
            return (
              <>
                <Rhythm engagement={e} />
                <StatCards items={[
                  ...STAT_FIELDS.map(([names, label]) => ({ label, value: pick(e, ...names) })),
                  ...publishedFields(e, used).map(([k, v]) => ({ label: humanize(k), value: v })),
                ]} />
                <h3>Learning rhythm</h3>
                <SeriesChart rows={listOf(e, 'daily', 'activity', 'days', 'rhythmDays')} fields={[{ name: 'events', label: 'Events' }, { name: 'minutes', label: 'Minutes' }, { name: 'active', label: 'Active' }]} label="Activity per day" />
                {listOf(e, 'byCategory').length > 0 ? <BarChart label="Activity by kind" bars={listOf(e, 'byCategory').map((c) => ({ label: String(pick(c, 'category', 'key') ?? '?'), value: pick(c, 'events', 'count') }))} /> : null}
              </>
            );
          }}
        </Show>
      </div>
      <div className="card">
        <h2>Learning journey</h2>
        <Show loaded={journey} path={`${base}/journey`} what="the learning journey">
          {(answer) => {
            const j = dataOf(answer);
            const used = STAT_FIELDS.flatMap(([names]) => names);
            const recent = listOf(j, 'recentCompletions', 'recent', 'completions');
            return (
              <>
                <StatCards items={[...STAT_FIELDS.map(([names, label]) => ({ label, value: pick(j, ...names) })), ...publishedFields(j, used).map(([k, v]) => ({ label: humanize(k), value: v }))]} />
                <dl className="facts">{facts(j, ['userId', 'subjectId']).map(([k, v]) => <div key={k}><dt>{k}</dt><dd>{v}</dd></div>)}</dl>
                {listOf(j, 'pillars').length > 0 ? <><h3>Pillars</h3><BarChart label="Quest completions by pillar" bars={listOf(j, 'pillars').map((p) => ({ label: String(pick(p, 'pillar', 'key') ?? '?'), value: pick(p, 'questCompletions', 'events') }))} /></> : null}
                <h3>Recent completions</h3>
                <AutoTable rows={recent} caption="Recent completions" empty="No completions yet." />
              </>
            );
          }}
        </Show>
      </div>
      {withRisk ? (
        <div className="card">
          <h2>Dropout risk</h2>
          <Show loaded={risk} path={`${base}/risk`} what="the risk score">
            {(answer) => {
              const r = dataOf(answer);
              const factors = pick(r, 'factors', 'breakdown');
              const rows: Obj[] = Array.isArray(factors) ? factors.filter(isObj) : isObj(factors) ? Object.entries(factors).map(([k, v]) => (isObj(v) ? { key: k, ...v } : { key: k, value: v })) : [];
              return (
                <>
                  <StatCards items={[{ label: 'Score (0–1)', value: pick(r, 'score', 'riskScore'), format: (n) => formatNumber(n, 2) }]} />
                  <p>Level: <strong>{String(pick(r, 'level', 'engagementLevel') ?? '—')}</strong></p>
                  <AutoTable rows={rows} caption="Risk factors" labels={{ key: 'Factor' }} formats={{ weight: (n) => formatNumber(n, 2), value: (n) => formatNumber(n, 2), contribution: (n) => formatNumber(n, 3) }} />
                </>
              );
            }}
          </Show>
        </div>
      ) : null}
    </div>
  );
}
