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
import { validateOulad, type OutcomeAuc, type OuladValidationReport } from './oulad-validation.ts';

function integerList(text: string, flag: string): number[] {
  const values = text.split(',').map((t) => Number(t.trim()));
  if (values.length === 0 || values.some((v) => !Number.isInteger(v))) {
    throw new Error(`${flag} takes whole numbers of days, e.g. ${flag} 14,28`);
  }
  return values;
}

function cell(o: OutcomeAuc): string {
  const auc = Number.isNaN(o.auc) ? '   n/a' : o.auc.toFixed(3);
  const se = Number.isNaN(o.standardError) ? '' : ` ±${o.standardError.toFixed(3)}`;
  return `${String(o.positives).padStart(4)}  ${auc}${se}`;
}

function table(r: OuladValidationReport): string {
  const lines = [
    `Dropout risk vs real outcomes: OULAD ${r.module} ${r.presentation} (window ${r.windowDays} d, ` +
      `"inactive next" = no click in the next ${r.horizonDays} d, ${r.secondsPerClick} s per click, ${r.quizResources} quiz resources)`,
    '',
    '  day  students | withdrawn: pos  AUC ±se   | inactive next: pos  AUC ±se | mean score',
  ];
  for (const d of r.days) {
    lines.push(
      `${String(d.day).padStart(5)}  ${String(d.students).padStart(8)} |            ${cell(d.withdrawn)} |                ${cell(d.inactiveNext)} | ${d.meanScore.toFixed(3)}`,
    );
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
