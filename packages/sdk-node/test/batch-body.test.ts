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

  it('reuses its buffer for the next body', () => {
    const w = createBatchBodyWriter(1024);
    w.begin();
    w.add('"first"');
    const first = w.end();
    w.begin();
    w.add('"second"');
    const second = w.end();
    expect(second.buffer).toBe(first.buffer);
    expect(parse(second)).toEqual({ events: ['second'] });
  });

  it('starts small and grows, keeping what is written, up to the largest body and no further', () => {
    const max = 2800;
    const w = createBatchBodyWriter(max, 64);
    w.begin();
    const events = Array.from({ length: 20 }, (_, i) => `e${i}-${'x'.repeat(60)}`);
    for (const e of events) expect(w.add(JSON.stringify(e))).toBe(true);
    expect(w.count()).toBe(20);
    expect(w.target().length).toBeGreaterThan(64);
    expect(w.target().length).toBeLessThanOrEqual(max);
    // In place: two events of 700 bytes take the buffer to its largest (2,742 bytes written).
    const big = Buffer.from(JSON.stringify('y'.repeat(698)));
    for (let i = 0; i < 2; i++) {
      while (w.start() + big.length > w.limit()) expect(w.grow()).toBe(true);
      big.copy(w.target(), w.start());
      w.commit(w.start() + big.length);
    }
    expect(w.target().length).toBe(max);
    expect(w.grow()).toBe(false);
    expect(w.start() + big.length).toBeGreaterThan(w.limit());
    expect(w.add(JSON.stringify('z'.repeat(60)))).toBe(false);
    const body = w.end();
    expect(body.length).toBeLessThanOrEqual(max);
    expect(parse(body)).toEqual({ events: [...events, 'y'.repeat(698), 'y'.repeat(698)] });
  });
});
