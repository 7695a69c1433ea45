import type { RandomSource } from '../random.ts';
import type { Rational } from '../rational.ts';
import { sampleBernoulliExp } from './bernoulli.ts';

/**
 * Permute-and-flip selection (McKenna and Sheldon 2020): visit candidates in a uniformly random
 * order and accept candidate i with probability exp(-(max - score_i) / scale). With integer scores
 * of sensitivity du and scale = 2 du / epsilon it is epsilon-DP, like the exponential mechanism,
 * and never less accurate. Returns the index of the chosen candidate.
 */
export function samplePermuteAndFlip(random: RandomSource, scores: readonly bigint[], scale: Rational): number {
  if (scores.length === 0) throw new RangeError('permute-and-flip needs at least one candidate');
  if (scale.num <= 0n || scale.den <= 0n) throw new RangeError('permute-and-flip needs a scale > 0');
  let best = scores[0]!;
  for (const s of scores) if (s > best) best = s;
  const order = scores.map((_, i) => i);
  for (let l = 0; l < order.length; l++) {
    const r = l + Number(random.uniformBelow(BigInt(order.length - l)));
    const pick = order[r]!;
    order[r] = order[l]!;
    order[l] = pick;
    // (best - s) / scale = (best - s) * den / num; the best candidate is always accepted.
    if (sampleBernoulliExp(random, (best - scores[pick]!) * scale.den, scale.num)) return pick;
  }
  throw new Error('permute-and-flip: the best candidate must have been accepted');
}
