import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createClient, requestRecorderOf, type ClientOptions } from '../src/client.ts';
import type { Classification } from '../src/classify.ts';
import { DEFAULT_RULES } from '../src/default-rules.ts';
import fc from 'fast-check';
import { createRequestShaper, DOES_NOT_FIT, durationText, NOT_RECORDED } from '../src/request-event.ts';
import { createRequestTracker, type RequestTrackingOptions } from '../src/request-recorder.ts';
import { recordingClient } from './helpers.ts';

/** A fetch that remembers every batch body and answers 200, or never answers. */
function fakeEbb(mode: 'ok' | 'hang' = 'ok') {
  const bodies: string[] = [];
  const fetchFn = (async (_url: string | URL, init?: RequestInit) => {
    bodies.push(String(init?.body));
    if (mode === 'hang') return new Promise<Response>(() => undefined);
    const n = (JSON.parse(String(init?.body)) as { events: unknown[] }).events.length;
    return new Response(JSON.stringify({ accepted: n, duplicates: 0, dropped: 0, rejected: [] }), { status: 200 });
  }) as typeof fetch;
  const events = () => bodies.flatMap((b) => (JSON.parse(b) as { events: Array<Record<string, unknown>> }).events);
  return { bodies, events, fetch: fetchFn };
}

function realClient(fetchFn: typeof fetch, extra: Partial<ClientOptions> = {}) {
  return createClient({ endpoint: 'http://ebb.test', key: 'ebb_srv_test', fetch: fetchFn, flushOnExit: false, ...extra });
}

interface Req {
  headers: Record<string, string | undefined>;
  user?: unknown;
}

/** [method, route, status, durationMs, user, userAgent, ip] */
type Finished = [string, string, number, number, unknown, string | undefined, string | undefined];

const LONG_UA = `Mozilla/5.0 ${'x'.repeat(600)}`;
const REQUESTS: Finished[] = [
  ['GET', '/api/quests/:id', 200, 0.2345678, 'learner-7', 'TestAgent/1 "quoted" \\ back', '::ffff:10.1.2.3'],
  ['POST', '/api/quests/:questId/start', 201, 12.5, 42, 'TestAgent/1 "quoted" \\ back', '2001:db8::1'],
  ['POST', '/auth/login', 401, 3, '', undefined, undefined],
  ['POST', '/auth/login', 200, 3, 'u-\u00e9\u2028', LONG_UA, '127.0.0.1'],
  ['GET', '/api/boom', 500, 1.0004, null, 'ua', undefined],
  ['GET', '(unmatched)', 404, 0, undefined, 'ua', undefined],
  ['DELETE', '/quests/:id/abandon', 204, 7.77777, 'x'.repeat(257), 'ua', undefined],
  ['GET', '/r/:slug', 503, Number.NaN, 'learner-8', '', ''],
  ['PATCH', '/"odd"/\\route', 200, 1, 'learner-9', 'ua', undefined],
];

/** Every request of REQUESTS through one tracker; returns the events its client sent or was given. */
async function through(kind: 'compact' | 'track', options: RequestTrackingOptions<Req>) {
  if (kind === 'track') {
    const client = recordingClient();
    const tracker = createRequestTracker<Req>(client, options);
    for (const [method, route, status, ms, user, ua, ip] of REQUESTS) tracker.record({ headers: {}, user }, method, route, status, ms, ua, ip);
    return client.tracked.map((e) => JSON.parse(JSON.stringify(e)) as Record<string, unknown>);
  }
  const ebb = fakeEbb();
  const client = realClient(ebb.fetch);
  expect(requestRecorderOf(client)).toBeTypeOf('function');
  const tracker = createRequestTracker<Req>(client, options);
  for (const [method, route, status, ms, user, ua, ip] of REQUESTS) tracker.record({ headers: {}, user }, method, route, status, ms, ua, ip);
  await client.flush();
  await client.close();
  return ebb.events();
}

beforeEach(() => {
  vi.useFakeTimers({ toFake: ['Date'], now: Date.parse('2026-03-04T05:06:07.890Z') });
});
afterEach(() => {
  vi.useRealTimers();
});

