import { EbbError } from '../../core/errors.ts';
import {
  DEFAULT_RISK_FACTOR_PARAMETERS,
  RISK_FACTORS,
  type LearnerActivitySummary,
  type RiskFactorName,
  type RiskFactorParameters,
} from './risk-factors.ts';

/**
 * Dropout risk: a weighted sum of the factor risks in risk-factors.ts, 0 (engaged) to 1 (high
 * risk), with the per-factor breakdown kept so staff can see why a learner was flagged.
 */

export type RiskWeights = Readonly<Record<RiskFactorName, number>>;

/** The seed design's weights. */
export const DEFAULT_RISK_WEIGHTS: RiskWeights = Object.freeze({
  days_inactive: 0.4,
  login_frequency: 0.25,
  quest_completion: 0.2,
  session_duration: 0.1,
  streak: 0.05,
});

export type EngagementLevel = 'high' | 'medium' | 'low' | 'at_risk';

export interface RiskFactorBreakdown {
  readonly name: RiskFactorName;
  /** Weight after normalisation (all weights sum to 1). */
  readonly weight: number;
  /** The raw measurement, in the unit RISK_FACTORS gives for this factor. */
  readonly value: number | null;
  /** The factor's risk, 0..1. */
  readonly risk: number;
  /** weight * risk; the contributions sum to the score. */
  readonly contribution: number;
}

export interface DropoutRisk {
  readonly score: number;
  readonly level: EngagementLevel;
  readonly factors: readonly RiskFactorBreakdown[];
}

export interface DropoutRiskOptions {
  /** Relative weights; missing factors keep the default. Normalised to sum to 1. */
  readonly weights?: Partial<RiskWeights>;
  readonly parameters?: Partial<RiskFactorParameters>;
}

/**
 * Seed thresholds: high < 0.3, medium 0.3-0.6, low 0.6-0.8, at_risk > 0.8. Shared bounds go to
 * the riskier side except 0.8, which the seed keeps out of at_risk ("> 0.8").
 */
export function engagementLevel(score: number): EngagementLevel {
  if (score < 0.3) return 'high';
  if (score < 0.6) return 'medium';
  if (score <= 0.8) return 'low';
  return 'at_risk';
}

function resolveWeights(overrides: Partial<RiskWeights> | undefined): RiskWeights {
  const merged = { ...DEFAULT_RISK_WEIGHTS, ...overrides };
  let total = 0;
  for (const [name, w] of Object.entries(merged)) {
    if (!Number.isFinite(w) || w < 0) {
      throw new EbbError('EBB_CONFIG_INVALID', `Dropout-risk weight "${name}" must be a finite number >= 0, got ${String(w)}.`);
    }
    total += w;
  }
  if (total <= 0) throw new EbbError('EBB_CONFIG_INVALID', 'At least one dropout-risk weight must be greater than 0.');
  // Normalised so the score stays in [0, 1] whatever scale the weights were given in.
  const normalised = {} as Record<RiskFactorName, number>;
  for (const { name } of RISK_FACTORS) normalised[name] = merged[name] / total;
  return Object.freeze(normalised);
}

function resolveParameters(overrides: Partial<RiskFactorParameters> | undefined): RiskFactorParameters {
  const merged = { ...DEFAULT_RISK_FACTOR_PARAMETERS, ...overrides };
  for (const [name, v] of Object.entries(merged)) {
    if (!Number.isFinite(v) || v < 0) {
      throw new EbbError('EBB_CONFIG_INVALID', `Dropout-risk parameter "${name}" must be a finite number >= 0, got ${String(v)}.`);
    }
  }
  return Object.freeze(merged);
}

/** Validates the options once and returns a scorer to apply to many learners. */
export function createDropoutRiskScorer(options: DropoutRiskOptions = {}): (summary: LearnerActivitySummary) => DropoutRisk {
  const weights = resolveWeights(options.weights);
  const parameters = resolveParameters(options.parameters);
  return function scoreDropoutRisk(summary) {
    let score = 0;
    const factors: RiskFactorBreakdown[] = [];
    for (const factor of RISK_FACTORS) {
      const { value, risk } = factor.read(summary, parameters);
      const weight = weights[factor.name];
      const contribution = weight * risk;
      score += contribution;
      factors.push({ name: factor.name, weight, value, risk, contribution });
    }
    // Rounding in the sum can leave 1 + 1e-16; the score is a risk, so keep it in range.
    score = Math.min(1, Math.max(0, score));
    return { score, level: engagementLevel(score), factors };
  };
}

const defaultScorer = createDropoutRiskScorer();

export function scoreDropoutRisk(summary: LearnerActivitySummary, options?: DropoutRiskOptions): DropoutRisk {
  return options === undefined ? defaultScorer(summary) : createDropoutRiskScorer(options)(summary);
}

/** The entries scoring at or above `threshold`, riskiest first (ties keep their input order). */
export function atRisk<T extends { readonly score: number }>(list: readonly T[], threshold: number): T[] {
  return list.filter((x) => x.score >= threshold).sort((a, b) => b.score - a.score);
}
