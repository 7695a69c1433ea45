import { describe, expect, it } from 'vitest';
import { createLogger } from '../core/logger.ts';
import type { EventStore, IngestWrite } from '../store/ports.ts';
import { createDedupeIndex } from './dedupe-index.ts';
import type { PreparedEvent } from './to-rows.ts';
import { createIngestWriter } from './writer.ts';

const event = (dedupeKey: bigint | null): PreparedEvent => ({
  row: {
    id: crypto.randomUUID(), tenantId: 't', occurredAt: new Date(), receivedAt: new Date(), category: 'c', type: 'x', subjectId: null,
    sessionId: null, anonymousId: null, pagePath: null, pageTitle: null, referrerHost: null, durationMs: null, loadTimeMs: null, props: null,
    browser: null, os: null, deviceType: null, locale: null, ipPrefix: null, dedupeKey, anonymizedAt: null, dataCategory: 'events', identifyingProps: null,
  },
  error: null, learning: null, subject: null, isPageView: false,
});

function fakeStore(options: { delayMs?: number; failWhen?: (w: IngestWrite) => boolean } = {}) {
  const commits: IngestWrite[] = [];
  const store: Pick<EventStore, 'commitIngest'> = {
    async commitIngest(w) {
      await new Promise((r) => setTimeout(r, options.delayMs ?? 0));
      if (options.failWhen?.(w)) throw new Error('disk full');
      commits.push(w);
    },
  };
  return { store: store as EventStore, commits };
}

describe('ingest writer', () => {
  it('answers only after the commit, grouping concurrent requests into one transaction', async () => {
    const { store, commits } = fakeStore({ delayMs: 20 });
    const w = createIngestWriter({ store, dedupe: createDedupeIndex(), logger: createLogger('silent'), maxQueuedEvents: 10_000 });
    const first = w.write([event(1n)]);
    const rest = [w.write([event(2n)]), w.write([event(3n)]), w.write([event(4n)])];
    expect(await first).toEqual({ written: 1, duplicates: 0 });
    await Promise.all(rest);
    expect(commits.length).toBe(2);
    expect(commits[1]!.events).toHaveLength(3);
  });

  it('stores a repeated event id once, also across requests in one group', async () => {
    const { store, commits } = fakeStore();
    const w = createIngestWriter({ store, dedupe: createDedupeIndex(), logger: createLogger('silent'), maxQueuedEvents: 10_000 });
    const [a, b] = await Promise.all([w.write([event(7n), event(7n)]), w.write([event(7n), event(null), event(null)])]);
    expect(a).toEqual({ written: 1, duplicates: 1 });
    expect(b).toEqual({ written: 2, duplicates: 1 });
    expect(await w.write([event(7n)])).toEqual({ written: 0, duplicates: 1 });
    expect(commits.flatMap((c) => c.events)).toHaveLength(3);
  });

  it('refuses with EBB_OVERLOADED and Retry-After when the queue is full, and stores nothing of that request', async () => {
    const { store, commits } = fakeStore({ delayMs: 50 });
    const w = createIngestWriter({ store, dedupe: createDedupeIndex(), logger: createLogger('silent'), maxQueuedEvents: 3 });
    const ok = w.write([event(null), event(null), event(null)]);
    await expect(w.write([event(null)])).rejects.toMatchObject({ code: 'EBB_OVERLOADED', status: 503, retryAfterSeconds: 1 });
    await ok;
    await w.drain();
    expect(commits.flatMap((c) => c.events)).toHaveLength(3);
    expect(await w.write([event(null)])).toEqual({ written: 1, duplicates: 0 });
  });

  it('fails only the request whose rows cannot be written, and remembers none of its ids', async () => {
    const poison = event(99n);
    const { store, commits } = fakeStore({ delayMs: 5, failWhen: (x) => x.events.some((e) => e.id === poison.row.id) });
    const w = createIngestWriter({ store, dedupe: createDedupeIndex(), logger: createLogger('silent'), maxQueuedEvents: 100 });
    const block = w.write([event(null)]);
    const good = w.write([event(10n)]);
    const bad = w.write([poison]);
    await block;
    expect(await good).toEqual({ written: 1, duplicates: 0 });
    await expect(bad).rejects.toMatchObject({ code: 'EBB_INTERNAL' });
    expect(commits.flatMap((c) => c.events.map((e) => e.dedupeKey))).not.toContain(99n);
  });
});
