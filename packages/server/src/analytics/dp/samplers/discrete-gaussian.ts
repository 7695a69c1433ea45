import type { RandomSource } from '../random.ts';
import type { Rational } from '../rational.ts';
import { sampleBernoulliExp } from './bernoulli.ts';
import { sampleDiscreteLaplace } from './discrete-laplace.ts';

/** floor(sqrt(n)) for n >= 0, by Newton's method on BigInt. */
export function isqrt(n: bigint): bigint {
  if (n < 0n) throw new RangeError('isqrt of a negative number');
  if (n < 2n) return n;
  // Start at a power of two above the root; Newton's iterates then decrease monotonically to it.
  let x = 1n << BigInt((n.toString(2).length >> 1) + 1);
  for (;;) {
    const y = (x + n / x) >> 1n;
    if (y >= x) break;
    x = y;
  }
  return x;
}

/**
 * Discrete Gaussian N_Z(0, sigma2): P[y] proportional to exp(-y^2 / (2 sigma2)), exact
 * (CKS20 Algorithm 3): discrete Laplace proposals with scale t = floor(sigma) + 1, accepted with
 * probability exp(-(|y| - sigma2/t)^2 / (2 sigma2)).
 */
export function sampleDiscreteGaussian(random: RandomSource, sigma2: Rational): bigint {
  if (sigma2.num < 0n || sigma2.den <= 0n) throw new RangeError('discrete Gaussian needs a variance >= 0');
  if (sigma2.num === 0n) return 0n;
  const { num, den } = sigma2;
  const t = isqrt(num / den) + 1n;
  for (;;) {
    const y = sampleDiscreteLaplace(random, { num: t, den: 1n });
    const ay = y < 0n ? -y : y;
    const gap = ay * t * den - num; // (|y| - sigma2/t) * t * den
    if (sampleBernoulliExp(random, gap * gap, 2n * num * t * t * den)) return y;
  }
}
