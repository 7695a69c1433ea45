import type { EtlReport } from '../../analytics/etl/etl-runner.ts';
import type { EtlRunRecord } from '../../analytics/etl/etl-runs.ts';
import { loadConfig } from '../../core/config.ts';
import { EbbError } from '../../core/errors.ts';
import { invoke } from '../../control/invoke.ts';
import { requireFlag, type ParsedArgs } from '../args.ts';
import type { Command } from '../command.ts';
import { createOutput } from '../output.ts';

const flag = (args: ParsedArgs, name: string): string | undefined => (typeof args.flags[name] === 'string' ? (args.flags[name] as string) : undefined);

function reportText(report: EtlReport): string {
  return report.tenants.map((t) => [
    `${t.tenantId}: ${t.from} to ${t.to} (${t.timeZone}), releases at ${t.level}`,
    ...t.steps.map((s) => `  ${s.job.padEnd(14)} ${s.status.padEnd(10)} rows in ${String(s.rowsIn ?? '-').padStart(8)}  out ${String(s.rowsOut ?? '-').padStart(8)}  ${s.durationMs} ms${s.error ? `  ${s.error}` : ''}`),
    ...(t.releases.length === 0 ? ['  no whole week of the period has ended: nothing to release'] : []),
    ...t.releases.map((r) => `  ${r.weekStart} ${r.metric.padEnd(14)} ${r.status.padEnd(22)} epsilon ${r.epsilon}${r.reason ? ` (${r.reason})` : ''}`),
  ].join('\n')).join('\n');
}

const runsText = (runs: EtlRunRecord[]) =>
  runs.map((r) => `${r.startedAt instanceof Date ? r.startedAt.toISOString() : r.startedAt}  ${r.job.padEnd(14)} ${r.status.padEnd(10)} ${r.periodStart}..${r.periodEnd} rows ${r.rowsIn ?? '-'} -> ${r.rowsOut ?? '-'}${r.error ? `  ${r.error}` : ''}`).join('\n') || 'No ETL runs yet.';

export const etlCommand: Command = {
  name: 'etl',
  summary: 'run the ETL (aggregates and differentially private weekly releases); list its runs',
  usage: [
    'ebb etl run [--tenant ID] [--from YYYY-MM-DD --to YYYY-MM-DD] [--tz ZONE] [--level dp_low|dp_medium|dp_high] [--json]',
    '  ebb etl jobs --tenant ID [--status running|succeeded|failed] [--limit N] [--json]',
  ].join('\n'),
  async run(args) {
    const config = loadConfig(args.flags);
    const out = createOutput(args.flags.json === true);
    const [, sub] = args.positional;
    if (sub === 'run') {
      const { result } = await invoke(config, 'etl.run', { tenant: flag(args, 'tenant'), from: flag(args, 'from'), to: flag(args, 'to'), tz: flag(args, 'tz'), level: flag(args, 'level') }, out.progress);
      const report = result as EtlReport;
      out.result(result, () => reportText(report));
      return report.tenants.some((t) => t.steps.some((s) => s.status === 'failed')) ? 1 : 0;
    }
    if (sub === 'jobs') {
      const tenant = requireFlag(args, 'tenant', 'the tenant id (see "ebb tenant list")');
      const limit = flag(args, 'limit');
      const { result } = await invoke(config, 'etl.jobs', { tenant, status: flag(args, 'status'), limit: limit === undefined ? undefined : Number(limit) });
      out.result(result, () => runsText(result as EtlRunRecord[]));
      return 0;
    }
    throw new EbbError('EBB_VALIDATION_FAILED', `Unknown "ebb etl ${sub ?? ''}". Usage:\n  ${this.usage}`);
  },
};
