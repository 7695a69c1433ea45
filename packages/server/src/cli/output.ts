import type { Progress } from '../control/operation.ts';

export interface Output {
  json: boolean;
  /** The command's result: JSON with --json, else the human text. */
  result(value: unknown, human: () => string): void;
  progress: Progress;
}

/** Results go to stdout; progress to stderr, as a bar on a terminal and not at all otherwise. */
export function createOutput(json: boolean): Output {
  const tty = process.stderr.isTTY === true;
  let shown = false;
  return {
    json,
    result(value, human) {
      if (shown) process.stderr.write('\n');
      process.stdout.write(json ? `${JSON.stringify(value)}\n` : `${human()}\n`);
    },
    progress({ step, done, total }) {
      if (!tty) return;
      shown = true;
      const bar = total && done !== undefined ? ` [${'#'.repeat(Math.round((done / total) * 20)).padEnd(20, '.')}] ${done}/${total}` : '';
      process.stderr.write(`\r\x1b[2K${step}${bar}`);
    },
  };
}
