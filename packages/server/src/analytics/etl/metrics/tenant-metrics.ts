import type { ReleasedValue } from '@ebb/contracts';
import { EbbError } from '../../../core/errors.ts';
import type { DateRange } from '../../date-range.ts';
import { publishCells, relation, type Cell } from '../../publish-cells.ts';
import { addEpsilon, formatEpsilon, parseEpsilon, type Epsilon } from '../../dp/epsilon.ts';
import { ZERO } from '../../dp/rational.ts';
import type { DpLevel } from '../../releases/privacy-budget.ts';
import type { ReleaseReader, StoredRelease } from '../../releases/release-reader.ts';
import type { EtlDb } from '../etl-period.ts';
import { periodInstants } from '../etl-period.ts';
import { round, trendOf, type SubjectShape, type TenantMetrics, type WeeklyActivityShape } from './metrics-shape.ts';
import { tenantMetricsSql } from './tenant-metrics.sql.ts';

/**
 * Tenant metrics in seed 004's shape. At `anonymized`: exact values from the ETL's aggregate
 * tables, each withheld when its group has fewer than k people (weekly rows with complementary
 * suppression, since active = new + returning). At DP levels: the stored weekly releases of the
 * period, added up where addition is post-processing; never computed on request.
 */
type Db = Pick<EtlDb, 'all'>;
const n = (v: unknown): number => (v == null ? 0 : Number(v));
const nn = (v: unknown): number | null => (v == null ? null : Number(v));

export async function exactTenantMetrics(db: Db, tenantId: string, range: DateRange, k: number): Promise<TenantMetrics> {
  const q = tenantMetricsSql.duckdb;
  const args = [tenantId, range.timeZone, range.from, range.to];
  const { start, end } = periodInstants(range);
  const [s] = await db.all(q.sessions, args);
  const [med] = await db.all(q.median, [tenantId, start, end]);
  const [known] = await db.all(q.learners, [tenantId]);
  const weekly = await db.all(q.weekly, args);
  const subjects = await db.all(q.subjects, args);
  const [iep] = await db.all(q.iep, args);
  const withheld: TenantMetrics['withheld'] = {};
  const gate = <T>(path: string, people: number, value: T): T | null => {
    if (people >= k) return value;
    withheld[path] = 'min_group';
    return null;
  };

  const learners = n(s?.learners);
  const people = n(med?.people);
  const sessions = n(s?.sessions);
  const seconds = n(s?.seconds);
  const sessionsShown = people >= k;
  if (!sessionsShown) withheld.session_metrics = 'min_group';

  // Weekly rows: each count is a cell; active = new + returning is published, so suppression is complementary.
  const cells: Cell<{ value: number }>[] = [];
  const relations = [];
  for (const w of weekly) {
    const week = String(w.week_start);
    for (const [part, v] of [['active', w.active_learners], ['new', w.new_learners], ['returning', w.returning_learners], ['churned', w.churned_learners]] as const) {
      cells.push({ key: `${week}:${part}`, people: n(v), metrics: { value: n(v) } });
    }
    relations.push(relation(`${week}:active`, [`${week}:new`, `${week}:returning`]));
  }
  const published = publishCells(cells, relations, k);
  const weeklyActivity: WeeklyActivityShape[] = weekly.map((w) => {
    const week = String(w.week_start);
    const value = (part: string): number | null => {
      const v = published.value(`${week}:${part}`, 'value');
      if (v.suppressed) withheld[`weekly_activity.${week}.${part}_learners`] = v.reason;
      return v.value;
    };
    return { week_start: week, active_learners: value('active'), new_learners: value('new'), returning_learners: value('returning'), churned_learners: value('churned') };
  });

  const topSubjects: SubjectShape[] = subjects.map((r) => {
    const subject = String(r.subject_area);
    const shown = n(r.learners) >= k;
    if (!shown) withheld[`top_subjects.${subject}`] = 'min_group';
    return {
      subject,
      learners: shown ? n(r.learners) : null,
      avg_score_pct: shown ? round(nn(r.avg_score)) : null,
      assessments_completed: shown ? n(r.assessments) : null,
    };
  });

  const iepLearners = n(iep?.learners);
  const iepShown = iepLearners >= k;
  if (!iepShown && iepLearners > 0) withheld.iep_progress_summary = 'min_group';

  return {
    tenant_id: tenantId,
    reporting_period_start: range.from,
    reporting_period_end: range.to,
    time_zone: range.timeZone,
    total_active_learners: gate('total_active_learners', learners, learners),
    total_learning_hours: sessionsShown ? round(seconds / 3600) : null,
    average_engagement_rate: gate('average_engagement_rate', learners, n(known?.n) > 0 ? round(learners / n(known?.n), 4) : null),
    session_metrics: {
      total_sessions: sessionsShown ? sessions : null,
      avg_duration_minutes: sessionsShown && sessions > 0 ? round(seconds / sessions / 60) : null,
      median_duration_minutes: sessionsShown ? round(nn(med?.median_s) === null ? null : n(med?.median_s) / 60) : null,
      total_hours: sessionsShown ? round(seconds / 3600) : null,
      trend_direction: sessionsShown && n(s?.days) > 1 ? trendOf(n(s?.first_half), n(s?.second_half)) : null,
      privacy_level: 'anonymized',
      data_points: n(s?.days),
    },
    weekly_activity: weeklyActivity,
    top_subjects: topSubjects,
    iep_progress_summary: {
      learners: iepShown ? iepLearners : null,
      goals: iepShown ? n(iep?.goals) : null,
      avg_progress_pct: iepShown ? round(nn(iep?.avg_pct)) : null,
      on_track_goals: iepShown ? n(iep?.on_track) : null,
      on_track_rate: iepShown && n(iep?.goals) > 0 ? round(n(iep?.on_track) / n(iep?.goals), 4) : null,
    },
    privacy_level: 'anonymized',
    minimum_cohort_size: k,
    differential_privacy_epsilon: 'infinity',
    source: 'aggregates',
    withheld,
    last_updated: s?.computed_at ? new Date(String(s.computed_at instanceof Date ? s.computed_at.toISOString() : s.computed_at)).toISOString() : null,
  };
}

