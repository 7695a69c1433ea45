import { z } from 'zod';

/**
 * Wire shapes of the analytics API: the privacy level every aggregate is asked for at, the
 * envelope every analytics answer comes in, and the published value and row shapes inside it.
 */

/** The declared privacy level of every aggregate that leaves Ebb (epsilon infinity, 2, 1, 1/2). */
export const PRIVACY_LEVELS = ['anonymized', 'dp_low', 'dp_medium', 'dp_high'] as const;
export const PrivacyLevel = z.enum(PRIVACY_LEVELS);
export type PrivacyLevel = z.infer<typeof PrivacyLevel>;
export const DEFAULT_PRIVACY_LEVEL: PrivacyLevel = 'anonymized';

/** Query parameters every aggregate endpoint takes (all optional; strings as they come in the URL). */
export const AnalyticsRangeQuery = z.object({
  privacy_level: z.string().optional(),
  /** First day, YYYY-MM-DD, in `tz`. */
  from: z.string().optional(),
  /** Last day (included), YYYY-MM-DD, in `tz`. */
  to: z.string().optional(),
  /** IANA time zone that decides where days (and weeks) begin; default UTC. */
  tz: z.string().optional(),
});
export type AnalyticsRangeQuery = z.infer<typeof AnalyticsRangeQuery>;

/**
 * Why a value is withheld. `min_group`: fewer than k learners; `complementary`: withheld so that
 * a `min_group` value cannot be computed back from published totals; `noisy_min_group`: at a DP
 * level, the noisy learner count is under k.
 */
export const SuppressionReason = z.enum(['min_group', 'complementary', 'noisy_min_group']);
export type SuppressionReason = z.infer<typeof SuppressionReason>;

export const Interval95 = z.object({ low: z.number(), high: z.number() });
export type Interval95 = z.infer<typeof Interval95>;

/** A value published exactly (the `anonymized` level). */
export const ExactValue = z.object({ suppressed: z.literal(false), value: z.number() });
/** A withheld value: never 0, always marked. */
export const SuppressedValue = z.object({ suppressed: z.literal(true), value: z.null(), reason: SuppressionReason });
export const PublishedValue = z.discriminatedUnion('suppressed', [ExactValue, SuppressedValue]);
export type ExactValue = z.infer<typeof ExactValue>;
export type SuppressedValue = z.infer<typeof SuppressedValue>;
export type PublishedValue = z.infer<typeof PublishedValue>;

/**
 * A row of a published table (a page, a quest, a day, a subject): its metrics when published,
 * only its key and the reason when withheld. A withheld row withholds every metric it has.
 */
export function publishedRow<S extends z.ZodRawShape>(metrics: S) {
  return z.discriminatedUnion('suppressed', [
    z.object({ key: z.string(), suppressed: z.literal(false), ...metrics }),
    z.object({ key: z.string(), suppressed: z.literal(true), reason: SuppressionReason }),
  ]);
}
export type PublishedRow<M> = ({ key: string; suppressed: false } & M) | { key: string; suppressed: true; reason: SuppressionReason };

/**
 * One value of a differentially private release, re-served exactly as the batch job stored it
 * (the request path never adds noise). Same fields as the release objects of docs/privacy-levels.md.
 */
export const ReleasedValue = z.object({
  metric: z.string(),
  key: z.string().nullable(),
  level: PrivacyLevel,
  mechanism: z.string(),
  value: z.number().nullable(),
  suppressed: z.boolean(),
  epsilon: z.string(),
  delta: z.string(),
  scale: z.string().nullable(),
  interval95: Interval95.nullable(),
  params: z.record(z.string(), z.union([z.string(), z.number()])),
});
export type ReleasedValue = z.infer<typeof ReleasedValue>;

/** `data` of an answer at a DP level: the stored release of the period, re-served. */
export const ReleasedData = z.object({ releases: z.array(ReleasedValue) });
export type ReleasedData = z.infer<typeof ReleasedData>;

/** The days an answer covers, as asked (both included), and the time zone that bounds them. */
export const AnalyticsPeriod = z.object({ from: z.string(), to: z.string(), timeZone: z.string() });
export type AnalyticsPeriod = z.infer<typeof AnalyticsPeriod>;

export const AnalyticsPrivacy = z.object({
  level: PrivacyLevel,
  /** k: groups of fewer learners are withheld (exact counts at `anonymized`, noisy ones at DP levels). */
  minGroupSize: z.number().int().min(1),
  /** Privacy loss of the answer's window, exact text ("1/2"); "infinity" for exact values. */
  epsilon: z.string(),
  /** `exact`: computed from the events for this request; `release`: a stored DP release, re-served. */
  source: z.enum(['exact', 'release']),
  /** When the served release was computed (null for exact answers). */
  releasedAt: z.string().nullable(),
});
export type AnalyticsPrivacy = z.infer<typeof AnalyticsPrivacy>;

/** Every analytics answer: what was asked, at which privacy level, and the data. */
export function analyticsEnvelope<T extends z.ZodType>(data: T) {
  return z.object({
    metric: z.string(),
    tenantId: z.string(),
    period: AnalyticsPeriod,
    privacy: AnalyticsPrivacy,
    generatedAt: z.string(),
    data,
  });
}
export interface AnalyticsEnvelope<T> {
  metric: string;
  tenantId: string;
  period: AnalyticsPeriod;
  privacy: AnalyticsPrivacy;
  generatedAt: string;
  data: T;
}
