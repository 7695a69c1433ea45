import { configHelp } from '../core/config.ts';
import { ERRORS, isEbbError } from '../core/errors.ts';
import { parseArgs } from './args.ts';
import type { Command } from './command.ts';
import { accountCommand } from './commands/account.ts';
import { auditCommand } from './commands/audit.ts';
import { eraseCommand } from './commands/erase.ts';
import { exportCommand } from './commands/export.ts';
import { jobsCommand } from './commands/jobs.ts';
import { holdCommand } from './commands/hold.ts';
import { keysCommand } from './commands/keys.ts';
import { retentionCommand } from './commands/retention.ts';
import { etlCommand } from './commands/etl.ts';
import { serveCommand } from './commands/serve.ts';
import { tenantCommand } from './commands/tenant.ts';

export const COMMANDS: Command[] = [serveCommand, tenantCommand, keysCommand, accountCommand, auditCommand, jobsCommand, retentionCommand, holdCommand, exportCommand, eraseCommand, etlCommand];

function help(): string {
  return [
    'ebb: privacy-first activity analytics',
    '',
    'Commands:',
    ...COMMANDS.map((c) => `  ${c.usage.split('\n').join('\n  ')}`),
    '',
    'Settings (flags or environment):',
    configHelp(),
    '',
    'Every command takes --json for machine output. Commands run inside a running "ebb serve" on the same',
    'data directory when there is one, and on the store directly when there is not.',
  ].join('\n');
}

export async function main(argv: string[]): Promise<number> {
  const json = argv.includes('--json');
  try {
    const args = parseArgs(argv);
    const name = args.positional[0];
    if (!name || name === 'help' || args.flags.help === true) {
      process.stdout.write(`${help()}\n`);
      return name || args.flags.help ? 0 : 2;
    }
    const command = COMMANDS.find((c) => c.name === name);
    if (!command) {
      process.stderr.write(`Unknown command "${name}". Run "ebb help" for the list.\n`);
      return 2;
    }
    return await command.run(args);
  } catch (err) {
    if (isEbbError(err)) {
      if (json) process.stdout.write(`${JSON.stringify(err.toBody())}\n`);
      else process.stderr.write(`error ${err.code}: ${err.message}\n`);
      return err.status >= 500 && err.code !== 'EBB_CONFIG_INVALID' && err.code !== 'EBB_STORE_LOCKED' ? 1 : 2;
    }
    process.stderr.write(`error EBB_INTERNAL: ${ERRORS.EBB_INTERNAL.message}\n${err instanceof Error ? err.stack : String(err)}\n`);
    return 1;
  }
}

const code = await main(process.argv.slice(2));
process.exitCode = code;
