import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createClient, type ClientOptions } from '../src/client.ts';
import type { EbbClientError } from '../src/client-error.ts';

interface Call {
  url: string;
  auth: string | null;
  ids: string[];
  events: Array<Record<string, unknown>>;
}

type Answer = Response | Error | 'hang';

/** A stand-in for Ebb's /api/v1/events: records every request and answers from a script. */
function fakeEbb(script: (callIndex: number, call: Call) => Answer = () => ok()) {
  const calls: Call[] = [];
  const fetchFn = (async (url: string | URL, init?: RequestInit) => {
    const body = JSON.parse(String(init?.body)) as { events: Array<Record<string, unknown>> };
    const headers = new Headers(init?.headers);
    const call: Call = { url: String(url), auth: headers.get('authorization'), events: body.events, ids: body.events.map((e) => String(e.id)) };
    calls.push(call);
    const answer = script(calls.length - 1, call);
    if (answer === 'hang') return new Promise<Response>(() => undefined);
    if (answer instanceof Error) throw answer;
    return answer;
  }) as typeof fetch;
  return { calls, fetch: fetchFn };
}

function ok(accepted?: number): Response {
  return new Response(JSON.stringify({ accepted: accepted ?? 0, duplicates: 0, dropped: 0, rejected: [] }), { status: 200 });
}
const status = (code: number, headers: Record<string, string> = {}, body: unknown = { error: { code: 'EBB_OVERLOADED', message: 'busy' } }) =>
  new Response(JSON.stringify(body), { status: code, headers });

function client(fetchFn: typeof fetch, extra: Partial<ClientOptions> = {}) {
  const errors: EbbClientError[] = [];
  const c = createClient({
    endpoint: 'http://ebb.test:8080', key: 'ebb_srv_test', fetch: fetchFn, flushOnExit: false, random: () => 0,
    retry: { baseDelayMs: 10, maxDelayMs: 1000, maxElapsedMs: 60_000 }, onError: (e) => errors.push(e), ...extra,
  });
  return { c, errors };
}

beforeEach(() => {
  vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'setInterval', 'clearInterval', 'Date'] });
});
afterEach(() => {
  vi.useRealTimers();
});

describe('createClient: batching', () => {
  it('sends full batches at once and the rest after the flush interval, to /api/v1/events with the key', async () => {
    const ebb = fakeEbb();
    const { c } = client(ebb.fetch, { batchSize: 3, flushIntervalMs: 1000 });
    for (let i = 0; i < 7; i++) c.track('quest_started', { props: { n: i } });
    await vi.advanceTimersByTimeAsync(10);
    expect(ebb.calls.map((x) => x.events.length)).toEqual([3, 3]);
    await vi.advanceTimersByTimeAsync(1000);
    expect(ebb.calls.map((x) => x.events.length)).toEqual([3, 3, 1]);
    expect(ebb.calls[0]!.url).toBe('http://ebb.test:8080/api/v1/events');
    expect(ebb.calls[0]!.auth).toBe('Bearer ebb_srv_test');
    const sent = ebb.calls.flatMap((x) => x.events);
    expect(sent.map((e) => (e.props as { n: number }).n)).toEqual([0, 1, 2, 3, 4, 5, 6]);
    expect(new Set(sent.map((e) => e.id)).size).toBe(7);
    expect(sent.every((e) => typeof e.occurredAt === 'number' && e.type === 'quest_started')).toBe(true);
    await c.close();
  });

  it('sends an event as it was when tracked, whatever the app changes in its props afterwards', async () => {
    const ebb = fakeEbb();
    const { c } = client(ebb.fetch, { batchSize: 10 });
    const props = { score: 3, tags: ['a'] };
    c.track('quest_completed', { props });
    props.score = 99;
    props.tags.push('b');
    await c.flush();
    expect(ebb.calls.flatMap((x) => x.events).map((e) => e.props)).toEqual([{ score: 3, tags: ['a'] }]);
    await c.close();
  });

  it('shapes page and error events for the wire schema', async () => {
    const ebb = fakeEbb();
    const { c } = client(ebb.fetch);
    c.page('/quests', { userId: 'u1' });
    c.error(new TypeError('x is not a function'), { error: { type: 'TypeError', endpoint: '/api/quests/:id', status: 500 } });
    c.error('plain string failure', { eventType: 'network_error' });
    await c.flush();
    const [page, err, plain] = ebb.calls[0]!.events;
    expect(page).toMatchObject({ type: 'page_view', userId: 'u1', page: { path: '/quests' } });
    expect(err).toMatchObject({ type: 'api_error', error: { type: 'TypeError', message: 'x is not a function', endpoint: '/api/quests/:id', status: 500 } });
    expect(String((err!.error as { stack: string }).stack)).toContain('TypeError');
    expect(plain).toMatchObject({ type: 'network_error', error: { type: 'Error', message: 'plain string failure' } });
    await c.close();
  });

  it('keeps an id and a time the app gives', async () => {
    const ebb = fakeEbb();
    const { c } = client(ebb.fetch);
    c.track('badge_earned', { id: 'award-17', occurredAt: 1_700_000_000_000 });
    await c.flush();
    expect(ebb.calls[0]!.events[0]).toMatchObject({ id: 'award-17', occurredAt: 1_700_000_000_000 });
    await c.close();
  });
});

