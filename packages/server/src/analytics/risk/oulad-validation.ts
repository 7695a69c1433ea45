import { createDropoutRiskScorer, type DropoutRiskOptions } from './dropout-risk.ts';
import { loadOuladPresentation, OULAD_ATTRIBUTION, type OuladPresentation, type OuladStudent } from './load-oulad-presentation.ts';
import { DEFAULT_OULAD_SUMMARY_OPTIONS, ouladActivitySummary, type OuladSummaryOptions } from './oulad-activity-summary.ts';
import { aucStandardError, rocAuc } from './roc-auc.ts';

/**
 * Checks the dropout-risk model against what really happened to OULAD students: score every
 * student still registered at day D from their activity before D, then measure how well the
 * score ranks two outcomes (ROC AUC):
 * - withdrawn: final_result = Withdrawn;
 * - inactive next: no click at all in days D .. D + horizonDays - 1.
 */

export interface OutcomeAuc {
  readonly positives: number;
  /** ROC AUC; NaN when every student is positive or none is. */
  readonly auc: number;
  /** Hanley-McNeil standard error of the AUC. */
  readonly standardError: number;
}

export interface OuladDayResult {
  readonly day: number;
  /** Students registered at day D (not unregistered before D, and registered by then). */
  readonly students: number;
  readonly withdrawn: OutcomeAuc;
  readonly inactiveNext: OutcomeAuc;
  /** Mean risk score, to see where the population sits on the seed's scale. */
  readonly meanScore: number;
}

export interface OuladValidationOptions extends Partial<OuladSummaryOptions> {
  /** Days after which no activity counts as the "inactive next" outcome. */
  readonly horizonDays?: number;
  readonly risk?: DropoutRiskOptions;
}

export interface OuladValidationReport {
  readonly module: string;
  readonly presentation: string;
  readonly windowDays: number;
  readonly horizonDays: number;
  readonly secondsPerClick: number;
  /** Quiz-type learning resources in the presentation (see the quest mapping). */
  readonly quizResources: number;
  readonly days: readonly OuladDayResult[];
  readonly attribution: string;
}

export const DEFAULT_VALIDATION_DAYS: readonly number[] = Object.freeze([14, 28, 56, 84]);
export const DEFAULT_HORIZON_DAYS = 28;

/** Registered at the start of day D: registered by then and not unregistered before it. */
export function registeredAt(student: OuladStudent, day: number): boolean {
  if (student.registrationDay !== null && student.registrationDay > day) return false;
  return student.unregistrationDay === null || student.unregistrationDay >= day;
}

/** True when the student has no click in days from .. from + horizonDays - 1. */
export function inactiveDuring(student: OuladStudent, from: number, horizonDays: number): boolean {
  return !student.activeDays.some((d) => d >= from && d < from + horizonDays);
}

function outcome(scores: readonly number[], labels: readonly boolean[]): OutcomeAuc {
  const positives = labels.filter(Boolean).length;
  const auc = rocAuc(scores, labels);
  return { positives, auc, standardError: aucStandardError(auc, positives, labels.length - positives) };
}

/** Scores one presentation as of one day and measures both outcomes. */
export function evaluateOuladDay(data: OuladPresentation, day: number, options: OuladValidationOptions = {}): OuladDayResult {
  const summaryOptions: OuladSummaryOptions = {
    windowDays: options.windowDays ?? DEFAULT_OULAD_SUMMARY_OPTIONS.windowDays,
    secondsPerClick: options.secondsPerClick ?? DEFAULT_OULAD_SUMMARY_OPTIONS.secondsPerClick,
  };
  const horizonDays = options.horizonDays ?? DEFAULT_HORIZON_DAYS;
  const score = createDropoutRiskScorer(options.risk);
  const scores: number[] = [];
  const withdrawn: boolean[] = [];
  const inactive: boolean[] = [];
  for (const student of data.students.values()) {
    if (!registeredAt(student, day)) continue;
    scores.push(score(ouladActivitySummary(student, data.assessments, day, summaryOptions)).score);
    withdrawn.push(student.finalResult === 'Withdrawn');
    inactive.push(inactiveDuring(student, day, horizonDays));
  }
  return {
    day,
    students: scores.length,
    withdrawn: outcome(scores, withdrawn),
    inactiveNext: outcome(scores, inactive),
    meanScore: scores.length === 0 ? Number.NaN : scores.reduce((a, b) => a + b, 0) / scores.length,
  };
}

export async function validateOulad(
  options: OuladValidationOptions & { dataDir: string; module?: string; presentation?: string; days?: readonly number[] },
): Promise<OuladValidationReport> {
  const module = options.module ?? 'AAA';
  const presentation = options.presentation ?? '2013J';
  const data = await loadOuladPresentation({ dataDir: options.dataDir, module, presentation });
  const days = (options.days ?? DEFAULT_VALIDATION_DAYS).map((d) => evaluateOuladDay(data, d, options));
  return {
    module,
    presentation,
    windowDays: options.windowDays ?? DEFAULT_OULAD_SUMMARY_OPTIONS.windowDays,
    horizonDays: options.horizonDays ?? DEFAULT_HORIZON_DAYS,
    secondsPerClick: options.secondsPerClick ?? DEFAULT_OULAD_SUMMARY_OPTIONS.secondsPerClick,
    quizResources: data.resourceTypes.get('quiz') ?? 0,
    days,
    attribution: OULAD_ATTRIBUTION,
  };
}
