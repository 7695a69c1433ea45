import { rational, sum, type Rational } from '../../dp/rational.ts';

/**
 * What the ETL releases with differential privacy, per tenant and ISO week, at the tenant's level.
 * Each name is one release (one release key, one ledger entry); its share of the level's epsilon
 * is fixed here, and the shares add up to 1, so a week costs exactly the level's epsilon.
 * The names are the `release` names the analytics metrics serve.
 */
export const RELEASE_METRICS = ['overview', 'sessions', 'weekly-active', 'mastery', 'iep', 'pages'] as const;
export type ReleaseMetric = (typeof RELEASE_METRICS)[number];

export const RELEASE_SPLIT: Readonly<Record<ReleaseMetric, Rational>> = {
  overview: rational(1n, 5n),
  sessions: rational(1n, 5n),
  'weekly-active': rational(1n, 5n),
  mastery: rational(1n, 5n),
  iep: rational(1n, 10n),
  pages: rational(1n, 10n),
};

export function releaseSplitTotal(): Rational {
  return sum(RELEASE_METRICS.map((m) => RELEASE_SPLIT[m]));
}

/** Bumped when a release's definition changes: a new version is a new spend; the old stays counted. */
export const DEFINITION_VERSION = 1;

/**
 * Public configuration of the releases: contribution bounds and grids are fixed here, never taken
 * from the data (dp-spec D9, 2.0).
 */
export const RELEASE_BOUNDS = {
  /** m: sessions kept per learner and week. */
  maxSessionsPerLearner: 20,
  maxSessionSeconds: 10_800,
  /** Tmax: a learner's weekly minutes are clamped to [0, Tmax]. */
  maxMinutesPerLearner: 600,
  /** S: subjects kept per learner for mastery. */
  maxSubjectsPerLearner: 5,
  /** Page views counted per visitor and day. */
  maxViewsPerVisitorDay: 50,
  /** Median session duration grid: 0..180 minutes in one-minute steps, in seconds. */
  medianCandidates: Array.from({ length: 181 }, (_, i) => i * 60),
} as const;

/**
 * The subject catalog released for mastery when a tenant names none (tenant setting
 * `subjectCatalog`). Keys come from this public list only: a subject seen only in the data is not
 * released, since publishing its existence would leak.
 */
export const DEFAULT_SUBJECT_CATALOG: readonly string[] = ['numeracy', 'literacy', 'science', 'digital-skills'];

export function subjectCatalogOf(settings: object): readonly string[] {
  const c = (settings as { subjectCatalog?: unknown }).subjectCatalog;
  if (Array.isArray(c) && c.length > 0 && c.length <= 50 && c.every((s) => typeof s === 'string' && s.length > 0 && s.length <= 100)) {
    return [...new Set(c as string[])];
  }
  return DEFAULT_SUBJECT_CATALOG;
}
