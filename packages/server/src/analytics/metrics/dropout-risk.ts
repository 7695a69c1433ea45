import { EbbError } from '../../core/errors.ts';
import type { LearnerMetric } from '../analytics-service.ts';
import type { DateRange } from '../date-range.ts';
import { atRisk, scoreDropoutRisk, type EngagementLevel, type RiskFactorBreakdown } from '../risk/dropout-risk.ts';
import { computeLearnerActivity, type LearnerActivity } from './learner-activity.ts';
import type { MetricDb } from './metric-query.ts';

/**
 * Dropout risk of learners (analytics/risk: seed 001's weighted factors and engagement levels)
 * over the range as the activity window, each score with its factor breakdown so staff can see why.
 */
export interface LearnerRisk {
  subjectId: string;
  score: number;
  level: EngagementLevel;
  factors: readonly RiskFactorBreakdown[];
  activity: Omit<LearnerActivity, 'subjectId'>;
}

const r4 = (x: number) => Number(x.toFixed(4));

function riskOf(a: LearnerActivity): LearnerRisk {
  const { subjectId, ...activity } = a;
  const risk = scoreDropoutRisk(activity);
  return {
    subjectId, score: r4(risk.score), level: risk.level,
    factors: risk.factors.map((f) => ({ ...f, weight: r4(f.weight), risk: r4(f.risk), contribution: r4(f.contribution), value: f.value === null ? null : r4(f.value) })),
    activity,
  };
}

export const DEFAULT_AT_RISK_THRESHOLD = 0.7;
export const DEFAULT_AT_RISK_LIMIT = 100;

export interface AtRiskList {
  threshold: number;
  /** Learners scored (every learner of the tenant not erased). */
  learnersScored: number;
  /** Learners at or above the threshold; `learners` holds the riskiest `limit` of them. */
  atRisk: number;
  learners: LearnerRisk[];
}

export async function computeAtRisk(db: MetricDb, q: { tenantId: string; range: DateRange }, options: { threshold: number; limit: number }): Promise<AtRiskList> {
  const all = (await computeLearnerActivity(db, q)).map(riskOf);
  // Ties keep a stable order (by subject id), so pages of the list do not shuffle.
  all.sort((a, b) => (a.subjectId < b.subjectId ? -1 : 1));
  const flagged = atRisk(all, options.threshold);
  return { threshold: options.threshold, learnersScored: all.length, atRisk: flagged.length, learners: flagged.slice(0, options.limit) };
}

export const learnerRiskMetric: LearnerMetric<LearnerRisk> = {
  name: 'learner-risk',
  async compute(db, q) {
    const [a] = await computeLearnerActivity(db, { tenantId: q.tenantId, range: q.range, subjectId: q.subjectId });
    if (!a) throw new EbbError('EBB_SUBJECT_NOT_FOUND', 'This person is not a learner of the tenant (or was erased): there is no dropout risk to show.');
    return riskOf(a);
  },
};