describe('the compact request record', () => {
  const variants: Array<[string, RequestTrackingOptions<Req>]> = [
    ['default rules and options', { userId: (req) => req.user as string }],
    ['forwarded address, no user agent, skip unclassified', { userId: (req) => req.user as string, forwardIp: true, forwardUserAgent: false, unclassified: 'skip' }],
    ['forwarded address and user agent', { userId: (req) => req.user as string, forwardIp: true }],
    ['a custom classifier and extra props that override one of the standard ones', {
      userId: (req) => req.user as string,
      classify: (f) => (f.route === '/auth/login' ? null : f.status === 201 ? { type: 'quest_begun', category: 'learning' } : f.method === 'PATCH' ? 'patched' : undefined),
      props: (_req, f) => (f.status >= 500 ? { status: 'failed', note: 'x"y' } : { pillar: 'stem' }),
    }],
    ['a resolver that throws and rules of the app', {
      userId: () => {
        throw new Error('resolver bug');
      },
      rules: [{ method: 'PATCH', type: 'route_patched', category: 'admin' }, ...DEFAULT_RULES],
    }],
  ];

  it.each(variants)('becomes exactly the events the track path makes: %s', async (_name, options) => {
    const viaTrack = await through('track', options);
    const viaCompact = await through('compact', options);
    expect(viaTrack.length).toBeGreaterThan(3);
    const ids = viaCompact.map((e) => e.id);
    expect(new Set(ids).size).toBe(ids.length);
    // The wire schema's id: at most 128 of letters, digits, _ . : -
    for (const id of ids) expect(id).toMatch(/^[0-9a-f-]{36}\.[0-9a-z]+$/);
    expect(viaCompact.map(({ id: _id, ...rest }) => rest)).toEqual(viaTrack);
  });

  it('sends the user id as a string, and none when it is empty or too long', async () => {
    const events = await through('compact', { userId: (req) => req.user as string });
    const byRoute = (route: string, status: number) => events.find((e) => (e.props as { route: string; status: number }).route === route && (e.props as { status: number }).status === status)!;
    expect(byRoute('/api/quests/:questId/start', 201).userId).toBe('42');
    expect(byRoute('/api/quests/:id', 200).userId).toBe('learner-7');
    expect('userId' in byRoute('/auth/login', 401)).toBe(false);
    expect('userId' in byRoute('/quests/:id/abandon', 204)).toBe(false);
    expect(byRoute('/api/quests/:questId/start', 201)).toMatchObject({ type: 'quest_started', context: { userAgent: 'TestAgent/1 "quoted" \\ back' } });
    expect(byRoute('/auth/login', 200).context).toEqual({ userAgent: LONG_UA.slice(0, 512) });
    expect(byRoute('/api/boom', 500)).toMatchObject({ type: 'api_error', error: { type: 'http_500', endpoint: '/api/boom', status: 500 } });
  });

  it('writes JSON of the same event, field for field, as the track path sends', () => {
    const shaper = createRequestShaper({ rules: DEFAULT_RULES, recordUnclassified: true });
    const kinds: Array<Classification | undefined> = [undefined, { type: 'custom' }, { type: 'custom', category: 'learning' }];
    for (const kind of kinds) {
      for (const extra of [undefined, { n: 1, method: 'OVERRIDDEN' }]) {
        for (const [method, route, status, ms, user, ua, ip] of REQUESTS) {
          const userId = typeof user === 'string' && user !== '' && user.length <= 256 ? user : undefined;
          const built = shaper.event(method, route, status, ms, 1_700_000_000_123, userId, ua, ip, kind, extra);
          const json = shaper.json(method, route, status, ms, 1_700_000_000_123, userId, ua, ip, kind, extra, 'the-id');
          // The order of the keys differs (the written form puts what every request shares first); the event does not.
          expect(JSON.parse(json!)).toEqual(JSON.parse(JSON.stringify({ ...built!.fields, id: 'the-id', type: built!.type })));
        }
      }
    }
  });

  it('writes the same bytes in place as json() gives as text, for any request of the common kind', () => {
    const shaper = createRequestShaper({ rules: DEFAULT_RULES, recordUnclassified: true });
    const prefix = 'c0ffee00-1234-4abc-8def-0123456789ab';
    const prefixJson = Buffer.from(`"${prefix}.`);
    const out = Buffer.alloc(64 * 1024);
    const same = (method: string, route: string, status: number, ms: number, end: number, userId: string | undefined, ua: string | undefined, ip: string | undefined, counter: number) => {
      const json = shaper.json(method, route, status, ms, end, userId, ua, ip, undefined, undefined, `${prefix}.${counter.toString(36)}`);
      const at = 7;
      const written = shaper.write(out, at, out.length, method, route, status, ms, end, userId, ua, ip, prefixJson, counter);
      expect(written).toBe(at + Buffer.byteLength(json!));
      expect(out.toString('utf8', at, written)).toBe(json);
    };
    for (const [method, route, status, ms, user, ua, ip] of REQUESTS) {
      for (const counter of [0, 35, 36, 1_000_000, Number.MAX_SAFE_INTEGER]) same(method, route, status, ms, 1_700_000_000_123, typeof user === 'string' && user !== '' ? user : undefined, ua, ip, counter);
    }
    // User ids JSON must escape, or that are not ASCII, or longer than the character-by-character path takes.
    for (const user of ['a"b', 'back\\slash', 'bell\u0007', 'del\u007f', 'tab\tnew\nline', 'é', '\u2028', '\ud83d', 'x'.repeat(64), 'x'.repeat(65), `${'x'.repeat(63)}"`]) {
      same('GET', '/api/quests/:id', 200, 1, 1_700_000_000_123, user, undefined, undefined, 7);
    }
    fc.assert(
      fc.property(
        fc.constantFrom('GET', 'POST', 'DELETE', 'PATCH'),
        fc.oneof(fc.constantFrom('/api/quests/:id', '/auth/login', '/api/boom', '(unmatched)'), fc.string({ unit: 'grapheme', maxLength: 40 })),
        fc.integer({ min: 100, max: 599 }),
        fc.oneof(fc.double({ min: 0, max: 2e9, noNaN: true }), fc.integer({ min: 0, max: 100_000 }).map((us) => us / 1000), fc.constantFrom(-1, Number.NaN, Infinity)),
        fc.oneof(fc.integer({ min: 0, max: 4_102_444_800_000 }), fc.double({ min: -1e6, max: 5e12, noNaN: true })),
        fc.option(fc.string({ unit: 'grapheme', minLength: 1, maxLength: 30 }), { nil: undefined }),
        fc.option(fc.string({ unit: 'grapheme', maxLength: 60 }), { nil: undefined }),
        fc.option(fc.oneof(fc.ipV4(), fc.ipV6(), fc.ipV4().map((a) => `::ffff:${a}`)), { nil: undefined }),
        fc.nat(),
        (method, route, status, ms, end, userId, ua, ip, counter) => same(method, route, status, ms, end, userId, ua, ip, counter),
      ),
      { numRuns: 2000 },
    );
  });

  it('writes in place only what fits, and nothing for requests the rules do not record', () => {
    const shaper = createRequestShaper({ rules: [{ route: '/api/x', type: 'x_viewed' }], recordUnclassified: false });
    const out = Buffer.alloc(256);
    const prefixJson = Buffer.from('"p.');
    expect(shaper.write(out, 0, out.length, 'GET', '/health', 200, 1, 1_700_000_000_000, undefined, undefined, undefined, prefixJson, 0)).toBe(NOT_RECORDED);
    const end = shaper.write(out, 0, out.length, 'GET', '/api/x', 200, 1, 1_700_000_000_000, undefined, undefined, undefined, prefixJson, 0);
    expect(JSON.parse(out.toString('utf8', 0, end))).toMatchObject({ type: 'x_viewed', id: 'p.0' });
    expect(shaper.write(out, 0, out.length, 'GET', '/api/x', 200, 1, 1_700_000_000_000, 'x'.repeat(200), undefined, undefined, prefixJson, 0)).toBe(DOES_NOT_FIT);
  });

  it('writes durations as the number String() gives', () => {
    for (const ms of [0, 0.001, 0.01, 0.1, 0.105, 0.12, 1, 1.5, 2.05, 10.001, 123.456, 999.999, 1000, 86_400_000.5, 12.3456789, -1, Number.NaN, 1e12]) {
      const r = Math.round(ms * 1000) / 1000;
      expect(durationText(r)).toBe(Number.isFinite(r) ? String(r) : 'null');
    }
    for (let us = 0; us < 20_000; us += 7) expect(durationText(us / 1000)).toBe(String(us / 1000));
  });

  it('keeps the order of requests and tracked events across batch bodies that grow, and sends each once', async () => {
    const ebb = fakeEbb();
    const client = realClient(ebb.fetch, { batchSize: 1000, maxQueue: 5000 });
    const tracker = createRequestTracker<Req>(client, {});
    for (let i = 0; i < 3000; i++) {
      if (i % 3 === 0) client.track('marker', { props: { i } });
      else tracker.record({ headers: {} }, 'GET', `/items/${i}`, 200, i, undefined, undefined);
    }
    expect(client.stats().queued).toBe(3000);
    await client.flush();
    const order = ebb.events().map((e) => (e.type === 'marker' ? (e.props as { i: number }).i : Number(String((e.props as { route: string }).route).slice(7))));
    expect(order).toEqual(Array.from({ length: 3000 }, (_, i) => i));
    expect(ebb.bodies).toHaveLength(3);
    expect(client.stats()).toMatchObject({ accepted: 3000, queued: 0, dropped: 0 });
    await client.close();
  });

  it('sends a full batch of recorded requests without a flush, a partial one on the timer or on close', async () => {
    const ebb = fakeEbb();
    const client = realClient(ebb.fetch, { batchSize: 5, flushIntervalMs: 60_000 });
    const tracker = createRequestTracker<Req>(client, {});
    const record = (from: number, to: number) => {
      for (let i = from; i < to; i++) tracker.record({ headers: {} }, 'GET', '/quests/:id', 200, i, undefined, undefined);
    };
    const durations = () => ebb.events().map((e) => (e.props as { duration_ms: number }).duration_ms);
    record(0, 5);
    await vi.waitFor(() => expect(ebb.bodies).toHaveLength(1));
    // Seven at once: the batch fills at the fifth, and two more come before it is written.
    record(5, 12);
    expect(client.stats().queued).toBe(7);
    await vi.waitFor(() => expect(ebb.bodies).toHaveLength(2));
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(ebb.bodies).toHaveLength(2);
    await client.close();
    expect(durations()).toEqual(Array.from({ length: 12 }, (_, i) => i));
    expect(client.stats()).toMatchObject({ accepted: 12, queued: 0, dropped: 0 });

    const timed = fakeEbb();
    const onTimer = realClient(timed.fetch, { batchSize: 5, flushIntervalMs: 20 });
    createRequestTracker<Req>(onTimer, {}).record({ headers: {} }, 'GET', '/quests/:id', 200, 1, undefined, undefined);
    await vi.waitFor(() => expect(timed.events()).toHaveLength(1));
    await onTimer.close();
  });

  it('keeps every row once when the app\'s onError records a request while rows are being written', async () => {
    for (const batchSize of [3, 2]) {
      const ebb = fakeEbb();
      let tracker: ReturnType<typeof createRequestTracker<Req>> | null = null;
      // Told that the first request is too big to send, the app records another request at once.
      const client = realClient(ebb.fetch, { batchSize, onError: () => tracker!.record({ headers: {} }, 'GET', '/quests/:id', 200, 9, undefined, undefined) });
      tracker = createRequestTracker<Req>(client, {});
      tracker.record({ headers: {} }, 'GET', `/${'x'.repeat(1_100_000)}`, 200, 0, undefined, undefined);
      tracker.record({ headers: {} }, 'GET', '/quests/:id', 200, 1, undefined, undefined);
      await client.flush();
      await client.close();
      const durations = ebb.events().map((e) => (e.props as { duration_ms: number }).duration_ms);
      if (batchSize === 3) {
        // Room among the rows: the request from onError is written in the same loop, after the one waiting.
        expect(durations).toEqual([1, 9]);
        expect(client.stats()).toMatchObject({ accepted: 2, droppedBy: { invalid: 1 } });
      } else {
        // The rows are full while they are being written: that request is dropped and counted.
        expect(durations).toEqual([1]);
        expect(client.stats()).toMatchObject({ accepted: 1, droppedBy: { invalid: 2 } });
      }
    }
  });

  it('grows the body for requests bigger than its first buffer, keeping every event whole in one batch', async () => {
    const ebb = fakeEbb();
    // Batches of 20 start in a 6,400-byte buffer; 20 requests with 500-character User-Agents take about 13 KB.
    const client = realClient(ebb.fetch, { batchSize: 20 });
    const tracker = createRequestTracker<Req>(client, {});
    const agent = (i: number) => `Mozilla/5.0 ${String(i).padStart(3, '0')} ${'x'.repeat(484)}`;
    for (let i = 0; i < 20; i++) tracker.record({ headers: {} }, 'GET', '/quests/:id', 200, i, agent(i), undefined);
    await client.flush();
    expect(ebb.bodies).toHaveLength(1);
    expect(Buffer.byteLength(ebb.bodies[0]!)).toBeGreaterThan(6400);
    expect(ebb.events().map((e) => (e.context as { userAgent: string }).userAgent)).toEqual(Array.from({ length: 20 }, (_, i) => agent(i)));
    await client.close();
  });

  it('counts what does not fit the bounded queue and what arrives after close, and never throws', async () => {
    const ebb = fakeEbb('hang');
    const client = realClient(ebb.fetch, { batchSize: 10, maxQueue: 25 });
    const tracker = createRequestTracker<Req>(client, { userId: (req) => req.user as string });
    for (let i = 0; i < 100; i++) tracker.record({ headers: {}, user: `u${i}` }, 'GET', '/quests/:id', 200, 1, 'ua', undefined);
    await vi.waitFor(() => expect(ebb.bodies.length).toBe(1));
    const s = client.stats();
    expect(s.queued + s.inFlight).toBe(25);
    expect(s.droppedBy.queueFull).toBe(75);
    await client.close({ timeoutMs: 10 });
    tracker.record({ headers: {} }, 'GET', '/quests/:id', 200, 1, undefined, undefined);
    expect(client.stats()).toMatchObject({ queued: 0, inFlight: 0, dropped: 101, droppedBy: { queueFull: 75, closed: 26 } });
  });

  it('drops and counts a request whose extra props cannot be serialised, and sends the rest', async () => {
    const ebb = fakeEbb();
    const client = realClient(ebb.fetch);
    const cyclic: Record<string, unknown> = {};
    cyclic.self = cyclic;
    const tracker = createRequestTracker<Req>(client, { props: (req) => (req.user === 'bad' ? cyclic : undefined) });
    for (const user of ['a', 'bad', 'b']) tracker.record({ headers: {}, user }, 'GET', '/quests/:id', 200, 1, undefined, undefined);
    await client.flush();
    expect(ebb.events()).toHaveLength(2);
    expect(client.stats()).toMatchObject({ accepted: 2, droppedBy: { invalid: 1 } });
    await client.close();
  });

  it('starts a new batch when the next event would take the body over the size limit', async () => {
    const ebb = fakeEbb();
    const client = realClient(ebb.fetch, { batchSize: 1000 });
    const big = 'x'.repeat(300_000);
    const tracker = createRequestTracker<Req>(client, { props: () => ({ big }) });
    for (let i = 0; i < 5; i++) tracker.record({ headers: {} }, 'GET', '/quests/:id', 200, i, undefined, undefined);
    await client.flush();
    expect(ebb.bodies.map((b) => (JSON.parse(b) as { events: unknown[] }).events.length)).toEqual([3, 2]);
    for (const b of ebb.bodies) expect(Buffer.byteLength(b)).toBeLessThan(1024 * 1024);
    expect(ebb.events().map((e) => (e.props as { duration_ms: number }).duration_ms)).toEqual([0, 1, 2, 3, 4]);
    await client.close();
  });
});
