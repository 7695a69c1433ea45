import { loadConfig } from '../../core/config.ts';
import { EbbError } from '../../core/errors.ts';
import { invoke } from '../../control/invoke.ts';
import type { LegalHoldView } from '../../lifecycle/legal-holds.ts';
import { requireFlag } from '../args.ts';
import type { Command } from '../command.ts';
import { createOutput } from '../output.ts';

const describe = (h: LegalHoldView) =>
  `${h.id}  ${h.active ? 'ACTIVE  ' : 'released'}  ${h.scope === 'tenant' ? 'whole tenant' : `subject ${h.subjectId ?? '(no events yet)'}`}  placed ${h.placedAt} by ${h.placedBy}${h.releasedAt ? `, released ${h.releasedAt} by ${h.releasedBy}` : ''}\n    reason: ${h.reason}`;

export const holdCommand: Command = {
  name: 'hold',
  summary: 'place, list and release legal holds (retention leaves held data alone)',
  usage: [
    'ebb hold add --tenant ID [--user-id APP_USER_ID] --reason TEXT [--json]',
    '  ebb hold list --tenant ID [--json]',
    '  ebb hold release --tenant ID --id HOLD_ID [--json]',
  ].join('\n'),
  async run(args) {
    const config = loadConfig(args.flags);
    const out = createOutput(args.flags.json === true);
    const [, sub] = args.positional;
    const tenant = requireFlag(args, 'tenant', 'the tenant id (see "ebb tenant list")');
    if (sub === 'add') {
      const reason = requireFlag(args, 'reason', 'why the data must be kept (e.g. a case reference)');
      const userId = typeof args.flags['user-id'] === 'string' ? args.flags['user-id'] : undefined;
      const { result } = await invoke(config, 'hold.add', { tenant, userId, reason });
      out.result(result, () => `Placed legal hold:\n${describe(result as LegalHoldView)}`);
      return 0;
    }
    if (sub === 'list') {
      const { result } = await invoke(config, 'hold.list', { tenant });
      const list = result as LegalHoldView[];
      out.result(list, () => (list.length ? list.map(describe).join('\n') : 'This tenant has no legal holds.'));
      return 0;
    }
    if (sub === 'release') {
      const id = requireFlag(args, 'id', 'the hold id (see "ebb hold list")');
      const { result } = await invoke(config, 'hold.release', { tenant, id });
      out.result(result, () => `Released:\n${describe(result as LegalHoldView)}\nThe next retention run catches up on the data it held.`);
      return 0;
    }
    throw new EbbError('EBB_VALIDATION_FAILED', `Unknown "ebb hold ${sub ?? ''}". Usage:\n  ${this.usage}`);
  },
};
