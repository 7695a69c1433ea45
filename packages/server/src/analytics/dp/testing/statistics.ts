/**
 * Statistics for the sampler tests (test code only). Thresholds follow the usual sampler-test
 * practice: z = 6 and a chi-square critical value of df + 6 sqrt(2 df), a false alarm rate around
 * 1e-9 per test without a table.
 */

export function chiSquareCritical(df: number): number {
  return df + 6 * Math.sqrt(2 * df);
}

export interface ChiSquare {
  readonly statistic: number;
  readonly df: number;
  readonly critical: number;
}

/** Pearson statistic of observed counts against expected counts (same length, expected > 0). */
export function pearson(observed: readonly number[], expected: readonly number[]): ChiSquare {
  if (observed.length !== expected.length) throw new Error('observed and expected differ in length');
  let statistic = 0;
  for (let i = 0; i < observed.length; i++) {
    const e = expected[i]!;
    const d = observed[i]! - e;
    statistic += (d * d) / e;
  }
  const df = observed.length - 1;
  return { statistic, df, critical: chiSquareCritical(df) };
}

/** An inclusive integer range; -Infinity / Infinity make tail bins. */
export interface Bin {
  readonly lo: number;
  readonly hi: number;
}

/**
 * Bins over the integers for a distribution given by mass(lo, hi): start at `centre`, grow each
 * bin outward until its expected count reaches minExpected, and close each side with a tail bin.
 */
export function integerBins(mass: (lo: number, hi: number) => number, n: number, minExpected: number, centre = 0): Bin[] {
  const right: Bin[] = [];
  let lo = centre + 1;
  while (n * mass(lo, Infinity) >= 2 * minExpected) {
    let hi = lo;
    while (n * mass(lo, hi) < minExpected) hi++;
    right.push({ lo, hi });
    lo = hi + 1;
  }
  right.push({ lo, hi: Infinity });
  const left: Bin[] = [];
  let hi = centre - 1;
  while (n * mass(-Infinity, hi) >= 2 * minExpected) {
    let l = hi;
    while (n * mass(l, hi) < minExpected) l--;
    left.push({ lo: l, hi });
    hi = l - 1;
  }
  left.push({ lo: -Infinity, hi });
  return [...left.reverse(), { lo: centre, hi: centre }, ...right];
}

/** Counts samples per bin (bins sorted, contiguous). */
export function countInBins(samples: Iterable<number>, bins: readonly Bin[]): number[] {
  const counts = bins.map(() => 0);
  for (const x of samples) {
    let a = 0;
    let b = bins.length - 1;
    while (a < b) {
      const mid = (a + b) >> 1;
      if (x > bins[mid]!.hi) a = mid + 1;
      else b = mid;
    }
    counts[a]!++;
  }
  return counts;
}

export function goodnessOfFit(samples: readonly number[], bins: readonly Bin[], mass: (lo: number, hi: number) => number): ChiSquare {
  const observed = countInBins(samples, bins);
  const expected = bins.map((b) => samples.length * mass(b.lo, b.hi));
  return pearson(observed, expected);
}

/** |z| of a binomial proportion against p. */
export function binomialZ(successes: number, n: number, p: number): number {
  return Math.abs(successes / n - p) / Math.sqrt((p * (1 - p)) / n);
}

export function histogram(samples: Iterable<number>): Map<number, number> {
  const h = new Map<number, number>();
  for (const x of samples) h.set(x, (h.get(x) ?? 0) + 1);
  return h;
}

/**
 * Empirical DP test value: about the largest P_A(E) - e^eps P_B(E) over events E, estimated from
 * histograms of n outputs each. A correct eps-DP mechanism stays below delta + tolerance.
 */
export function dpTestValue(a: ReadonlyMap<number, number>, b: ReadonlyMap<number, number>, epsilon: number, n: number): number {
  let t = 0;
  const factor = Math.exp(epsilon);
  for (const [outcome, countA] of a) t += Math.max(0, (countA - factor * (b.get(outcome) ?? 0)) / n);
  return t;
}

/** Discrete Laplace mass of [lo, hi] at scale b: P[y] = (1 - a)/(1 + a) a^|y|, a = exp(-1/b). */
export function discreteLaplaceMass(b: number): (lo: number, hi: number) => number {
  const a = Math.exp(-1 / b);
  // Upper tail P(Y >= j) for any integer j.
  const upper = (j: number): number => (j === -Infinity ? 1 : j === Infinity ? 0 : j >= 1 ? a ** j / (1 + a) : 1 - a ** (1 - j) / (1 + a));
  return (lo, hi) => upper(lo) - upper(hi === Infinity ? Infinity : hi + 1);
}

/** Discrete Gaussian mass of [lo, hi] with variance s2, normalised over |k| <= 40 sigma. */
export function discreteGaussianMass(s2: number): (lo: number, hi: number) => number {
  const limit = Math.ceil(40 * Math.sqrt(s2)) + 1;
  const weights: number[] = [];
  let total = 0;
  for (let k = -limit; k <= limit; k++) {
    const w = Math.exp(-(k * k) / (2 * s2));
    weights.push(w);
    total += w;
  }
  const prefix = [0];
  for (const w of weights) prefix.push(prefix[prefix.length - 1]! + w / total);
  const at = (k: number): number => prefix[Math.min(Math.max(k + limit, 0), 2 * limit + 1)]!; // P(Y < k)
  return (lo, hi) => at(hi === Infinity ? limit + 1 : hi + 1) - at(lo === -Infinity ? -limit : lo);
}
