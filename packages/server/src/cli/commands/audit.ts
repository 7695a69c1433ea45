import { loadConfig } from '../../core/config.ts';
import { EbbError } from '../../core/errors.ts';
import { invoke } from '../../control/invoke.ts';
import type { AuditVerification } from '../../audit/audit-log.ts';
import type { Command } from '../command.ts';
import { createOutput } from '../output.ts';

export const auditCommand: Command = {
  name: 'audit',
  summary: 'verify the hash-chained audit log',
  usage: 'ebb audit verify [--json]',
  async run(args) {
    const [, sub] = args.positional;
    if (sub !== 'verify') throw new EbbError('EBB_VALIDATION_FAILED', `Unknown "ebb audit ${sub ?? ''}". Usage:\n  ${this.usage}`);
    const config = loadConfig(args.flags);
    const out = createOutput(args.flags.json === true);
    const { result } = await invoke(config, 'audit.verify', {});
    const v = result as AuditVerification;
    out.result(v, () =>
      v.ok
        ? `The audit log verifies: ${v.entries} entries, chain intact.`
        : `The audit log does NOT verify (${v.entries} entries):\n${v.problems.map((p) => `  entry ${p.seq}: ${p.problem}`).join('\n')}`);
    return v.ok ? 0 : 3;
  },
};
