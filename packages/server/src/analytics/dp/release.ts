import type { KeyedValue } from './contribution-bounding.ts';
import { formatEpsilon, INFINITE_EPSILON } from './epsilon.ts';
import type { Epsilon } from './epsilon.ts';
import { clampInteger, toInteger, toSafeNumber } from './integers.ts';
import type { IntegerInput } from './integers.ts';
import { gaussianHalfWidth, integerInterval, laplaceHalfWidth, meanInterval } from './interval.ts';
import type { Interval } from './interval.ts';
import { noisyBoundedSum } from './mechanisms/bounded-sum.ts';
import { noisyCount } from './mechanisms/count.ts';
import { noisyKeyedSums } from './mechanisms/keyed-sums.ts';
import type { KeyedNoise } from './mechanisms/keyed-sums.ts';
import { meanFromNoisy, midpointOf, noisyMean } from './mechanisms/mean.ts';
import { MEDIAN, noisyQuantile, parseCandidates } from './mechanisms/quantile.ts';
import { isDifferentiallyPrivate } from './privacy-levels.ts';
import type { PrivacyLevel } from './privacy-levels.ts';
import type { RandomSource } from './random.ts';
import { defaultRandomSource } from './random.ts';
import { add, formatRational, parseRational, ZERO } from './rational.ts';
import type { Rational } from './rational.ts';
import { epsilonForZcdp } from './zcdp.ts';

/**
 * Releases: each published number is computed once, by the batch job, into a plain JSON object
 * that is stored and re-served as is. The request path never calls a sampler (fresh noise per
 * request would compose and average the noise away).
 */

export type ReleaseMechanism = 'discrete_laplace' | 'discrete_gaussian' | 'normalized_sum' | 'permute_and_flip' | 'exact';

export interface Release {
  readonly metric: string;
  /** The cell within the metric (a subject, a cohort), or null for the tenant as a whole. */
  readonly key: string | null;
  readonly level: PrivacyLevel;
  readonly mechanism: ReleaseMechanism;
  /** The published value (noisy at DP levels, exact at anonymized), null when suppressed. */
  readonly value: number | null;
  readonly suppressed: boolean;
  /** Privacy loss of the mechanism that produced the value, exact text ("1/5"), "infinity" when exact. */
  readonly epsilon: string;
  readonly delta: string;
  /** Noise scale as exact text: Laplace b, Gaussian variance, or the selection scale; null when exact. */
  readonly scale: string | null;
  /** 95% interval for the true value, from public parameters; null when exact, suppressed or not available. */
  readonly interval95: Interval | null;
  /** Public parameters only (bounds, contribution limits, scales): never a private or intermediate value. */
  readonly params: Readonly<Record<string, string | number>>;
}

export interface ReleaseContext {
  readonly level: PrivacyLevel;
  readonly random?: RandomSource;
}

interface ReleaseTarget {
  readonly metric: string;
  readonly key?: string | null;
}

const COVERAGE = 0.95;
/** Each of two noisy parts at this coverage gives >= 95% for both together (union bound). */
const HALF_COVERAGE = 1 - (1 - COVERAGE) / 2;

function randomOf(ctx: ReleaseContext): RandomSource {
  return ctx.random ?? defaultRandomSource();
}

function base(ctx: ReleaseContext, target: ReleaseTarget, mechanism: ReleaseMechanism, epsilon: Epsilon): Omit<Release, 'value' | 'scale' | 'interval95' | 'params'> {
  return {
    metric: target.metric,
    key: target.key ?? null,
    level: ctx.level,
    mechanism,
    suppressed: false,
    epsilon: formatEpsilon(epsilon),
    delta: '0',
  };
}

function exactRelease(ctx: ReleaseContext, target: ReleaseTarget, value: number | null, params: Release['params']): Release {
  return { ...base(ctx, target, 'exact', INFINITE_EPSILON), value, scale: null, interval95: null, params };
}

