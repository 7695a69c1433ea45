import { sampleWithoutReplacement } from '../../dp/contribution-bounding.ts';
import { integerInterval, laplaceHalfWidth } from '../../dp/interval.ts';
import { noisyKeyedSums } from '../../dp/mechanisms/keyed-sums.ts';
import { isDifferentiallyPrivate } from '../../dp/privacy-levels.ts';
import { formatRational, mul, rational, type Rational } from '../../dp/rational.ts';
import { formatEpsilon } from '../../dp/epsilon.ts';
import {
  applyMinGroupRule,
  releaseBoundedSum,
  releaseCount,
  releaseKeyedCounts,
  releaseKeyedMeans,
  releaseMean,
  releaseQuantile,
  type Release,
  type ReleaseContext,
} from '../../dp/release.ts';
import { toSafeNumber } from '../../dp/integers.ts';
import { RELEASE_BOUNDS } from './release-catalog.ts';
import type { LearnerWeekKind } from './release-inputs.ts';

/**
 * One function per release: integer inputs grouped by privacy unit in, release objects out. Each
 * spends exactly the epsilon it is given (its share of the week), applies contribution bounding
 * first, and the min-group rule on released (noisy) counts only.
 */
export interface ComputeContext extends ReleaseContext {
  readonly epsilon: Rational;
  readonly minGroupSize: number;
}

const part = (epsilon: Rational, num: bigint, den: bigint) => mul(epsilon, rational(num, den));
const COVERAGE = 0.95;

function random(ctx: ComputeContext) {
  if (!ctx.random) throw new Error('a release needs a random source');
  return ctx.random;
}

/** Daily active people of the week: a count per local day (public keys: the 7 days), 7 keys per person. */
export function computeOverviewRelease(ctx: ComputeContext, days: readonly string[], activeDays: readonly (readonly string[])[]): Release[] {
  const counts = releaseKeyedCounts(ctx, {
    metric: 'daily_active', keys: days, contributions: activeDays, maxKeysPerLearner: days.length, noise: { kind: 'laplace', epsilon: ctx.epsilon },
  });
  return counts.flatMap((c) => applyMinGroupRule(c, [], ctx.minGroupSize));
}

/** Sessions of the week: learners, sessions, total minutes, mean and median duration. */
export function computeSessionsRelease(ctx: ComputeContext, sessionsByLearner: readonly (readonly number[])[]): Release[] {
  const b = RELEASE_BOUNDS;
  const dp = isDifferentiallyPrivate(ctx.level);
  const r = random(ctx);
  const kept = sessionsByLearner.map((s) => (dp ? sampleWithoutReplacement(r, s, b.maxSessionsPerLearner) : [...s]));
  const clamped = kept.map((s) => s.map((x) => Math.min(b.maxSessionSeconds, Math.max(0, x))));
  const one = sessionsByLearner.map((s) => (dp ? sampleWithoutReplacement(r, s, 1) : [...s]));
  const fifth = part(ctx.epsilon, 1n, 5n);
  const learners = releaseCount(ctx, { metric: 'session_learners', count: sessionsByLearner.length, sensitivity: 1, epsilon: fifth });
  const sessions = releaseCount(ctx, {
    metric: 'sessions', count: clamped.reduce((n, s) => n + s.length, 0), sensitivity: b.maxSessionsPerLearner, epsilon: fifth,
  });
  const minutes = releaseBoundedSum(ctx, {
    metric: 'learning_minutes_total',
    perLearner: sessionsByLearner.map((s) => Math.floor(s.reduce((t, x) => t + Math.max(0, x), 0) / 60)),
    lower: 0, upper: b.maxMinutesPerLearner, epsilon: fifth,
  });
  const mean = releaseMean(ctx, {
    metric: 'session_duration_mean', contributions: clamped, lower: 0, upper: b.maxSessionSeconds,
    maxContributionsPerLearner: b.maxSessionsPerLearner, sumEpsilon: fifth,
    // The mean divides by the released session count of the same bounded sessions: reuse is free.
    count: dp ? { release: sessions } : { epsilon: fifth },
  });
  const median = releaseQuantile(ctx, {
    metric: 'session_duration_median', contributions: one, candidates: b.medianCandidates, maxContributionsPerLearner: 1, epsilon: fifth,
  });
  return applyMinGroupRule(learners, [sessions, minutes, mean, median], ctx.minGroupSize);
}

/** Learners of the week by kind: new, returning, churned (a partition: each learner in one cell, one epsilon). */
export function computeWeeklyActiveRelease(ctx: ComputeContext, kinds: readonly LearnerWeekKind[]): Release[] {
  const counts = releaseKeyedCounts(ctx, {
    metric: 'weekly_learners', keys: ['new', 'returning', 'churned'], contributions: kinds.map((k) => [k]), maxKeysPerLearner: 1,
    noise: { kind: 'laplace', epsilon: ctx.epsilon },
  });
  return counts.flatMap((c) => applyMinGroupRule(c, [], ctx.minGroupSize));
}

