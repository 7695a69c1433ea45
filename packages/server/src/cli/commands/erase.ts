import { loadConfig } from '../../core/config.ts';
import { EbbError } from '../../core/errors.ts';
import { invoke } from '../../control/invoke.ts';
import type { CliJobView } from '../../control/rights-operations.ts';
import { requireFlag } from '../args.ts';
import type { Command } from '../command.ts';
import { createOutput } from '../output.ts';
import { formatJob } from '../rights-job-text.ts';

export const eraseCommand: Command = {
  name: 'erase',
  summary: 'erase one person\'s data (GDPR art. 17) or a whole tenant\'s, after a grace period',
  usage: 'ebb erase --tenant ID (--user-id APP_USER_ID | --all) --confirm (APP_USER_ID | TENANT_NAME) [--grace-days 0-30] [--json]',
  async run(args) {
    const config = loadConfig(args.flags);
    const out = createOutput(args.flags.json === true);
    const tenant = requireFlag(args, 'tenant', 'the tenant id (see "ebb tenant list")');
    const confirm = requireFlag(args, 'confirm', 'the user id again (or the tenant\'s name with --all), to confirm');
    const grace = args.flags['grace-days'];
    if (grace !== undefined && (typeof grace !== 'string' || !/^\d+$/.test(grace))) {
      throw new EbbError('EBB_VALIDATION_FAILED', '--grace-days must be a whole number of days from 0 to 30.');
    }
    const { result } = await invoke(config, 'rights.erase', {
      tenant,
      userId: typeof args.flags['user-id'] === 'string' ? args.flags['user-id'] : undefined,
      all: args.flags.all === true,
      confirm,
      graceDays: grace === undefined ? undefined : Number(grace),
      wait: true,
    }, out.progress);
    const r = result as { existing: boolean; job: CliJobView };
    const note = r.job.state === 'scheduled' && r.job.graceDeadline
      ? `\nIt runs after ${r.job.graceDeadline}; cancel it before then with "ebb jobs cancel ${r.job.id}".`
      : '';
    out.result(r, () => `${r.existing ? 'An erasure of this person (or tenant) was already requested:' : 'Erasure:'}\n${formatJob(r.job)}${note}`);
    return r.job.state === 'failed' ? 1 : 0;
  },
};
