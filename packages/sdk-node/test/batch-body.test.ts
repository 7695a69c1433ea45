import { describe, expect, it } from 'vitest';
import { createBatchBodyWriter } from '../src/batch-body.ts';

const parse = (b: Buffer) => JSON.parse(b.toString('utf8')) as { events: unknown[] };

describe('the batch body writer', () => {
  it('writes the events as one JSON body, in UTF-8', () => {
    const w = createBatchBodyWriter(1024);
    w.begin();
    for (const e of [{ a: 1 }, { b: 'ünïcødé ✓ 𝄞' }, { c: [1, 2] }]) expect(w.add(JSON.stringify(e))).toBe(true);
    expect(parse(w.end())).toEqual({ events: [{ a: 1 }, { b: 'ünïcødé ✓ 𝄞' }, { c: [1, 2] }] });
  });

  it('refuses, without writing anything, an event that would take the body over the limit, counting bytes rather than characters', () => {
    // `{"events":[` + `"…"` + `]}` = 11 + 2 + n + 2 bytes.
    const w = createBatchBodyWriter(11 + 2 + 20 + 2);
    w.begin();
    expect(w.add(JSON.stringify('é'.repeat(10)))).toBe(true); // 20 bytes: fits exactly
    expect(w.add('1')).toBe(false);
    expect(parse(w.end())).toEqual({ events: ['é'.repeat(10)] });
    w.begin();
    expect(w.add(JSON.stringify('é'.repeat(11)))).toBe(false); // 11 characters, 22 bytes
    expect(w.add(JSON.stringify('e'.repeat(20)))).toBe(true);
    expect(parse(w.end())).toEqual({ events: ['e'.repeat(20)] });
  });

  it('reuses its buffer for the next body, and after detach leaves the last body as it was', () => {
    const w = createBatchBodyWriter(1024);
    w.begin();
    w.add('"first"');
    const first = w.end();
    w.begin();
    w.add('"second"');
    const second = w.end();
    expect(second.buffer).toBe(first.buffer);
    expect(parse(second)).toEqual({ events: ['second'] });
    w.detach();
    w.begin();
    w.add('"third"');
    const third = w.end();
    expect(third.buffer).not.toBe(second.buffer);
    expect(parse(second)).toEqual({ events: ['second'] });
    expect(parse(third)).toEqual({ events: ['third'] });
  });
});
