import { loadConfig } from '../../core/config.ts';
import { EbbError } from '../../core/errors.ts';
import { invoke } from '../../control/invoke.ts';
import type { PolicyView } from '../../lifecycle/retention-policies.ts';
import type { RetentionReport } from '../../lifecycle/retention-runner.ts';
import { requireFlag, type ParsedArgs } from '../args.ts';
import type { Command } from '../command.ts';
import { createOutput } from '../output.ts';
import { formatRetentionReport } from '../retention-report-text.ts';

const table = (list: PolicyView[]) =>
  [
    `${'category'.padEnd(16)} ${'anonymise after'.padEnd(16)} ${'delete after'.padEnd(13)} source`,
    ...list.map((p) => `${p.category.padEnd(16)} ${`${p.anonymizeAfterDays} days`.padEnd(16)} ${`${p.deleteAfterDays} days`.padEnd(13)} ${p.source === 'default' ? 'default' : `set by ${p.updatedBy} at ${p.updatedAt}`}`),
  ].join('\n');

/** Whole numbers become numbers; anything else is passed on to be refused with its error code. */
const days = (args: ParsedArgs, flag: string): unknown => {
  const v = args.flags[flag];
  if (v === undefined) return undefined;
  return typeof v === 'string' && /^-?\d+$/.test(v) ? Number(v) : v;
};

export const retentionCommand: Command = {
  name: 'retention',
  summary: 'show and set retention policies; run the retention job',
  usage: [
    'ebb retention show --tenant ID [--json]',
    '  ebb retention set --tenant ID --category C [--anonymize-after DAYS] [--delete-after DAYS] [--json]',
    '  ebb retention reset --tenant ID --category C [--json]',
    '  ebb retention run [--tenant ID] [--dry-run] [--json]',
  ].join('\n'),
  async run(args) {
    const config = loadConfig(args.flags);
    const out = createOutput(args.flags.json === true);
    const [, sub] = args.positional;
    if (sub === 'show') {
      const tenant = requireFlag(args, 'tenant', 'the tenant id (see "ebb tenant list")');
      const { result } = await invoke(config, 'retention.show', { tenant });
      out.result(result, () => table(result as PolicyView[]));
      return 0;
    }
    if (sub === 'set' || sub === 'reset') {
      const tenant = requireFlag(args, 'tenant', 'the tenant id (see "ebb tenant list")');
      const category = requireFlag(args, 'category', 'events, sessions, learning_events, errors, aggregates, request_logs or export_files');
      const anonymizeAfterDays = days(args, 'anonymize-after');
      const deleteAfterDays = days(args, 'delete-after');
      if (sub === 'set' && anonymizeAfterDays === undefined && deleteAfterDays === undefined) {
        throw new EbbError('EBB_VALIDATION_FAILED', 'Give --anonymize-after DAYS, --delete-after DAYS or both (or use "ebb retention reset" for the default).');
      }
      const { result } = await invoke(config, 'retention.set', { tenant, category, anonymizeAfterDays, deleteAfterDays, reset: sub === 'reset' });
      out.result(result, () => `Retention policy of ${tenant} changed:\n${table(result as PolicyView[])}`);
      return 0;
    }
    if (sub === 'run') {
      const tenant = typeof args.flags.tenant === 'string' ? args.flags.tenant : undefined;
      const { result } = await invoke(config, 'retention.run', { tenant, dryRun: args.flags['dry-run'] === true }, out.progress);
      out.result(result, () => formatRetentionReport(result as RetentionReport));
      return 0;
    }
    throw new EbbError('EBB_VALIDATION_FAILED', `Unknown "ebb retention ${sub ?? ''}". Usage:\n  ${this.usage}`);
  },
};