/** The values of one release name across the period's weeks, or EBB_RELEASE_PENDING. */
async function releasesOf(reader: ReleaseReader, q: { tenantId: string; level: DpLevel; range: DateRange }, metric: string): Promise<StoredRelease> {
  const r = await reader.read({ tenantId: q.tenantId, metric, level: q.level, from: q.range.from, to: q.range.to, timeZone: q.range.timeZone });
  if (!r) {
    throw new EbbError('EBB_RELEASE_PENDING', `No ${q.level} release of ${metric} covers ${q.range.from} to ${q.range.to} (${q.range.timeZone}): releases are made per whole ISO week by the ETL (ebb etl run), so ask for whole weeks it has released, or for privacy_level=anonymized.`);
  }
  return r;
}

const weekOf = (v: ReleasedValue): string => String(v.params.window_start);
const pick = (values: ReleasedValue[], metric: string, week?: string, key?: string | null) =>
  values.find((v) => v.metric === metric && (week === undefined || weekOf(v) === week) && (key === undefined || v.key === key));

export async function releasedTenantMetrics(reader: ReleaseReader, tenantId: string, range: DateRange, level: DpLevel, k: number): Promise<TenantMetrics> {
  const q = { tenantId, level, range };
  const [sessions, weekly, mastery, iep] = [
    await releasesOf(reader, q, 'sessions'), await releasesOf(reader, q, 'weekly-active'), await releasesOf(reader, q, 'mastery'), await releasesOf(reader, q, 'iep'),
  ];
  const withheld: TenantMetrics['withheld'] = {};
  const weeks = [...new Set(sessions.values.map(weekOf))].sort();
  const last = weeks[weeks.length - 1]!;

  // Sums of noisy weekly values are post-processing; a withheld week makes the sum withheld.
  const total = (metric: string): number | null => {
    let t = 0;
    for (const w of weeks) {
      const v = pick(sessions.values, metric, w);
      if (!v || v.value === null) return null;
      t += v.value;
    }
    return t;
  };
  const totalSessions = total('sessions');
  const minutes = total('learning_minutes_total');
  let meanSeconds: number | null = null;
  if (totalSessions !== null && totalSessions > 0) {
    let weighted = 0;
    for (const w of weeks) weighted += (pick(sessions.values, 'session_duration_mean', w)?.value ?? 0) * (pick(sessions.values, 'sessions', w)?.value ?? 0);
    meanSeconds = weighted / totalSessions;
  }
  if (totalSessions === null) withheld.session_metrics = 'noisy_min_group';
  const oneWeek = weeks.length === 1;
  const firstWeekSessions = pick(sessions.values, 'sessions', weeks[0])?.value ?? null;
  const lastWeekSessions = pick(sessions.values, 'sessions', last)?.value ?? null;

  const weeklyActivity: WeeklyActivityShape[] = weeks.map((w) => {
    const v = (key: string) => {
      const r = pick(weekly.values, 'weekly_learners', w, key);
      if (!r || r.value === null) withheld[`weekly_activity.${w}.${key}_learners`] = 'noisy_min_group';
      return r?.value ?? null;
    };
    const nw = v('new');
    const ret = v('returning');
    return { week_start: w, active_learners: nw !== null && ret !== null ? nw + ret : null, new_learners: nw, returning_learners: ret, churned_learners: v('churned') };
  });

  // Subjects and IEP: the latest week's release (counts of distinct learners do not add up across weeks).
  const topSubjects: SubjectShape[] = mastery.values
    .filter((v) => v.metric === 'mastery_learners' && weekOf(v) === last)
    .map((v) => {
      if (v.value === null) withheld[`top_subjects.${v.key}`] = 'noisy_min_group';
      return { subject: String(v.key), learners: v.value, avg_score_pct: round(pick(mastery.values, 'mastery_mean', last, v.key)?.value ?? null), assessments_completed: null };
    })
    .sort((a, b) => (b.learners ?? -1) - (a.learners ?? -1));
  const iepLearners = pick(iep.values, 'iep_learners', last)?.value ?? null;
  const iepOnTrack = pick(iep.values, 'iep_learners_on_track', last)?.value ?? null;
  if (iepLearners === null) withheld.iep_progress_summary = 'noisy_min_group';

  let epsilon: Epsilon = ZERO;
  for (const r of [sessions, weekly, mastery, iep]) epsilon = addEpsilon(epsilon, parseEpsilon(r.epsilon));
  if (!oneWeek) withheld.total_active_learners = 'not_released';
  withheld.average_engagement_rate = 'not_released';
  const releasedAt = [sessions, weekly, mastery, iep].map((r) => r.releasedAt.getTime()).reduce((a, b) => Math.max(a, b));

  return {
    tenant_id: tenantId,
    reporting_period_start: range.from,
    reporting_period_end: range.to,
    time_zone: range.timeZone,
    total_active_learners: oneWeek ? pick(sessions.values, 'session_learners', last)?.value ?? null : null,
    total_learning_hours: minutes === null ? null : round(minutes / 60),
    average_engagement_rate: null,
    session_metrics: {
      total_sessions: totalSessions,
      avg_duration_minutes: meanSeconds === null ? null : round(meanSeconds / 60),
      median_duration_minutes: oneWeek ? round((pick(sessions.values, 'session_duration_median', last)?.value ?? NaN) / 60) : null,
      total_hours: minutes === null ? null : round(minutes / 60),
      trend_direction: weeks.length > 1 && firstWeekSessions !== null && lastWeekSessions !== null ? trendOf(firstWeekSessions, lastWeekSessions) : null,
      privacy_level: level,
      data_points: weeks.length,
    },
    weekly_activity: weeklyActivity,
    top_subjects: topSubjects,
    iep_progress_summary: {
      learners: iepLearners,
      goals: null,
      avg_progress_pct: round(pick(iep.values, 'iep_progress_mean', last)?.value ?? null),
      on_track_goals: null,
      on_track_rate: iepLearners !== null && iepOnTrack !== null && iepLearners > 0 ? round(Math.min(1, iepOnTrack / iepLearners), 4) : null,
    },
    privacy_level: level,
    minimum_cohort_size: k,
    differential_privacy_epsilon: formatEpsilon(epsilon),
    source: 'release',
    withheld,
    last_updated: new Date(releasedAt).toISOString(),
  };
}