function bounds(lower: IntegerInput, upper: IntegerInput): { lower: bigint; upper: bigint } {
  const l = toInteger(lower, 'lower');
  const u = toInteger(upper, 'upper');
  if (l > u) throw new RangeError(`empty bounds [${l}, ${u}]`);
  return { lower: l, upper: u };
}

// ---------------------------------------------------------------------------------------- counts

export interface CountReleaseInput extends ReleaseTarget {
  /** True count, already contribution-bounded. */
  readonly count: IntegerInput;
  /** 1 for distinct learners, m for rows with at most m per learner. */
  readonly sensitivity?: IntegerInput;
  readonly epsilon: Rational;
}

export function releaseCount(ctx: ReleaseContext, input: CountReleaseInput): Release {
  const sensitivity = toInteger(input.sensitivity ?? 1, 'sensitivity');
  if (!isDifferentiallyPrivate(ctx.level)) {
    return exactRelease(ctx, input, toSafeNumber(toInteger(input.count, 'count')), {});
  }
  const noisy = noisyCount({ count: input.count, sensitivity, epsilon: input.epsilon, random: randomOf(ctx) });
  const raw = toSafeNumber(noisy.value);
  return {
    ...base(ctx, input, 'discrete_laplace', input.epsilon),
    value: Math.max(0, raw), // a count is never negative: clamping is free post-processing
    scale: formatRational(noisy.scale),
    interval95: integerInterval(raw, laplaceHalfWidth(noisy.scale, COVERAGE), 0),
    params: { sensitivity: sensitivity.toString() },
  };
}

// ------------------------------------------------------------------------------------------ sums

export interface BoundedSumReleaseInput extends ReleaseTarget {
  /** One value per learner (the learner's own total for the window). */
  readonly perLearner: readonly IntegerInput[];
  readonly lower: IntegerInput;
  readonly upper: IntegerInput;
  readonly epsilon: Rational;
}

export function releaseBoundedSum(ctx: ReleaseContext, input: BoundedSumReleaseInput): Release {
  const { lower, upper } = bounds(input.lower, input.upper);
  const params = { lower: lower.toString(), upper: upper.toString() };
  if (!isDifferentiallyPrivate(ctx.level)) {
    let total = 0n;
    for (const v of input.perLearner) total += toInteger(v);
    return exactRelease(ctx, input, toSafeNumber(total), {});
  }
  const noisy = noisyBoundedSum({ perLearner: input.perLearner, lower, upper, epsilon: input.epsilon, random: randomOf(ctx) });
  const raw = toSafeNumber(noisy.value);
  const floor = lower >= 0n ? 0 : undefined;
  return {
    ...base(ctx, input, 'discrete_laplace', input.epsilon),
    value: floor === undefined ? raw : Math.max(floor, raw),
    scale: formatRational(noisy.scale),
    interval95: integerInterval(raw, laplaceHalfWidth(noisy.scale, COVERAGE), floor),
    params: { ...params, sensitivity: noisy.sensitivity.toString() },
  };
}

// ----------------------------------------------------------------------------------------- means

export interface MeanReleaseInput extends ReleaseTarget {
  /** One array of values per learner. At DP levels each holds at most maxContributionsPerLearner values. */
  readonly contributions: readonly (readonly IntegerInput[])[];
  readonly lower: IntegerInput;
  readonly upper: IntegerInput;
  readonly maxContributionsPerLearner: number;
  readonly sumEpsilon: Rational;
  /** Draw a fresh noisy count, or reuse a released count of the same values (free). */
  readonly count: { readonly epsilon: Rational } | { readonly release: Release };
}

function exactMean(contributions: readonly (readonly IntegerInput[])[]): number | null {
  let total = 0n;
  let n = 0n;
  for (const learner of contributions) {
    for (const v of learner) {
      total += toInteger(v);
      n += 1n;
    }
  }
  return n === 0n ? null : Number(total) / Number(n);
}

