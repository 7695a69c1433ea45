import { sampleWithoutReplacement } from './contribution-bounding.ts';
import type { KeyedValue } from './contribution-bounding.ts';
import { formatEpsilon } from './epsilon.ts';
import { toInteger } from './integers.ts';
import type { IntegerInput } from './integers.ts';
import { getPrivacyLevel } from './privacy-levels.ts';
import type { PrivacyLevel } from './privacy-levels.ts';
import type { RandomSource } from './random.ts';
import { defaultRandomSource } from './random.ts';
import { rational } from './rational.ts';
import {
  applyMinGroupRule,
  releaseBoundedSum,
  releaseCount,
  releaseKeyedCounts,
  releaseKeyedMeans,
  releaseMean,
  releaseQuantile,
  suppressRelease,
} from './release.ts';
import type { Release, ReleaseContext } from './release.ts';
import { splitWeeklyEpsilon } from './weekly-split.ts';

/** One learner's activity in the week, as integers (the ETL converts units before this point). */
export interface WeeklyLearnerActivity {
  readonly learnerId: string;
  readonly sessionSeconds: readonly IntegerInput[];
  readonly learningMinutes: IntegerInput;
  /** 0..100 */
  readonly progressPercent: IntegerInput;
  /** 0..100 per subject of the public catalog. */
  readonly mastery: readonly { readonly subject: string; readonly score: IntegerInput }[];
}

/** Public configuration: bounds and limits are fixed here, never derived from the data. */
export interface WeeklyReleaseOptions {
  readonly level: PrivacyLevel;
  /** The tenant's subject catalog; every subject is released, zero included. */
  readonly subjects: readonly string[];
  readonly minGroupSize?: number;
  /** m: sessions kept per learner for the mean session duration. */
  readonly maxSessionsPerLearner?: number;
  readonly maxSessionSeconds?: number;
  /** Tmax: each learner's weekly minutes are clamped to [0, Tmax]. */
  readonly maxMinutesPerLearner?: number;
  /** Grid for the median session duration, in seconds, strictly increasing. */
  readonly medianCandidates?: readonly IntegerInput[];
  /** S: subjects kept per learner for mastery. */
  readonly maxSubjectsPerLearner?: number;
  readonly random?: RandomSource;
}

export interface WeeklyRelease {
  readonly level: PrivacyLevel;
  /** Total loss of the week at this level: the sum of the split, "infinity" at anonymized. */
  readonly epsilon: string;
  readonly delta: string;
  readonly minGroupSize: number;
  readonly releases: readonly Release[];
}

export const WEEKLY_DEFAULTS = {
  maxSessionsPerLearner: 20,
  maxSessionSeconds: 10_800,
  maxMinutesPerLearner: 600,
  maxSubjectsPerLearner: 5,
  /** 0..180 minutes in steps of one minute. */
  medianCandidates: Array.from({ length: 181 }, (_, i) => i * 60),
} as const;

const PERCENT = { lower: 0, upper: 100 } as const;

