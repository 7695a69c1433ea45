import { loadConfig } from '../../core/config.ts';
import { EbbError } from '../../core/errors.ts';
import { invoke } from '../../control/invoke.ts';
import type { AccountInfo } from '../../access/accounts.ts';
import { requireFlag, type ParsedArgs } from '../args.ts';
import type { Command } from '../command.ts';
import { createOutput } from '../output.ts';

/** The first line of stdin, without its line ending: for `--password-stdin`, so no password sits in shell history. */
async function readPassword(): Promise<string> {
  if (process.stdin.isTTY) throw new EbbError('EBB_VALIDATION_FAILED', '--password-stdin reads the password from a pipe, e.g. `printf %s "$PW" | ebb account create ... --password-stdin`.');
  let data = '';
  process.stdin.setEncoding('utf8');
  for await (const chunk of process.stdin) data += chunk as string;
  const line = data.split(/\r?\n/)[0] ?? '';
  if (line.length === 0) throw new EbbError('EBB_VALIDATION_FAILED', '--password-stdin got an empty password.');
  return line;
}

const passwordArg = async (args: ParsedArgs) => (args.flags['password-stdin'] === true ? readPassword() : undefined);

export const accountCommand: Command = {
  name: 'account',
  summary: 'create dashboard accounts, list them, reset passwords',
  usage: [
    'ebb account create --email E --tenant T --role owner|admin|analyst [--password-stdin] [--json]',
    '  ebb account list [--json]',
    '  ebb account reset-password --email E [--password-stdin] [--json]',
  ].join('\n'),
  async run(args) {
    const config = loadConfig(args.flags);
    const out = createOutput(args.flags.json === true);
    const [, sub] = args.positional;
    if (sub === 'create') {
      const email = requireFlag(args, 'email', 'the person\'s e-mail address');
      const tenant = requireFlag(args, 'tenant', 'the tenant id (see "ebb tenant list")');
      const role = requireFlag(args, 'role', 'owner, admin or analyst');
      const { result } = await invoke(config, 'account.create', { email, tenant, role, password: await passwordArg(args) });
      const r = result as { accountId: string; role: string; createdAccount: boolean; oneTimePassword: string | null };
      out.result(r, () => [
        r.createdAccount ? `Created account ${r.accountId} as ${r.role} of ${tenant}.` : `Added existing account ${r.accountId} to ${tenant} as ${r.role}.`,
        ...(r.oneTimePassword ? ['One-time password (shown once; it must be changed at first sign-in):', `  ${r.oneTimePassword}`] : []),
      ].join('\n'));
      return 0;
    }
    if (sub === 'list') {
      const { result } = await invoke(config, 'account.list', {});
      const list = result as AccountInfo[];
      out.result(list, () => (list.length === 0 ? 'No accounts yet. Create one with "ebb account create".' : list.map((a) =>
        `${a.id}  ${a.email}  ${a.memberships.map((m) => `${m.tenantId}:${m.role}`).join(' ') || '(no tenant)'}${a.mustChangePassword ? '  (password not changed yet)' : ''}`).join('\n')));
      return 0;
    }
    if (sub === 'reset-password') {
      const email = requireFlag(args, 'email', 'the account\'s e-mail address');
      const { result } = await invoke(config, 'account.reset', { email, password: await passwordArg(args) });
      const r = result as { accountId: string; oneTimePassword: string | null };
      out.result(r, () => [
        `Reset the password of ${r.accountId}; its sessions ended and any lockout is lifted.`,
        ...(r.oneTimePassword ? ['One-time password (shown once; it must be changed at first sign-in):', `  ${r.oneTimePassword}`] : []),
      ].join('\n'));
      return 0;
    }
    throw new EbbError('EBB_VALIDATION_FAILED', `Unknown "ebb account ${sub ?? ''}". Usage:\n  ${this.usage}`);
  },
};
