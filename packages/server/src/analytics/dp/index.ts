/** Differential-privacy engine: exact samplers over integers, mechanisms, budget rules, releases. */
export type { Rational } from './rational.ts';
export {
  rational,
  parseRational,
  formatRational,
  add as addRational,
  sub as subRational,
  mul as mulRational,
  div as divRational,
  compare as compareRational,
  equals as equalsRational,
  sum as sumRational,
  toNumber as rationalToNumber,
  ZERO as RATIONAL_ZERO,
  ONE as RATIONAL_ONE,
} from './rational.ts';
export * from './epsilon.ts';
export * from './integers.ts';
export * from './random.ts';
export { sampleBernoulli, sampleBernoulliExp } from './samplers/bernoulli.ts';
export { sampleGeometricExp } from './samplers/geometric.ts';
export { sampleDiscreteLaplace } from './samplers/discrete-laplace.ts';
export { isqrt, sampleDiscreteGaussian } from './samplers/discrete-gaussian.ts';
export { samplePermuteAndFlip } from './samplers/permute-and-flip.ts';
export * from './contribution-bounding.ts';
export * from './mechanisms/laplace-noise.ts';
export * from './mechanisms/count.ts';
export * from './mechanisms/bounded-sum.ts';
export * from './mechanisms/mean.ts';
export * from './mechanisms/quantile.ts';
export * from './mechanisms/keyed-sums.ts';
export * from './interval.ts';
export * from './zcdp.ts';
export * from './privacy-levels.ts';
export * from './budget.ts';
export * from './in-memory-budget-ledger.ts';
export * from './release-key.ts';
export * from './release.ts';
export * from './weekly-split.ts';
export * from './weekly-release.ts';
