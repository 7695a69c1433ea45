import { mul, rational, toNumber } from './rational.ts';
import type { Rational } from './rational.ts';

/**
 * Zero-concentrated DP accounting for the discrete Gaussian option. rho adds under composition;
 * the ledger stores (epsilon, delta), so a rho is converted with the CKS20 bound and rounded up.
 */

/** A pure epsilon-DP release is epsilon^2 / 2 - zCDP. */
export function rhoForPureEpsilon(epsilon: Rational): Rational {
  return mul(mul(epsilon, epsilon), rational(1n, 2n));
}

/** Denominator of the grid the converted epsilon is rounded up to. */
const EPSILON_GRID = 1_000_000n;

function boundAt(alpha: number, rho: number, logInvDelta: number): number {
  return alpha * rho + (logInvDelta + (alpha - 1) * Math.log1p(-1 / alpha) - Math.log(alpha)) / (alpha - 1);
}

/**
 * epsilon(rho, delta) = inf over alpha > 1 of alpha rho + (ln(1/delta) + (alpha - 1) ln(1 - 1/alpha) - ln alpha) / (alpha - 1),
 * evaluated numerically (a coarse log-spaced scan, then golden-section refinement) and rounded up to a
 * multiple of 1e-6. Any alpha gives a valid bound, so a slightly suboptimal alpha only costs tightness.
 */
export function epsilonForZcdp(rho: Rational, delta: Rational): Rational {
  if (rho.num <= 0n) throw new RangeError('rho must be > 0');
  if (delta.num <= 0n || delta.num >= delta.den) throw new RangeError('delta must lie strictly between 0 and 1');
  const r = toNumber(rho);
  const logInvDelta = -Math.log(toNumber(delta));
  let bestLog = 0;
  let best = Number.POSITIVE_INFINITY;
  for (let i = 1; i <= 4000; i++) {
    const logAlpha = (i / 4000) * 30; // alpha from just above 1 to e^30
    const v = boundAt(Math.exp(logAlpha), r, logInvDelta);
    if (v < best) {
      best = v;
      bestLog = logAlpha;
    }
  }
  let lo = Math.max(1e-9, bestLog - 30 / 4000);
  let hi = bestLog + 30 / 4000;
  const phi = (Math.sqrt(5) - 1) / 2;
  for (let step = 0; step < 100; step++) {
    const x1 = hi - phi * (hi - lo);
    const x2 = lo + phi * (hi - lo);
    if (boundAt(Math.exp(x1), r, logInvDelta) < boundAt(Math.exp(x2), r, logInvDelta)) hi = x2;
    else lo = x1;
  }
  best = Math.min(best, boundAt(Math.exp((lo + hi) / 2), r, logInvDelta));
  // Round up, with a margin for float error, so the recorded loss is never below the true bound.
  return rational(BigInt(Math.ceil(best * Number(EPSILON_GRID) * (1 + 1e-9))), EPSILON_GRID);
}
