import { loadConfig } from '../../core/config.ts';
import { EbbError } from '../../core/errors.ts';
import { invoke } from '../../control/invoke.ts';
import type { CreatedTenant } from '../../access/tenants.ts';
import { requireFlag } from '../args.ts';
import type { Command } from '../command.ts';
import { createOutput } from '../output.ts';

export const tenantCommand: Command = {
  name: 'tenant',
  summary: 'create and list tenants',
  usage: 'ebb tenant create --name NAME [--origin https://app.example] [--json]\n  ebb tenant list [--json]',
  async run(args) {
    const config = loadConfig(args.flags);
    const out = createOutput(args.flags.json === true);
    const [, sub] = args.positional;
    if (sub === 'create') {
      const name = requireFlag(args, 'name', 'the tenant\'s name');
      const { result } = await invoke(config, 'tenant.create', { name, origins: args.lists.origin });
      const t = result as CreatedTenant;
      out.result({ tenantId: t.tenantId, keys: t.keys }, () =>
        [
          `Created tenant "${t.name}" (${t.tenantId}).`,
          'Its keys are shown once; store them now (only hashes are kept):',
          `  server:  ${t.keys.server}`,
          `  browser: ${t.keys.browser}`,
          `  admin:   ${t.keys.admin}`,
        ].join('\n'));
      return 0;
    }
    if (sub === 'list') {
      const { result } = await invoke(config, 'tenant.list', {});
      const list = result as Array<{ id: string; name: string; createdAt: string }>;
      out.result(list, () => (list.length === 0 ? 'No tenants yet. Create one with "ebb tenant create --name NAME".' : list.map((t) => `${t.id}  ${t.name}  (created ${t.createdAt})`).join('\n')));
      return 0;
    }
    throw new EbbError('EBB_VALIDATION_FAILED', `Unknown "ebb tenant ${sub ?? ''}". Usage:\n  ${this.usage}`);
  },
};
