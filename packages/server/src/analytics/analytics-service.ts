import { PRIVACY_LEVELS, type AnalyticsEnvelope, type PrivacyLevel } from '@ebb/contracts';
import type { Clock } from '../core/clock.ts';
import { EbbError } from '../core/errors.ts';
import type { TenantService } from '../access/tenants.ts';
import { parseDateRange, type DateRange } from './date-range.ts';
import type { MetricDb } from './metrics/metric-query.ts';
import { minGroupSizeOf, parsePrivacyLevel, privacyBlock } from './privacy-level-param.ts';
import type { ReleaseReader } from './releases/release-reader.ts';

/**
 * A tenant-wide aggregate: how to compute it exactly, how to publish it at `anonymized` (k and
 * complementary suppression), and, when the ETL releases it with differential privacy, the name
 * of its release.
 */
export interface AggregateMetric<Raw, Data, Options = Record<string, never>> {
  readonly name: string;
  /** Name of the stored DP release; null when the metric is served at `anonymized` only. */
  readonly release: string | null;
  compute(db: MetricDb, q: { tenantId: string; range: DateRange }, options: Options): Promise<Raw>;
  publish(raw: Raw, minGroupSize: number, options: Options): Data;
}

/** One person's view: exact values, for whoever the access module let through. */
export interface LearnerMetric<Data, Options = Record<string, never>> {
  readonly name: string;
  compute(db: MetricDb, q: { tenantId: string; subjectId: string; range: DateRange; now: Date }, options: Options): Promise<Data>;
}

export interface RangeParams {
  privacy_level?: unknown;
  from?: unknown;
  to?: unknown;
  tz?: unknown;
}

export interface AnalyticsService {
  aggregate<Raw, Data, O>(metric: AggregateMetric<Raw, Data, O>, tenantId: string, params: RangeParams, options: O): Promise<AnalyticsEnvelope<unknown>>;
  learner<Data, O>(metric: LearnerMetric<Data, O>, tenantId: string, subjectId: string | null, params: RangeParams, options: O): Promise<AnalyticsEnvelope<Data>>;
  /** Exact data about individuals, tenant-wide (the at-risk list), at `anonymized` only. */
  individuals<Data>(name: string, tenantId: string, params: RangeParams, compute: (db: MetricDb, range: DateRange, now: Date) => Promise<Data>): Promise<AnalyticsEnvelope<Data>>;
}

const EXACT_ONLY = ['anonymized'] as const satisfies readonly PrivacyLevel[];

export function createAnalyticsService(deps: { db: MetricDb; tenants: TenantService; releases: () => ReleaseReader | null; clock: Clock }): AnalyticsService {
  const { db, tenants, clock } = deps;

  const envelope = <T>(metric: string, tenantId: string, range: DateRange, privacy: AnalyticsEnvelope<T>['privacy'], data: T, now: Date): AnalyticsEnvelope<T> => ({
    metric, tenantId, period: { from: range.from, to: range.to, timeZone: range.timeZone }, privacy, generatedAt: now.toISOString(), data,
  });

  return {
    async aggregate(metric, tenantId, params, options) {
      const level = parsePrivacyLevel(params.privacy_level, { allowed: metric.release ? PRIVACY_LEVELS : EXACT_ONLY });
      const now = clock.now();
      const range = parseDateRange(params, now);
      const k = minGroupSizeOf((await tenants.get(tenantId)).settings);
      if (level === 'anonymized') {
        const data = metric.publish(await metric.compute(db, { tenantId, range }, options), k, options);
        return envelope(metric.name, tenantId, range, privacyBlock(level, k), data, now);
      }
      // DP levels re-serve what the ETL stored; the request path never draws noise.
      const reader = deps.releases();
      const release = reader ? await reader.read({ tenantId, metric: metric.release!, level, from: range.from, to: range.to, timeZone: range.timeZone }) : null;
      if (!release) {
        throw new EbbError('EBB_RELEASE_PENDING', `No ${level} release of ${metric.name} exists for ${range.from} to ${range.to} (${range.timeZone}) yet. Releases are computed by the ETL job (ebb etl run); ask for a period it has released, or for privacy_level=anonymized.`);
      }
      const privacy = { ...privacyBlock(level, k, { releasedAt: release.releasedAt }), epsilon: release.epsilon };
      return envelope(metric.name, tenantId, range, privacy, { releases: release.values }, now);
    },

    async learner(metric, tenantId, subjectId, params, options) {
      const level = parsePrivacyLevel(params.privacy_level, { allowed: EXACT_ONLY });
      const now = clock.now();
      const range = parseDateRange(params, now);
      if (subjectId === null) throw new EbbError('EBB_SUBJECT_NOT_FOUND');
      const k = minGroupSizeOf((await tenants.get(tenantId)).settings);
      const data = await metric.compute(db, { tenantId, subjectId, range, now }, options);
      return envelope(metric.name, tenantId, range, privacyBlock(level, k), data, now);
    },

    async individuals(name, tenantId, params, compute) {
      const level = parsePrivacyLevel(params.privacy_level, { allowed: EXACT_ONLY });
      const now = clock.now();
      const range = parseDateRange(params, now);
      const k = minGroupSizeOf((await tenants.get(tenantId)).settings);
      return envelope(name, tenantId, range, privacyBlock(level, k), await compute(db, range, now), now);
    },
  };
}
