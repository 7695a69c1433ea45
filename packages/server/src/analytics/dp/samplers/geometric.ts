import type { RandomSource } from '../random.ts';
import { sampleBernoulliExp } from './bernoulli.ts';

/**
 * Geometric samplers with P[k] = (1 - exp(-g)) exp(-g k), k >= 0, for rational g (CKS20 Algorithm 2).
 */

/** One Bernoulli(exp(-g)) trial per step: use only for small g such as 1. */
function sampleGeometricSlow(random: RandomSource, num: bigint, den: bigint): bigint {
  let k = 0n;
  while (sampleBernoulliExp(random, num, den)) k++;
  return k;
}

/** g = num/den > 0; O(1) expected time even when g is tiny (large noise scales). */
export function sampleGeometricExp(random: RandomSource, num: bigint, den: bigint): bigint {
  if (num <= 0n || den <= 0n) throw new RangeError(`geometric needs g = ${num}/${den} > 0`);
  // Sample the remainder u/den of a geometric(1/den) variable, then its whole part with g = 1,
  // and divide by num: floor((u + den * v) / num) is geometric with parameter num/den.
  let u: bigint;
  do u = random.uniformBelow(den);
  while (!sampleBernoulliExp(random, u, den));
  const v = sampleGeometricSlow(random, 1n, 1n);
  return (u + den * v) / num;
}