/** The noisy count behind a released count, and the half-width of its noise at `coverage`. */
function releasedCount(release: Release, coverage: number): { value: bigint; scale: Rational; halfWidth: number } {
  if (release.value === null || release.scale === null) throw new RangeError('a reused count must be a released noisy count');
  const scale = parseRational(release.scale);
  const halfWidth = release.mechanism === 'discrete_gaussian' ? gaussianHalfWidth(scale, coverage) : laplaceHalfWidth(scale, coverage);
  return { value: BigInt(release.value), scale, halfWidth };
}

export function releaseMean(ctx: ReleaseContext, input: MeanReleaseInput): Release {
  const { lower, upper } = bounds(input.lower, input.upper);
  if (!isDifferentiallyPrivate(ctx.level)) return exactRelease(ctx, input, exactMean(input.contributions), {});
  const reused = 'release' in input.count ? releasedCount(input.count.release, HALF_COVERAGE) : undefined;
  const countEpsilon = 'epsilon' in input.count ? input.count.epsilon : ZERO;
  const mean = noisyMean({
    contributions: input.contributions,
    lower,
    upper,
    maxContributionsPerLearner: input.maxContributionsPerLearner,
    sumEpsilon: input.sumEpsilon,
    count: reused ? { reuse: { value: reused.value, scale: reused.scale } } : { epsilon: countEpsilon },
    random: randomOf(ctx),
  });
  const countHalfWidth = reused ? reused.halfWidth : laplaceHalfWidth(mean.noisyCount.scale, HALF_COVERAGE);
  return {
    ...base(ctx, input, 'normalized_sum', add(input.sumEpsilon, countEpsilon)),
    value: mean.mean,
    scale: formatRational(mean.noisyCenteredSum.scale),
    interval95: meanInterval({
      midpoint: Number(mean.midpoint),
      centeredSum: Number(mean.noisyCenteredSum.value),
      count: Number(mean.noisyCount.value),
      sumHalfWidth: laplaceHalfWidth(mean.noisyCenteredSum.scale, HALF_COVERAGE),
      countHalfWidth,
      lower: Number(lower),
      upper: Number(upper),
    }),
    params: {
      lower: lower.toString(),
      upper: upper.toString(),
      maxContributionsPerLearner: input.maxContributionsPerLearner,
      sumEpsilon: formatRational(input.sumEpsilon),
      countEpsilon: formatRational(countEpsilon),
      countScale: formatRational(mean.noisyCount.scale),
      countReused: reused ? 'yes' : 'no',
    },
  };
}

// ------------------------------------------------------------------------------------- quantiles

export interface QuantileReleaseInput extends ReleaseTarget {
  readonly contributions: readonly (readonly IntegerInput[])[];
  /** Public grid, strictly increasing. */
  readonly candidates: readonly IntegerInput[];
  readonly alpha?: Rational;
  readonly maxContributionsPerLearner: number;
  readonly epsilon: Rational;
}

/** Nearest-rank quantile: the smallest value with at least ceil(alpha n) values at or below it. */
function exactQuantile(contributions: readonly (readonly IntegerInput[])[], alpha: Rational): number | null {
  const values = contributions.flat().map((v) => toInteger(v));
  if (values.length === 0) return null;
  values.sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  const n = BigInt(values.length);
  let rank = (alpha.num * n + alpha.den - 1n) / alpha.den; // ceil(alpha n)
  if (rank < 1n) rank = 1n;
  return toSafeNumber(values[Number(rank) - 1]!);
}

export function releaseQuantile(ctx: ReleaseContext, input: QuantileReleaseInput): Release {
  const alpha = input.alpha ?? MEDIAN;
  if (!isDifferentiallyPrivate(ctx.level)) {
    return exactRelease(ctx, input, exactQuantile(input.contributions, alpha), { alpha: formatRational(alpha) });
  }
  const candidates = parseCandidates(input.candidates);
  const q = noisyQuantile({ ...input, alpha, random: randomOf(ctx) });
  return {
    ...base(ctx, input, 'permute_and_flip', input.epsilon),
    value: toSafeNumber(q.value),
    scale: formatRational(q.scale),
    // The selection error is in ranks, not in value units: no value interval is claimed.
    interval95: null,
    params: {
      alpha: formatRational(alpha),
      maxContributionsPerLearner: input.maxContributionsPerLearner,
      candidates: candidates.length,
      candidateMin: candidates[0]!.toString(),
      candidateMax: candidates[candidates.length - 1]!.toString(),
      sensitivity: q.sensitivity.toString(),
    },
  };
}

