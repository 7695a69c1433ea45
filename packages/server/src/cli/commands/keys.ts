import { loadConfig } from '../../core/config.ts';
import { EbbError } from '../../core/errors.ts';
import { invoke } from '../../control/invoke.ts';
import type { ApiKeyInfo } from '../../access/api-keys.ts';
import { requireFlag } from '../args.ts';
import type { Command } from '../command.ts';
import { createOutput } from '../output.ts';

const describe = (k: ApiKeyInfo) =>
  `${k.id}  ${k.kind.padEnd(7)} ${k.prefix}…  ${k.name}${k.allowedOrigins.length ? `  origins: ${k.allowedOrigins.join(', ')}` : ''}${k.scopes.length ? `  scopes: ${k.scopes.join(', ')}` : ''}${k.revokedAt ? `  REVOKED ${k.revokedAt}` : ''}${k.lastUsedAt ? `  last used ${k.lastUsedAt}` : ''}`;

export const keysCommand: Command = {
  name: 'keys',
  summary: 'create, list and revoke API keys',
  usage: 'ebb keys create --tenant ID --kind server|browser|admin|read [--name N] [--origin URL ...] [--scope S ...] [--json]\n  ebb keys list --tenant ID [--json]\n  ebb keys revoke --tenant ID --id KEY_ID [--json]',
  async run(args) {
    const config = loadConfig(args.flags);
    const out = createOutput(args.flags.json === true);
    const [, sub] = args.positional;
    const tenant = requireFlag(args, 'tenant', 'the tenant id (see "ebb tenant list")');
    if (sub === 'create') {
      const kind = requireFlag(args, 'kind', 'server, browser, admin or read');
      const { result } = await invoke(config, 'keys.create', { tenant, kind, name: args.flags.name, origins: args.lists.origin, scopes: args.lists.scope });
      const r = result as { key: string; info: ApiKeyInfo };
      out.result(r, () => `Created ${r.info.kind} key ${r.info.id}. It is shown once; store it now:\n  ${r.key}`);
      return 0;
    }
    if (sub === 'list') {
      const { result } = await invoke(config, 'keys.list', { tenant });
      const list = result as ApiKeyInfo[];
      out.result(list, () => (list.length ? list.map(describe).join('\n') : 'This tenant has no keys.'));
      return 0;
    }
    if (sub === 'revoke') {
      const id = requireFlag(args, 'id', 'the key id (see "ebb keys list")');
      const { result } = await invoke(config, 'keys.revoke', { tenant, id });
      out.result(result, () => `Revoked: ${describe(result as ApiKeyInfo)}`);
      return 0;
    }
    throw new EbbError('EBB_VALIDATION_FAILED', `Unknown "ebb keys ${sub ?? ''}". Usage:\n  ${this.usage}`);
  },
};