describe('createClient: retry', () => {
  it('waits for Retry-After on 503 and resends the same events with the same ids', async () => {
    const ebb = fakeEbb((i) => (i === 0 ? status(503, { 'retry-after': '2' }) : ok(2)));
    const { c, errors } = client(ebb.fetch);
    c.track('a');
    c.track('b');
    const flushed = c.flush();
    await vi.advanceTimersByTimeAsync(1999);
    expect(ebb.calls).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(1);
    await flushed;
    expect(ebb.calls).toHaveLength(2);
    expect(ebb.calls[1]!.ids).toEqual(ebb.calls[0]!.ids);
    expect(c.stats()).toMatchObject({ accepted: 2, retries: 1, dropped: 0, queued: 0, inFlight: 0 });
    expect(errors.map((e) => [e.problem, e.status])).toEqual([['http', 503]]);
    await c.close();
  });

  it('backs off exponentially on network failures and timeouts, then delivers', async () => {
    const ebb = fakeEbb((i) => (i < 3 ? new TypeError('fetch failed') : ok(1)));
    const { c } = client(ebb.fetch, { retry: { baseDelayMs: 100, maxDelayMs: 10_000 } });
    c.track('a');
    void c.flush();
    await vi.advanceTimersByTimeAsync(0);
    expect(ebb.calls).toHaveLength(1);
    // random() = 0 gives half of each exponential step: 50, 100, 200 ms.
    await vi.advanceTimersByTimeAsync(50);
    expect(ebb.calls).toHaveLength(2);
    await vi.advanceTimersByTimeAsync(99);
    expect(ebb.calls).toHaveLength(2);
    await vi.advanceTimersByTimeAsync(1);
    expect(ebb.calls).toHaveLength(3);
    await vi.advanceTimersByTimeAsync(200);
    expect(ebb.calls).toHaveLength(4);
    expect(c.stats()).toMatchObject({ accepted: 1, retries: 3, dropped: 0 });
    await c.close();
  });

  it('gives a batch up after the retry window and goes on with the next', async () => {
    let down = true;
    const ebb = fakeEbb(() => (down ? status(503, { 'retry-after': '10' }) : ok(1)));
    const { c, errors } = client(ebb.fetch, { batchSize: 1, retry: { baseDelayMs: 10, maxDelayMs: 100, maxElapsedMs: 25_000 } });
    c.track('lost');
    await vi.advanceTimersByTimeAsync(25_000);
    down = false;
    c.track('kept');
    await vi.advanceTimersByTimeAsync(10_000);
    expect(c.stats().droppedBy.retriesExhausted).toBe(1);
    expect(c.stats().accepted).toBe(1);
    expect(errors.some((e) => e.problem === 'retries_exhausted')).toBe(true);
    expect(ebb.calls.at(-1)!.events.map((e) => e.type)).toEqual(['kept']);
    await c.close();
  });

  it('does not retry what Ebb refuses: invalid events are counted as rejected, a bad key as refused', async () => {
    const answers = [
      status(400, {}, { error: { code: 'EBB_EVENT_INVALID', message: 'No event was stored.' } }),
      status(401, {}, { error: { code: 'EBB_UNAUTHENTICATED', message: 'bad key' } }),
      new Response(JSON.stringify({ accepted: 1, duplicates: 1, dropped: 1, rejected: [{ index: 3, code: 'EBB_EVENT_INVALID', message: 'type' }] }), { status: 200 }),
    ];
    const ebb = fakeEbb((i) => answers[i]!);
    const { c, errors } = client(ebb.fetch, { batchSize: 4 });
    for (let i = 0; i < 12; i++) c.track('x');
    await c.flush();
    expect(ebb.calls).toHaveLength(3);
    expect(c.stats()).toMatchObject({ rejected: 5, accepted: 1, duplicates: 1, filtered: 1, retries: 0, dropped: 4, droppedBy: { refused: 4 } });
    expect(errors.map((e) => e.problem)).toEqual(['rejected', 'refused', 'rejected']);
    await c.close();
  });
});