// ----------------------------------------------------------------------------- per-key histograms

/** Pure DP with discrete Laplace, or the discrete Gaussian option recorded as (epsilon, delta) from rho. */
export type KeyedReleaseNoise =
  | { readonly kind: 'laplace'; readonly epsilon: Rational }
  | { readonly kind: 'gaussian'; readonly rho: Rational; readonly delta: Rational };

export interface KeyedCountsReleaseInput {
  readonly metric: string;
  /** Public keys from the catalog; every one is released, zero included. */
  readonly keys: readonly string[];
  /** One array of distinct keys per learner, at most maxKeysPerLearner at DP levels. */
  readonly contributions: readonly (readonly string[])[];
  readonly maxKeysPerLearner: number;
  readonly noise: KeyedReleaseNoise;
}

function keyedNoise(noise: KeyedReleaseNoise): KeyedNoise {
  return noise.kind === 'laplace' ? noise : { kind: 'gaussian', rho: noise.rho };
}

function keyedLoss(noise: KeyedReleaseNoise): { epsilon: Rational; delta: Rational } {
  return noise.kind === 'laplace' ? { epsilon: noise.epsilon, delta: ZERO } : { epsilon: epsilonForZcdp(noise.rho, noise.delta), delta: noise.delta };
}

function keyedNoiseParams(noise: KeyedReleaseNoise): Record<string, string> {
  return noise.kind === 'gaussian' ? { rho: formatRational(noise.rho) } : {};
}

function exactKeyedTotals(keys: readonly string[], contributions: readonly (readonly KeyedValue[])[]): Map<string, bigint> {
  const totals = new Map<string, bigint>(keys.map((k) => [k, 0n]));
  for (const learner of contributions) {
    for (const { key, value } of learner) {
      const t = totals.get(key);
      if (t !== undefined) totals.set(key, t + value);
    }
  }
  return totals;
}

/** Distinct learners per public key. */
export function releaseKeyedCounts(ctx: ReleaseContext, input: KeyedCountsReleaseInput): Release[] {
  const contributions = input.contributions.map((keys) => [...new Set(keys)].map((key) => ({ key, value: 1n })));
  if (!isDifferentiallyPrivate(ctx.level)) {
    const totals = exactKeyedTotals(input.keys, contributions);
    return input.keys.map((key) => exactRelease(ctx, { metric: input.metric, key }, toSafeNumber(totals.get(key)!), {}));
  }
  const sums = noisyKeyedSums({
    keys: input.keys,
    contributions,
    maxKeysPerLearner: input.maxKeysPerLearner,
    lower: 0,
    upper: 1,
    noise: keyedNoise(input.noise),
    random: randomOf(ctx),
  });
  const loss = keyedLoss(input.noise);
  const mechanism: ReleaseMechanism = input.noise.kind === 'laplace' ? 'discrete_laplace' : 'discrete_gaussian';
  const halfWidth = input.noise.kind === 'laplace' ? laplaceHalfWidth(sums.scale, COVERAGE) : gaussianHalfWidth(sums.scale, COVERAGE);
  return input.keys.map((key) => {
    const raw = toSafeNumber(sums.values.get(key)!);
    return {
      ...base(ctx, { metric: input.metric, key }, mechanism, loss.epsilon),
      delta: formatRational(loss.delta),
      value: Math.max(0, raw),
      scale: formatRational(sums.scale),
      interval95: integerInterval(raw, halfWidth, 0),
      params: { maxKeysPerLearner: input.maxKeysPerLearner, ...keyedNoiseParams(input.noise) },
    };
  });
}

