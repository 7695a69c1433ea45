import { loadConfig } from '../../core/config.ts';
import { invoke } from '../../control/invoke.ts';
import type { CliJobView } from '../../control/rights-operations.ts';
import { requireFlag } from '../args.ts';
import type { Command } from '../command.ts';
import { createOutput } from '../output.ts';
import { formatJob } from '../rights-job-text.ts';

export const exportCommand: Command = {
  name: 'export',
  summary: 'export one person\'s data (GDPR art. 15/20) or a whole tenant\'s, as a zip',
  usage: 'ebb export --tenant ID (--user-id APP_USER_ID | --all) [--format json|csv|both] [--no-wait] [--json]',
  async run(args) {
    const config = loadConfig(args.flags);
    const out = createOutput(args.flags.json === true);
    const tenant = requireFlag(args, 'tenant', 'the tenant id (see "ebb tenant list")');
    const { result } = await invoke(config, 'rights.export', {
      tenant,
      userId: typeof args.flags['user-id'] === 'string' ? args.flags['user-id'] : undefined,
      all: args.flags.all === true,
      format: typeof args.flags.format === 'string' ? args.flags.format : undefined,
      wait: args.flags['no-wait'] !== true,
    }, out.progress);
    const r = result as { existing: boolean; job: CliJobView };
    out.result(r, () => `${r.existing ? 'An export of this person (or tenant) was already under way:' : 'Export:'}\n${formatJob(r.job)}`);
    return r.job.state === 'failed' ? 1 : 0;
  },
};
