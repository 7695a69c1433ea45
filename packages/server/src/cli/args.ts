import { EbbError } from '../core/errors.ts';

export interface ParsedArgs {
  positional: string[];
  flags: Record<string, string | boolean | undefined>;
  /** Flags given more than once, in order (e.g. several --origin). */
  lists: Record<string, string[]>;
}

/** `--name value`, `--name=value` and boolean `--flag`. Boolean flags are declared so a value is never swallowed. */
export function parseArgs(argv: string[], booleans: ReadonlySet<string> = new Set(['json', 'dry-run', 'demo', 'help', 'no-demo', 'password-stdin', 'all', 'no-wait'])): ParsedArgs {
  const positional: string[] = [];
  const flags: ParsedArgs['flags'] = {};
  const lists: ParsedArgs['lists'] = {};
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (!a.startsWith('--')) {
      positional.push(a);
      continue;
    }
    const eq = a.indexOf('=');
    const name = a.slice(2, eq < 0 ? undefined : eq);
    if (!/^[a-z][a-z0-9-]*$/.test(name)) throw new EbbError('EBB_VALIDATION_FAILED', `"${a}" is not a flag. Flags look like --name value.`);
    let value: string | boolean;
    if (eq >= 0) value = a.slice(eq + 1);
    else if (booleans.has(name)) value = true;
    else {
      const next = argv[i + 1];
      if (next === undefined || next.startsWith('--')) throw new EbbError('EBB_VALIDATION_FAILED', `--${name} needs a value.`);
      value = next;
      i++;
    }
    flags[name] = value;
    if (typeof value === 'string') (lists[name] ??= []).push(value);
  }
  return { positional, flags, lists };
}

export function requireFlag(args: ParsedArgs, name: string, what: string): string {
  const v = args.flags[name];
  if (typeof v !== 'string' || v.length === 0) throw new EbbError('EBB_VALIDATION_FAILED', `--${name} is required: ${what}.`);
  return v;
}
