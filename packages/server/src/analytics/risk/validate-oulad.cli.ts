/**
 * Measures the dropout-risk model on real OULAD outcomes and prints the ROC AUC per day.
 *
 *   node --import tsx packages/server/src/analytics/risk/validate-oulad.cli.ts [--json]
 *     [--data <dir>] [--module AAA] [--presentation 2013J] [--days 14,28,56,84]
 *     [--window 28] [--horizon 28]
 *
 * --json prints one JSON line instead of the table. The data folder defaults to $EBB_OULAD_DIR,
 * else ../shared/data/oulad beside the repository.
 */
import { parseArgs } from 'node:util';
import { DEFAULT_OULAD_DIR } from './load-oulad-presentation.ts';
import { validateOulad, type OuladValidationReport } from './oulad-validation.ts';

function integerList(text: string, flag: string): number[] {
  const values = text.split(',').map((t) => Number(t.trim()));
  if (values.length === 0 || values.some((v) => !Number.isInteger(v))) {
    throw new Error(`${flag} takes whole numbers of days, e.g. ${flag} 14,28`);
  }
  return values;
}

function auc(x: number): string {
  return Number.isNaN(x) ? 'n/a' : x.toFixed(3);
}

function table(r: OuladValidationReport): string {
  const widths = [5, 10, 14, 8, 8, 16, 8, 8, 12];
  const line = (cells: readonly (string | number)[]): string => cells.map((c, i) => String(c).padStart(widths[i] ?? 8)).join('');
  const lines = [
    `Dropout risk vs real outcomes: OULAD ${r.module} ${r.presentation} (window ${r.windowDays} d, ` +
      `"inactive next" = no click in the next ${r.horizonDays} d, ${r.secondsPerClick} s per click, ${r.quizResources} quiz resources)`,
    '',
    line(['day', 'students', 'withdrawn', 'AUC', '±se', 'inactive next', 'AUC', '±se', 'mean score']),
  ];
  for (const d of r.days) {
    lines.push(line([d.day, d.students, d.withdrawn.positives, auc(d.withdrawn.auc), auc(d.withdrawn.standardError),
      d.inactiveNext.positives, auc(d.inactiveNext.auc), auc(d.inactiveNext.standardError), d.meanScore.toFixed(3)]));
  }
  lines.push('', r.attribution);
  return lines.join('\n');
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      json: { type: 'boolean', default: false },
      data: { type: 'string' },
      module: { type: 'string', default: 'AAA' },
      presentation: { type: 'string', default: '2013J' },
      days: { type: 'string', default: '14,28,56,84' },
      window: { type: 'string', default: '28' },
      horizon: { type: 'string', default: '28' },
    },
  });
  const [windowDays] = integerList(values.window, '--window');
  const [horizonDays] = integerList(values.horizon, '--horizon');
  const report = await validateOulad({
    dataDir: values.data ?? process.env.EBB_OULAD_DIR ?? DEFAULT_OULAD_DIR,
    module: values.module,
    presentation: values.presentation,
    days: integerList(values.days, '--days'),
    ...(windowDays === undefined ? {} : { windowDays }),
    ...(horizonDays === undefined ? {} : { horizonDays }),
  });
  process.stdout.write((values.json ? JSON.stringify(report) : table(report)) + '\n');
}

main().catch((e: unknown) => {
  process.stderr.write(`${e instanceof Error ? e.message : String(e)}\n`);
  process.exitCode = 1;
});