describe('createClient: bounded memory and never failing the host', () => {
  it('holds at most maxQueue events while Ebb hangs and counts the rest as dropped', async () => {
    const ebb = fakeEbb(() => 'hang');
    const { c, errors } = client(ebb.fetch, { maxQueue: 50, batchSize: 10 });
    for (let i = 0; i < 500; i++) c.track('x');
    await vi.advanceTimersByTimeAsync(5000);
    const s = c.stats();
    expect(s.queued + s.inFlight).toBeLessThanOrEqual(50);
    expect(s.droppedBy.queueFull).toBe(450);
    expect(errors.filter((e) => e.problem === 'queue_full')).toHaveLength(1);
    const closed = c.close({ timeoutMs: 100 });
    await vi.advanceTimersByTimeAsync(100);
    await closed;
    expect(c.stats()).toMatchObject({ queued: 0, inFlight: 0, dropped: 500, droppedBy: { closed: 50 } });
  });

  it('survives a throwing fetch, a throwing onError and unserialisable props', async () => {
    const fetchFn = (() => {
      throw new Error('boom');
    }) as unknown as typeof fetch;
    const c = createClient({ endpoint: 'http://ebb.test', key: 'k', fetch: fetchFn, flushOnExit: false, random: () => 0, retry: { baseDelayMs: 10, maxElapsedMs: 100 }, onError: () => { throw new Error('hook'); } });
    const cyclic: Record<string, unknown> = {};
    cyclic.self = cyclic;
    expect(() => c.track('x', { props: cyclic })).not.toThrow();
    expect(() => c.track('y')).not.toThrow();
    expect(() => c.error(undefined)).not.toThrow();
    await vi.advanceTimersByTimeAsync(5000);
    const s = c.stats();
    expect(s.droppedBy.invalid).toBe(1);
    expect(s.droppedBy.retriesExhausted).toBe(2);
    await expect(c.close()).resolves.toBeUndefined();
  });

  it('drops, counts and reports an event too big for any request, and sends the rest', async () => {
    const ebb = fakeEbb((_i, call) => ok(call.events.length));
    const { c, errors } = client(ebb.fetch, { batchSize: 10 });
    c.track('a');
    c.track('huge', { props: { text: 'é'.repeat(600_000) } }); // 600,000 characters, 1.2 MB of UTF-8
    c.track('b');
    await c.flush();
    // It ends the batch it would not fit in; alone in the next, it cannot be sent at all.
    expect(ebb.calls.map((x) => x.events.map((e) => e.type))).toEqual([['a'], ['b']]);
    expect(c.stats()).toMatchObject({ accepted: 2, dropped: 1, droppedBy: { invalid: 1 } });
    expect(errors.map((e) => e.problem)).toEqual(['invalid']);
  });

  it('close delivers what is queued, then drops and counts later events', async () => {
    const ebb = fakeEbb(() => ok(3));
    const { c } = client(ebb.fetch, { batchSize: 100 });
    c.track('a');
    c.track('b');
    c.track('c');
    await c.close();
    expect(ebb.calls).toHaveLength(1);
    c.track('late');
    expect(c.stats()).toMatchObject({ accepted: 3, dropped: 1, droppedBy: { closed: 1 } });
  });

  it('close gives up after its timeout when Ebb does not answer', async () => {
    const ebb = fakeEbb(() => 'hang');
    const { c } = client(ebb.fetch);
    c.track('a');
    c.track('b');
    const closed = c.close({ timeoutMs: 500 });
    await vi.advanceTimersByTimeAsync(500);
    await closed;
    expect(c.stats()).toMatchObject({ dropped: 2, droppedBy: { closed: 2 }, queued: 0, inFlight: 0 });
  });

  it('flush with a timeout resolves even while Ebb is down', async () => {
    const ebb = fakeEbb(() => new TypeError('fetch failed'));
    const { c } = client(ebb.fetch);
    c.track('a');
    const flushed = c.flush({ timeoutMs: 300 });
    await vi.advanceTimersByTimeAsync(300);
    await expect(flushed).resolves.toBeUndefined();
    expect(c.stats().inFlight).toBe(1);
    const closed = c.close({ timeoutMs: 10 });
    await vi.advanceTimersByTimeAsync(10);
    await closed;
  });
});