export interface KeyedMeansReleaseInput {
  readonly metric: string;
  readonly keys: readonly string[];
  /** One array of (key, value) per learner, distinct keys, at most maxKeysPerLearner at DP levels. */
  readonly contributions: readonly (readonly KeyedValue[])[];
  readonly lower: IntegerInput;
  readonly upper: IntegerInput;
  readonly maxKeysPerLearner: number;
  readonly sumEpsilon: Rational;
  /** The released per-key learner counts of the same contributions (releaseKeyedCounts), reused for free. */
  readonly counts: readonly Release[];
}

/** Normalized-sum mean per public key, dividing by the already released per-key counts. */
export function releaseKeyedMeans(ctx: ReleaseContext, input: KeyedMeansReleaseInput): Release[] {
  const { lower, upper } = bounds(input.lower, input.upper);
  const countByKey = new Map(input.counts.map((r) => [r.key, r]));
  if (!isDifferentiallyPrivate(ctx.level)) {
    const totals = exactKeyedTotals(input.keys, input.contributions);
    const counts = exactKeyedTotals(input.keys, input.contributions.map((l) => l.map(({ key }) => ({ key, value: 1n }))));
    return input.keys.map((key) => {
      const n = counts.get(key)!;
      return exactRelease(ctx, { metric: input.metric, key }, n === 0n ? null : Number(totals.get(key)!) / Number(n), {});
    });
  }
  const midpoint = midpointOf(lower, upper);
  const centred = input.contributions.map((learner) => learner.map(({ key, value }) => ({ key, value: clampInteger(value, lower, upper) - midpoint })));
  const sums = noisyKeyedSums({
    keys: input.keys,
    contributions: centred,
    maxKeysPerLearner: input.maxKeysPerLearner,
    lower: lower - midpoint,
    upper: upper - midpoint,
    noise: { kind: 'laplace', epsilon: input.sumEpsilon },
    random: randomOf(ctx),
  });
  const sumHalfWidth = laplaceHalfWidth(sums.scale, HALF_COVERAGE);
  return input.keys.map((key) => {
    const countRelease = countByKey.get(key);
    if (!countRelease) throw new RangeError(`no released count for key ${key}`);
    const count = releasedCount(countRelease, HALF_COVERAGE);
    const centredSum = sums.values.get(key)!;
    return {
      ...base(ctx, { metric: input.metric, key }, 'normalized_sum', input.sumEpsilon),
      value: meanFromNoisy(midpoint, centredSum, count.value, lower, upper),
      scale: formatRational(sums.scale),
      interval95: meanInterval({
        midpoint: Number(midpoint),
        centeredSum: Number(centredSum),
        count: Number(count.value),
        sumHalfWidth,
        countHalfWidth: count.halfWidth,
        lower: Number(lower),
        upper: Number(upper),
      }),
      params: {
        lower: lower.toString(),
        upper: upper.toString(),
        maxKeysPerLearner: input.maxKeysPerLearner,
        countScale: countRelease.scale ?? '0',
        countReused: 'yes',
      },
    };
  });
}

// ------------------------------------------------------------------------------ min-group rule

/** The release with its value withheld; public parameters stay so the UI can say why. */
export function suppressRelease(release: Release): Release {
  return { ...release, value: null, suppressed: true, interval95: null };
}

/**
 * Minimum group size: publish a cell only if its released learner count is at least k; otherwise
 * suppress the count and every metric of the cell. It reads only the released count, never the true
 * one: at DP levels that makes it post-processing (free), since a gate on the true count is not DP.
 */
export function applyMinGroupRule(count: Release, metrics: readonly Release[], minGroupSize: number): Release[] {
  if (!Number.isSafeInteger(minGroupSize) || minGroupSize < 1) throw new RangeError('minGroupSize must be an integer >= 1');
  const publish = !count.suppressed && count.value !== null && count.value >= minGroupSize;
  const all = [count, ...metrics];
  return publish ? all : all.map(suppressRelease);
}
