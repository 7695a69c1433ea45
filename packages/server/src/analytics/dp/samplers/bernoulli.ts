import type { RandomSource } from '../random.ts';

/**
 * Exact Bernoulli samplers on rational parameters (Canonne, Kamath, Steinke 2020, "The Discrete
 * Gaussian for Differential Privacy", Algorithm 1). Only integer draws, so no float rounding can
 * leak the input.
 */

/** True with probability num/den, for 0 <= num <= den. */
export function sampleBernoulli(random: RandomSource, num: bigint, den: bigint): boolean {
  if (den <= 0n || num < 0n || num > den) throw new RangeError(`Bernoulli needs 0 <= ${num}/${den} <= 1`);
  return random.uniformBelow(den) < num;
}

/** True with probability exp(-num/den) for 0 <= num/den <= 1. */
function bernoulliExpAtMostOne(random: RandomSource, num: bigint, den: bigint): boolean {
  // Count k while successive Bernoulli(g/k) succeed; the first failure at an odd k has probability exp(-g).
  let k = 1n;
  while (sampleBernoulli(random, num, den * k)) k++;
  return (k & 1n) === 1n;
}

/** True with probability exp(-num/den) for any rational num/den >= 0. */
export function sampleBernoulliExp(random: RandomSource, num: bigint, den: bigint): boolean {
  if (den <= 0n || num < 0n) throw new RangeError(`Bernoulli(exp(-g)) needs g = ${num}/${den} >= 0`);
  let rest = num;
  // exp(-g) = exp(-1)^floor(g) * exp(-(g - floor(g))): one exp(-1) trial per whole unit.
  while (rest > den) {
    if (!bernoulliExpAtMostOne(random, 1n, 1n)) return false;
    rest -= den;
  }
  return bernoulliExpAtMostOne(random, rest, den);
}
