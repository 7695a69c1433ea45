import { afterEach, describe, expect, it, vi } from 'vitest';
import { createOutput } from './output.ts';

describe('command output', () => {
  const tty = process.stderr.isTTY;
  afterEach(() => {
    process.stderr.isTTY = tty;
    vi.restoreAllMocks();
  });

  const capture = (isTTY: boolean) => {
    process.stderr.isTTY = isTTY;
    const err: string[] = [];
    const out: string[] = [];
    vi.spyOn(process.stderr, 'write').mockImplementation((s) => (err.push(String(s)), true));
    vi.spyOn(process.stdout, 'write').mockImplementation((s) => (out.push(String(s)), true));
    return { err, out };
  };

  it('draws a progress bar on a terminal, redrawn in place, then the result on stdout', () => {
    const { err, out } = capture(true);
    const o = createOutput(false);
    o.progress({ step: 'measuring' });
    o.progress({ step: 't_1: anonymising events', done: 250, total: 1000 });
    o.progress({ step: 't_1: anonymising events', done: 1000, total: 1000 });
    o.result({ ok: true }, () => 'done');
    expect(err).toEqual([
      '\r\x1b[2Kmeasuring',
      '\r\x1b[2Kt_1: anonymising events [#####...............] 250/1000',
      '\r\x1b[2Kt_1: anonymising events [####################] 1000/1000',
      '\n',
    ]);
    expect(out).toEqual(['done\n']);
  });

  it('shows no progress when stderr is not a terminal, and prints JSON with --json', () => {
    const { err, out } = capture(false);
    const o = createOutput(true);
    o.progress({ step: 'deleting', done: 1, total: 2 });
    o.result({ rows: 3 }, () => 'three rows');
    expect(err).toEqual([]);
    expect(out).toEqual(['{"rows":3}\n']);
  });
});