export function computeWeeklyRelease(learners: readonly WeeklyLearnerActivity[], options: WeeklyReleaseOptions): WeeklyRelease {
  const spec = getPrivacyLevel(options.level, options.minGroupSize === undefined ? {} : { minGroupSize: options.minGroupSize });
  const m = options.maxSessionsPerLearner ?? WEEKLY_DEFAULTS.maxSessionsPerLearner;
  const s = options.maxSubjectsPerLearner ?? WEEKLY_DEFAULTS.maxSubjectsPerLearner;
  const maxSession = options.maxSessionSeconds ?? WEEKLY_DEFAULTS.maxSessionSeconds;
  const tMax = options.maxMinutesPerLearner ?? WEEKLY_DEFAULTS.maxMinutesPerLearner;
  const candidates = options.medianCandidates ?? WEEKLY_DEFAULTS.medianCandidates;
  const random = options.random ?? defaultRandomSource();
  const ctx: ReleaseContext = { level: spec.level, random };
  const dp = spec.differentiallyPrivate;

  const ids = new Set(learners.map((l) => l.learnerId));
  if (ids.size !== learners.length) throw new RangeError('each learner must appear once in a weekly release');
  const catalog = new Set(options.subjects);

  // Contribution bounding (DP levels only; the anonymized level publishes exact values of all rows).
  const sessions = learners.map((l) => (dp ? sampleWithoutReplacement(random, l.sessionSeconds, m) : [...l.sessionSeconds]));
  const medianSessions = learners.map((l) => (dp ? sampleWithoutReplacement(random, l.sessionSeconds, 1) : [...l.sessionSeconds]));
  const mastery: KeyedValue[][] = learners.map((l) => {
    const bySubject = new Map<string, IntegerInput>();
    for (const row of l.mastery) if (catalog.has(row.subject) && !bySubject.has(row.subject)) bySubject.set(row.subject, row.score);
    const kept = dp ? sampleWithoutReplacement(random, [...bySubject.keys()], s) : [...bySubject.keys()];
    return kept.map((subject) => ({ key: subject, value: toInteger(bySubject.get(subject)!, `mastery of ${subject}`) }));
  });

  // At anonymized the epsilons are ignored; the split still names each part's share.
  const eps = splitWeeklyEpsilon(dp && spec.epsilon !== 'infinity' ? spec.epsilon : rational(1n));

  const active = releaseCount(ctx, { metric: 'active_learners', count: learners.length, sensitivity: 1, epsilon: eps.active_learners });
  const minutes = releaseBoundedSum(ctx, {
    metric: 'learning_minutes_total',
    perLearner: learners.map((l) => l.learningMinutes),
    lower: 0,
    upper: tMax,
    epsilon: eps.learning_minutes_total,
  });
  const sessionMean = releaseMean(ctx, {
    metric: 'session_duration_mean',
    contributions: sessions,
    lower: 0,
    upper: maxSession,
    maxContributionsPerLearner: m,
    sumEpsilon: eps['session_duration_mean.sum'],
    count: { epsilon: eps['session_duration_mean.count'] },
  });
  const median = releaseQuantile(ctx, {
    metric: 'session_duration_median',
    contributions: medianSessions,
    candidates,
    maxContributionsPerLearner: 1,
    epsilon: eps.session_duration_median,
  });
  const progress = releaseMean(ctx, {
    metric: 'progress_mean',
    contributions: learners.map((l) => [l.progressPercent]),
    ...PERCENT,
    maxContributionsPerLearner: 1,
    sumEpsilon: eps['progress_mean.sum'],
    count: { release: active },
  });
  const subjectCounts = releaseKeyedCounts(ctx, {
    metric: 'mastery_learners',
    keys: options.subjects,
    contributions: mastery.map((l) => l.map((v) => v.key)),
    maxKeysPerLearner: s,
    noise: { kind: 'laplace', epsilon: eps['mastery_by_subject.count'] },
  });
  const subjectMeans = releaseKeyedMeans(ctx, {
    metric: 'mastery_mean',
    keys: options.subjects,
    contributions: mastery,
    ...PERCENT,
    maxKeysPerLearner: s,
    sumEpsilon: eps['mastery_by_subject.sum'],
    counts: subjectCounts,
  });

  // Min-group rule on released counts only. A suppressed tenant cell takes its subject cells with it.
  const tenantCell = applyMinGroupRule(active, [minutes, sessionMean, median, progress], spec.minGroupSize);
  const tenantSuppressed = tenantCell[0]!.suppressed;
  const subjectCells = options.subjects.flatMap((_, i) => {
    const cell = [subjectCounts[i]!, subjectMeans[i]!];
    return tenantSuppressed ? cell.map(suppressRelease) : applyMinGroupRule(cell[0]!, [cell[1]!], spec.minGroupSize);
  });

  return {
    level: spec.level,
    epsilon: formatEpsilon(spec.epsilon),
    delta: '0',
    minGroupSize: spec.minGroupSize,
    releases: [...tenantCell, ...subjectCells],
  };
}
