import type { RandomSource } from '../random.ts';
import type { Rational } from '../rational.ts';
import { sampleBernoulli } from './bernoulli.ts';
import { sampleGeometricExp } from './geometric.ts';

/**
 * Discrete Laplace (two-sided geometric) with scale b: P[y] = (1 - a)/(1 + a) a^|y|, a = exp(-1/b).
 * Exact (CKS20 Algorithm 2): integer noise for integer queries is the geometric mechanism,
 * epsilon-DP at b = sensitivity / epsilon.
 */
export function sampleDiscreteLaplace(random: RandomSource, scale: Rational): bigint {
  if (scale.num < 0n || scale.den <= 0n) throw new RangeError('discrete Laplace needs a scale >= 0');
  if (scale.num === 0n) return 0n;
  for (;;) {
    const negative = sampleBernoulli(random, 1n, 2n);
    const magnitude = sampleGeometricExp(random, scale.den, scale.num); // g = 1/b
    // Both signs produce 0; drop one of them so 0 is not counted twice.
    if (negative && magnitude === 0n) continue;
    return negative ? -magnitude : magnitude;
  }
}
