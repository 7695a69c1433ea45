import { toInteger } from '../integers.ts';
import type { IntegerInput } from '../integers.ts';
import type { RandomSource } from '../random.ts';
import { defaultRandomSource } from '../random.ts';
import { isPositive, rational } from '../rational.ts';
import type { Rational } from '../rational.ts';
import { samplePermuteAndFlip } from '../samplers/permute-and-flip.ts';

/**
 * Quantile by the exponential mechanism over a fixed public grid of candidates, sampled exactly
 * with permute-and-flip. For alpha = num/den, score(c) = -|(den - num) * #{x < c} - num * #{x > c}|,
 * which is highest at the alpha-quantile.
 */
export interface NoisyQuantileOptions {
  /** One array per learner, each with at most maxContributionsPerLearner values. */
  contributions: readonly (readonly IntegerInput[])[];
  /** Public candidates in strictly increasing order (e.g. 0..180 minutes, step 1). */
  candidates: readonly IntegerInput[];
  /** Which quantile, 0 < alpha < 1; the median (1/2) by default. */
  alpha?: Rational;
  /** m; 1 (one representative value per learner) keeps the scale small. */
  maxContributionsPerLearner: number;
  epsilon: Rational;
  random?: RandomSource;
}

export interface NoisyQuantile {
  readonly value: bigint;
  readonly index: number;
  /** 2 * sensitivity / epsilon; scores are not monotone in the data, hence the 2. */
  readonly scale: Rational;
  readonly sensitivity: bigint;
}

export const MEDIAN: Rational = rational(1n, 2n);

function checkAlpha(alpha: Rational): void {
  if (alpha.num <= 0n || alpha.num >= alpha.den) throw new RangeError('alpha must lie strictly between 0 and 1');
}

/** How far one value can move a score: max(num, den - num). */
export function quantileScoreSensitivity(alpha: Rational): bigint {
  checkAlpha(alpha);
  const other = alpha.den - alpha.num;
  return alpha.num > other ? alpha.num : other;
}

/** Integer scores of each candidate for the sorted values. */
export function quantileScores(sortedValues: readonly bigint[], candidates: readonly bigint[], alpha: Rational): bigint[] {
  checkAlpha(alpha);
  const scores: bigint[] = [];
  let lt = 0; // values < c
  let le = 0; // values <= c
  for (const c of candidates) {
    while (lt < sortedValues.length && sortedValues[lt]! < c) lt++;
    if (le < lt) le = lt;
    while (le < sortedValues.length && sortedValues[le]! <= c) le++;
    const gt = BigInt(sortedValues.length - le);
    const d = (alpha.den - alpha.num) * BigInt(lt) - alpha.num * gt;
    scores.push(d < 0n ? d : -d);
  }
  return scores;
}

export function parseCandidates(candidates: readonly IntegerInput[]): bigint[] {
  if (candidates.length === 0) throw new RangeError('a quantile needs at least one candidate');
  const out = candidates.map((c) => toInteger(c, 'candidate'));
  for (let i = 1; i < out.length; i++) {
    if (out[i]! <= out[i - 1]!) throw new RangeError('candidates must be strictly increasing');
  }
  return out;
}

export function noisyQuantile(options: NoisyQuantileOptions): NoisyQuantile {
  const alpha = options.alpha ?? MEDIAN;
  const m = options.maxContributionsPerLearner;
  if (!Number.isSafeInteger(m) || m < 1) throw new RangeError('maxContributionsPerLearner must be an integer >= 1');
  if (!isPositive(options.epsilon)) throw new RangeError('epsilon must be > 0');
  const candidates = parseCandidates(options.candidates);
  const values: bigint[] = [];
  for (const learner of options.contributions) {
    if (learner.length > m) throw new RangeError(`a learner contributes ${learner.length} values, more than the bound ${m}`);
    for (const v of learner) values.push(toInteger(v));
  }
  values.sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  const sensitivity = BigInt(m) * quantileScoreSensitivity(alpha);
  const scale = rational(2n * sensitivity * options.epsilon.den, options.epsilon.num);
  const scores = quantileScores(values, candidates, alpha);
  const index = samplePermuteAndFlip(options.random ?? defaultRandomSource(), scores, scale);
  return { value: candidates[index]!, index, scale, sensitivity };
}