/** Mastery per catalog subject: learners assessed and mean latest score (0..100), at most S subjects per learner. */
export function computeMasteryRelease(ctx: ComputeContext, subjects: readonly string[], byLearner: readonly (readonly { subject: string; score: number }[])[]): Release[] {
  const s = RELEASE_BOUNDS.maxSubjectsPerLearner;
  const catalog = new Set(subjects);
  const dp = isDifferentiallyPrivate(ctx.level);
  const contributions = byLearner.map((rows) => {
    const inCatalog = rows.filter((x) => catalog.has(x.subject));
    const kept = dp ? sampleWithoutReplacement(random(ctx), inCatalog, s) : inCatalog;
    return kept.map((x) => ({ key: x.subject, value: BigInt(Math.min(100, Math.max(0, Math.round(x.score)))) }));
  });
  const half = part(ctx.epsilon, 1n, 2n);
  const counts = releaseKeyedCounts(ctx, {
    metric: 'mastery_learners', keys: subjects, contributions: contributions.map((l) => l.map((v) => v.key)), maxKeysPerLearner: s,
    noise: { kind: 'laplace', epsilon: half },
  });
  const means = releaseKeyedMeans(ctx, {
    metric: 'mastery_mean', keys: subjects, contributions, lower: 0, upper: 100, maxKeysPerLearner: s, sumEpsilon: half, counts,
  });
  return subjects.flatMap((_, i) => applyMinGroupRule(counts[i]!, [means[i]!], ctx.minGroupSize));
}

/** IEP goals: learners with a report, learners on track, mean progress (one randomly kept goal per learner). */
export function computeIepRelease(ctx: ComputeContext, byLearner: readonly (readonly { progress: number; onTrack: boolean }[])[]): Release[] {
  const dp = isDifferentiallyPrivate(ctx.level);
  const goals = byLearner.map((g) => (dp ? sampleWithoutReplacement(random(ctx), g, 1) : [...g]));
  const third = part(ctx.epsilon, 1n, 3n);
  const learners = releaseCount(ctx, { metric: 'iep_learners', count: byLearner.length, sensitivity: 1, epsilon: third });
  const onTrack = releaseCount(ctx, {
    metric: 'iep_learners_on_track', count: goals.filter((g) => g.some((x) => x.onTrack)).length, sensitivity: 1, epsilon: third,
  });
  const progress = releaseMean(ctx, {
    metric: 'iep_progress_mean', contributions: goals.map((g) => g.map((x) => Math.min(100, Math.max(0, x.progress)))), lower: 0, upper: 100,
    maxContributionsPerLearner: 1, sumEpsilon: third, count: dp ? { release: learners } : { epsilon: third },
  });
  return applyMinGroupRule(learners, [onTrack, progress], ctx.minGroupSize);
}

/** Page views per local day: unique visitors and views (views per visitor and day clamped to a public bound). */
export function computePagesRelease(ctx: ComputeContext, days: readonly string[], byVisitor: readonly (readonly { day: string; views: number }[])[]): Release[] {
  const half = part(ctx.epsilon, 1n, 2n);
  const maxViews = RELEASE_BOUNDS.maxViewsPerVisitorDay;
  const visitors = releaseKeyedCounts(ctx, {
    metric: 'page_visitors', keys: days, contributions: byVisitor.map((v) => v.map((x) => x.day)), maxKeysPerLearner: days.length,
    noise: { kind: 'laplace', epsilon: half },
  });
  const views = keyedViews(ctx, days, byVisitor, half, maxViews);
  return days.flatMap((_, i) => applyMinGroupRule(visitors[i]!, [views[i]!], ctx.minGroupSize));
}

function keyedViews(ctx: ComputeContext, days: readonly string[], byVisitor: readonly (readonly { day: string; views: number }[])[], epsilon: Rational, maxViews: number): Release[] {
  const contributions = byVisitor.map((v) => v.map((x) => ({ key: x.day, value: BigInt(x.views) })));
  if (!isDifferentiallyPrivate(ctx.level)) {
    const totals = new Map(days.map((d) => [d, 0]));
    for (const v of byVisitor) for (const x of v) totals.set(x.day, (totals.get(x.day) ?? 0) + x.views);
    return days.map((d) => ({
      metric: 'page_views', key: d, level: ctx.level, mechanism: 'exact', value: totals.get(d) ?? 0, suppressed: false, epsilon: 'infinity', delta: '0',
      scale: null, interval95: null, params: {},
    }));
  }
  const sums = noisyKeyedSums({
    keys: days, contributions, maxKeysPerLearner: days.length, lower: 0, upper: maxViews, noise: { kind: 'laplace', epsilon }, random: random(ctx),
  });
  const halfWidth = laplaceHalfWidth(sums.scale, COVERAGE);
  return days.map((d) => {
    const raw = toSafeNumber(sums.values.get(d)!);
    return {
      metric: 'page_views', key: d, level: ctx.level, mechanism: 'discrete_laplace', value: Math.max(0, raw), suppressed: false,
      epsilon: formatEpsilon(epsilon), delta: '0', scale: formatRational(sums.scale), interval95: integerInterval(raw, halfWidth, 0),
      params: { lower: '0', upper: String(maxViews), maxKeysPerLearner: days.length },
    };
  });
}
