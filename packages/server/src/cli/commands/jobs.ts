import { loadConfig } from '../../core/config.ts';
import { EbbError } from '../../core/errors.ts';
import { invoke } from '../../control/invoke.ts';
import type { Command } from '../command.ts';
import { createOutput } from '../output.ts';

export const jobsCommand: Command = {
  name: 'jobs',
  summary: 'list scheduled jobs and run one by hand',
  usage: 'ebb jobs list [--json]\n  ebb jobs run NAME [--dry-run] [--tenant ID] [--json]',
  async run(args) {
    const config = loadConfig(args.flags);
    const out = createOutput(args.flags.json === true);
    const [, sub, name] = args.positional;
    if (sub === 'list') {
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
