import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { readCsv } from '../../core/read-csv.ts';

/**
 * Loads one module presentation of the Open University Learning Analytics Dataset (OULAD) into
 * memory: its students with outcome and registration, their daily clicks and their assessment
 * submissions. Days are relative to the presentation start (negative = before it).
 *
 * Kuzilek, J., Hlosta, M. & Zdrahal, Z. "Open University Learning Analytics dataset",
 * Scientific Data 4, 170171 (2017), doi:10.1038/sdata.2017.171. Licence: CC BY 4.0.
 */

export const OULAD_ATTRIBUTION =
  'Data: Open University Learning Analytics Dataset (OULAD), Kuzilek, J., Hlosta, M. & Zdrahal, Z., ' +
  'Scientific Data 4, 170171 (2017), doi:10.1038/sdata.2017.171, licensed CC BY 4.0.';

/** Where the repository's shared data lives: `../shared/data/oulad` beside the repository root. */
export const DEFAULT_OULAD_DIR = fileURLToPath(new URL('../../../../../../shared/data/oulad/', import.meta.url));

export interface OuladAssessment {
  readonly id: string;
  /** TMA (tutor-marked), CMA (computer-marked) or Exam. */
  readonly type: string;
  /** Due day; null when the data gives none (usually the final exam). */
  readonly dueDay: number | null;
}

export interface OuladSubmission {
  readonly assessmentId: string;
  readonly day: number;
  /** Result carried over from an earlier presentation, not work done in this one. */
  readonly banked: boolean;
}

export interface OuladStudent {
  readonly id: string;
  /** Pass, Distinction, Fail or Withdrawn. */
  readonly finalResult: string;
  readonly registrationDay: number | null;
  readonly unregistrationDay: number | null;
  /** Days with at least one click, ascending. */
  readonly activeDays: number[];
  /** Clicks on each of `activeDays` (same index). */
  readonly clicksPerActiveDay: number[];
  readonly submissions: OuladSubmission[];
}

export interface OuladPresentation {
  readonly module: string;
  readonly presentation: string;
  readonly lengthDays: number | null;
  readonly assessments: readonly OuladAssessment[];
  readonly students: ReadonlyMap<string, OuladStudent>;
  /** How many learning resources of each activity type the presentation has. */
  readonly resourceTypes: ReadonlyMap<string, number>;
  readonly clickRows: number;
}

export interface LoadOuladOptions {
  /** Folder holding the OULAD CSV files. */
  readonly dataDir: string;
  readonly module: string;
  readonly presentation: string;
}

/** The clickstream file of a presentation; the subset in this repository has AAA 2013J only. */
export function clickstreamPath(dataDir: string, module: string, presentation: string): string {
  return join(dataDir, `studentVle_${module}_${presentation}.csv`);
}

function day(text: string): number | null {
  const t = text.trim();
  if (t === '' || t === '?') return null;
  const n = Number(t);
  return Number.isFinite(n) ? n : null;
}

interface MutableStudent {
  id: string;
  finalResult: string;
  registrationDay: number | null;
  unregistrationDay: number | null;
  clicksByDay: Map<number, number>;
  submissions: OuladSubmission[];
}

export async function loadOuladPresentation(options: LoadOuladOptions): Promise<OuladPresentation> {
  const { dataDir, module, presentation } = options;
  const clicksFile = clickstreamPath(dataDir, module, presentation);
  if (!existsSync(clicksFile)) {
    throw new Error(`No clickstream for ${module} ${presentation}: ${clicksFile} does not exist (the OULAD subset here has studentVle_AAA_2013J.csv only).`);
  }
  const ours = (row: { get(c: string): string }): boolean =>
    row.get('code_module') === module && row.get('code_presentation') === presentation;

  let lengthDays: number | null = null;
  await readCsv(join(dataDir, 'courses.csv'), (row) => {
    if (ours(row)) lengthDays = day(row.get('module_presentation_length'));
  });

  const assessments: OuladAssessment[] = [];
  await readCsv(join(dataDir, 'assessments.csv'), (row) => {
    if (ours(row)) assessments.push({ id: row.get('id_assessment'), type: row.get('assessment_type'), dueDay: day(row.get('date')) });
  });
  const assessmentIds = new Set(assessments.map((a) => a.id));

  const students = new Map<string, MutableStudent>();
  await readCsv(join(dataDir, 'studentInfo.csv'), (row) => {
    if (!ours(row)) return;
    const id = row.get('id_student');
    students.set(id, {
      id,
      finalResult: row.get('final_result'),
      registrationDay: null,
      unregistrationDay: null,
      clicksByDay: new Map(),
      submissions: [],
    });
  });

  await readCsv(join(dataDir, 'studentRegistration.csv'), (row) => {
    if (!ours(row)) return;
    const s = students.get(row.get('id_student'));
    if (s === undefined) return;
    s.registrationDay = day(row.get('date_registration'));
    s.unregistrationDay = day(row.get('date_unregistration'));
  });

  // studentAssessment.csv has no module column: keep the rows of this presentation's assessments.
  await readCsv(join(dataDir, 'studentAssessment.csv'), (row) => {
    const assessmentId = row.get('id_assessment');
    if (!assessmentIds.has(assessmentId)) return;
    const s = students.get(row.get('id_student'));
    const submitted = day(row.get('date_submitted'));
    if (s === undefined || submitted === null) return;
    s.submissions.push({ assessmentId, day: submitted, banked: row.get('is_banked') === '1' });
  });

  const resourceTypes = new Map<string, number>();
  await readCsv(join(dataDir, 'vle.csv'), (row) => {
    if (!ours(row)) return;
    const type = row.get('activity_type');
    resourceTypes.set(type, (resourceTypes.get(type) ?? 0) + 1);
  });

  const clickRows = await readCsv(clicksFile, (row) => {
    if (!ours(row)) return;
    const s = students.get(row.get('id_student'));
    const d = day(row.get('date'));
    const clicks = Number(row.get('sum_click'));
    if (s === undefined || d === null || !(clicks > 0)) return;
    s.clicksByDay.set(d, (s.clicksByDay.get(d) ?? 0) + clicks);
  });

  const frozen = new Map<string, OuladStudent>();
  for (const s of students.values()) {
    const days = [...s.clicksByDay.keys()].sort((a, b) => a - b);
    frozen.set(s.id, {
      id: s.id,
      finalResult: s.finalResult,
      registrationDay: s.registrationDay,
      unregistrationDay: s.unregistrationDay,
      activeDays: days,
      clicksPerActiveDay: days.map((d) => s.clicksByDay.get(d)!),
      submissions: s.submissions,
    });
  }
  return { module, presentation, lengthDays, assessments, students: frozen, resourceTypes, clickRows };
}
