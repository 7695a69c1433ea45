import { loadConfig } from '../../core/config.ts';
import { EbbError } from '../../core/errors.ts';
import { invoke } from '../../control/invoke.ts';
import type { CliJobView } from '../../control/rights-operations.ts';
import { requireFlag } from '../args.ts';
import type { Command } from '../command.ts';
import { createOutput } from '../output.ts';
import { formatJob, jobLine } from '../rights-job-text.ts';

export const jobsCommand: Command = {
  name: 'jobs',
  summary: 'export and erasure jobs (list, show, cancel); scheduled jobs, and running one by hand',
  usage: [
    'ebb jobs list --tenant ID [--kind export|erase] [--status S] [--limit N] [--cursor JOB_ID] [--json]',
    '  ebb jobs show JOB_ID [--json]',
    '  ebb jobs cancel JOB_ID [--json]',
    '  ebb jobs scheduled [--json]',
    '  ebb jobs run NAME [--dry-run] [--tenant ID] [--json]',
  ].join('\n'),
  async run(args) {
    const config = loadConfig(args.flags);
    const out = createOutput(args.flags.json === true);
    const [, sub, name] = args.positional;
    if (sub === 'list') {
      const tenant = requireFlag(args, 'tenant', 'the tenant id (see "ebb tenant list")');
      const limit = typeof args.flags.limit === 'string' && /^\d+$/.test(args.flags.limit) ? Number(args.flags.limit) : undefined;
      const { result } = await invoke(config, 'rights.jobs.list', { tenant, kind: args.flags.kind, status: args.flags.status, limit, cursor: args.flags.cursor });
      const page = result as { jobs: CliJobView[]; nextCursor: string | null };
      out.result(page, () => [
        ...(page.jobs.length ? page.jobs.map(jobLine) : ['No export or erasure jobs.']),
        ...(page.nextCursor ? [`More: ebb jobs list --tenant ${tenant} --cursor ${page.nextCursor}`] : []),
      ].join('\n'));
      return 0;
    }
    if ((sub === 'show' || sub === 'cancel') && name) {
      const { result } = await invoke(config, sub === 'show' ? 'rights.jobs.show' : 'rights.jobs.cancel', { id: name });
      out.result(result, () => `${sub === 'cancel' ? 'Cancelled:\n' : ''}${formatJob(result as CliJobView)}`);
      return 0;
    }
    if (sub === 'scheduled') {
      const { result } = await invoke(config, 'jobs.list', {});
      const list = result as Array<{ name: string; description: string; schedule: string }>;
      out.result(list, () => list.map((j) => `${j.name.padEnd(20)} ${j.schedule.padEnd(14)} ${j.description}`).join('\n'));
      return 0;
    }
    if (sub === 'run' && name) {
      const { result } = await invoke(config, 'jobs.run', { name, dryRun: args.flags['dry-run'] === true, tenant: args.flags.tenant }, out.progress);
      out.result(result ?? null, () => `Job ${name} finished: ${JSON.stringify(result ?? {})}`);
      return 0;
    }
    throw new EbbError('EBB_VALIDATION_FAILED', `Usage:\n  ${this.usage}`);
  },
};
