import { toNumber } from './rational.ts';
import type { Rational } from './rational.ts';

/**
 * Confidence intervals for published values. They depend only on public parameters (scales) and
 * released numbers, so they are post-processing and free. Floats are fine here; every rounding
 * goes towards a wider interval.
 */

export interface Interval {
  readonly low: number;
  readonly high: number;
}

function checkCoverage(coverage: number): void {
  if (!(coverage > 0 && coverage < 1)) throw new RangeError('coverage must lie strictly between 0 and 1');
}

/**
 * Half-width h of the interval y +- h for discrete Laplace noise of scale b:
 * P(|Z| >= j) = 2 a^j / (1 + a) with a = exp(-1/b); take the smallest j with that <= 1 - coverage, h = j - 1.
 * b = 1 gives 3, b = 2 gives 6, b = 10 gives 30 at 95%.
 */
export function laplaceHalfWidth(scale: Rational, coverage = 0.95): number {
  checkCoverage(coverage);
  if (scale.num === 0n) return 0;
  const b = toNumber(scale);
  const a = Math.exp(-1 / b);
  const j = Math.ceil(b * Math.log(2 / ((1 - coverage) * (1 + a))) * (1 + 1e-12));
  return Math.max(1, j) - 1;
}

/** Same for discrete Gaussian noise N_Z(0, sigma2), by summing the pmf (tails beyond 12 sigma are negligible). */
export function gaussianHalfWidth(sigma2: Rational, coverage = 0.95): number {
  checkCoverage(coverage);
  if (sigma2.num === 0n) return 0;
  const variance = toNumber(sigma2);
  const limit = Math.ceil(12 * Math.sqrt(variance)) + 2;
  const weights: number[] = [];
  let normaliser = 0;
  for (let k = 0; k <= limit; k++) {
    const w = Math.exp(-(k * k) / (2 * variance));
    weights.push(w);
    normaliser += k === 0 ? w : 2 * w;
  }
  // tail(j) = P(|Z| >= j); walk j down from the far tail while the tail stays small enough.
  let tail = 0;
  let j = limit + 1;
  while (j > 1) {
    const next = tail + (2 * weights[j - 1]!) / normaliser;
    if (next > (1 - coverage) * (1 - 1e-12)) break;
    tail = next;
    j--;
  }
  return j - 1;
}

/** y +- h, intersected with [floor, infinity) when the true value cannot be lower (counts >= 0). */
export function integerInterval(value: number, halfWidth: number, floor?: number): Interval {
  let low = value - halfWidth;
  let high = value + halfWidth;
  if (floor !== undefined) {
    low = Math.max(floor, low);
    high = Math.max(floor, high);
  }
  return { low, high };
}

export interface MeanIntervalInput {
  readonly midpoint: number;
  readonly centeredSum: number;
  readonly count: number;
  /** Half-widths at coverage (1 + c) / 2 each, so that both hold together with probability >= c. */
  readonly sumHalfWidth: number;
  readonly countHalfWidth: number;
  readonly lower: number;
  readonly upper: number;
}

/**
 * Interval for a normalized-sum mean: with the union bound, the true centred sum and count lie in
 * their boxes together with probability >= c, and the mean mid + S / C is then within the extremes of
 * that box, intersected with [lower, upper] where every value lies.
 */
export function meanInterval(input: MeanIntervalInput): Interval {
  const cLow = Math.max(1, input.count - input.countHalfWidth);
  const cHigh = Math.max(cLow, input.count + input.countHalfWidth);
  const sLow = input.centeredSum - input.sumHalfWidth;
  const sHigh = input.centeredSum + input.sumHalfWidth;
  const lowRatio = sLow >= 0 ? sLow / cHigh : sLow / cLow;
  const highRatio = sHigh >= 0 ? sHigh / cLow : sHigh / cHigh;
  const clampTo = (x: number) => Math.min(input.upper, Math.max(input.lower, x));
  return { low: clampTo(input.midpoint + lowRatio), high: clampTo(input.midpoint + highRatio) };
}
