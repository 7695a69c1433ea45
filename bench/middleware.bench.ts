/**
 * Request-tracking middleware overhead: hello-world Fastify and Express apps with and without the
 * sdk-node middleware, in one run. The apps run in their own processes (fresh ones every round);
 * their clients deliver to a sink, in a process of its own, that answers like Ebb's ingest. Three measurements, rounds interleaved so a
 * busy machine hurts every variant alike:
 *   - sequential: one keep-alive connection, one request at a time, each timed with hrtime,
 *     alternating bare and tracked app (the added p50 in microseconds; autocannon's latency is in
 *     whole milliseconds);
 *   - load: autocannon at saturation (throughput, p50/p99), then at a fixed rate every variant can
 *     serve, where the app's CPU time per request compares cleanly;
 *   - micro: the middleware and client work per request in-process, in CPU time, with a stub
 *     transport (classification, the event, queueing, JSON serialisation of batches).
 * Prints one JSON line.
 *
 *   node --import tsx bench/middleware.bench.ts [--seconds 5] [--rounds 3] [--connections 16] [--sequential 4000] [--rate 4000]
 */
import { fork, type ChildProcess } from 'node:child_process';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import autocannon from 'autocannon';
import express from 'express';
import Fastify from 'fastify';
import { createClient, ebbExpress, ebbFastify, type EbbClient } from '../packages/sdk-node/src/index.ts';

const arg = (name: string, fallback: string) => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1]! : fallback;
};
const SECONDS = Number(arg('seconds', '5'));
const ROUNDS = Number(arg('rounds', '3'));
const CONNECTIONS = Number(arg('connections', '16'));
const SEQUENTIAL = Number(arg('sequential', '4000'));
const MICRO = Number(arg('micro', '200000'));
/** Requests/s of the fixed-rate runs: below what every variant can serve on this machine. */
const RATE = Number(arg('rate', '4000'));
const USER_HEADER = 'x-user-id';

type Framework = 'fastify' | 'express';
interface Variant { framework: Framework; tracked: boolean }
const VARIANTS: Variant[] = [
  { framework: 'fastify', tracked: false },
  { framework: 'fastify', tracked: true },
  { framework: 'express', tracked: false },
  { framework: 'express', tracked: true },
];
const nameOf = (v: Variant) => `${v.framework}${v.tracked ? '+ebb' : ''}`;

// ---- the app process ------------------------------------------------------------------------

/** The hello-world app: `GET /api/quests/:id` (classified as quest_viewed), user id from a header. */
async function serveApp(framework: Framework, tracked: boolean, sink: string): Promise<void> {
  const client = tracked ? createClient({ endpoint: sink, key: 'ebb_srv_bench' }) : null;
  const userId = (req: { headers: http.IncomingHttpHeaders }) => req.headers[USER_HEADER] as string | undefined;
  let server: http.Server;
  if (framework === 'fastify') {
    const app = Fastify({ logger: false });
    if (client) await app.register(ebbFastify(client, { userId }));
    app.get('/api/quests/:id', async () => ({ hello: 'world' }));
    await app.listen({ port: 0, host: '127.0.0.1' });
    server = app.server;
  } else {
    const app = express();
    app.disable('x-powered-by');
    if (client) app.use(ebbExpress(client, { userId }));
    app.get('/api/quests/:id', (_req, res) => {
      res.json({ hello: 'world' });
    });
    server = await new Promise<http.Server>((resolve) => {
      const s = app.listen(0, '127.0.0.1', () => resolve(s));
    });
  }
  process.on('message', async (m: { cmd: string }) => {
    if (m.cmd === 'usage') {
      const cpu = process.cpuUsage();
      process.send!({ cpuMicros: cpu.user + cpu.system, stats: client?.stats() ?? null });
    } else if (m.cmd === 'stop') {
      await client?.close({ timeoutMs: 5000 });
      process.send!({ stats: client?.stats() ?? null }, () => process.exit(0));
      server.closeAllConnections();
    }
  });
  process.send!({ port: (server.address() as AddressInfo).port });
}

// ---- the driver -----------------------------------------------------------------------------

const EVENT_MARK = Buffer.from('"occurredAt":');

/**
 * Answers like Ebb's `POST /api/v1/events`, counting the events it was sent (every event, and only an
 * event, carries occurredAt), chunk by chunk without parsing or joining the body. It runs in a process
 * of its own: in the driver's process, each batch it read (a few hundred kilobytes) held up the load
 * generator, the tracked apps then got fewer requests per event-loop turn and spent more CPU per
 * request, which showed as the middleware's overhead.
 */
async function serveSink(): Promise<void> {
  let events = 0;
  let batches = 0;
  const server = http.createServer((req, res) => {
    let n = 0;
    let tail: Buffer = Buffer.alloc(0);
    req.on('data', (c: Buffer) => {
      // The marker may straddle two chunks: search the end of the last one with the next.
      const buf = tail.length > 0 ? Buffer.concat([tail, c]) : c;
      for (let i = buf.indexOf(EVENT_MARK); i >= 0; i = buf.indexOf(EVENT_MARK, i + EVENT_MARK.length)) n++;
      tail = buf.subarray(Math.max(0, buf.length - (EVENT_MARK.length - 1)));
    });
    req.on('end', () => {
      events += n;
      batches++;
      res.writeHead(200, { 'content-type': 'application/json' }).end(`{"accepted":${n},"duplicates":0,"dropped":0,"rejected":[]}`);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  process.on('message', (m: { cmd: string }) => {
    if (m.cmd === 'counts') process.send!({ events, batches });
    else if (m.cmd === 'stop') {
      server.closeAllConnections();
      server.close(() => process.send!({ events, batches }, () => process.exit(0)));
    }
  });
  process.send!({ port: (server.address() as AddressInfo).port });
}

async function startSink() {
  const child = fork(fileURLToPath(import.meta.url), ['--sink'], { execArgv: ['--import', 'tsx'], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  const { port } = await new Promise<{ port: number }>((resolve, reject) => {
    child.once('message', (m) => resolve(m as { port: number }));
    child.once('exit', (code) => reject(new Error(`the sink exited with ${code}`)));
  });
  return {
    url: `http://127.0.0.1:${port}`,
    close: () => ask<{ events: number; batches: number }>(child, { cmd: 'stop' }),
  };
}

interface App { variant: Variant; child: ChildProcess; url: string }

function ask<T>(child: ChildProcess, message: object): Promise<T> {
  return new Promise((resolve) => {
    child.once('message', (m) => resolve(m as T));
    if (message) child.send(message);
  });
}

async function startApp(variant: Variant, sink: string): Promise<App> {
  const child = fork(fileURLToPath(import.meta.url), ['--serve', variant.framework, variant.tracked ? 'tracked' : 'bare', sink], {
    execArgv: ['--import', 'tsx'],
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const { port } = await new Promise<{ port: number }>((resolve, reject) => {
    child.once('message', (m) => resolve(m as { port: number }));
    child.once('exit', (code) => reject(new Error(`${nameOf(variant)} exited with ${code}`)));
  });
  return { variant, child, url: `http://127.0.0.1:${port}` };
}

const percentile = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * p))]!;
const median = (xs: number[]) => percentile([...xs].sort((a, b) => a - b), 0.5);
const round1 = (x: number) => Math.round(x * 10) / 10;

/**
 * One request at a time over one keep-alive connection per app, alternating between the bare and
 * the tracked app so both are sampled under the same load from the rest of the machine; round
 * trips in microseconds.
 */
async function sequentialPair(bareUrl: string, trackedUrl: string, n: number): Promise<{ bare: number[]; tracked: number[] }> {
  const client = (url: string) => {
    const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
    const target = new URL('/api/quests/42', url);
    const once = () => new Promise<void>((resolve, reject) => {
      http.get(target, { agent, headers: { [USER_HEADER]: 'learner-7' } }, (res) => {
        res.resume();
        res.on('end', resolve);
      }).on('error', reject);
    });
    return { agent, once };
  };
  const timed = async (once: () => Promise<void>) => {
    const t0 = process.hrtime.bigint();
    await once();
    return Number(process.hrtime.bigint() - t0) / 1000;
  };
  const a = client(bareUrl);
  const b = client(trackedUrl);
  for (let i = 0; i < 200; i++) await Promise.all([a.once(), b.once()]);
  const bare: number[] = [];
  const tracked: number[] = [];
  for (let i = 0; i < n; i++) {
    // Which goes first alternates too.
    if (i % 2 === 0) {
      bare.push(await timed(a.once));
      tracked.push(await timed(b.once));
    } else {
      tracked.push(await timed(b.once));
      bare.push(await timed(a.once));
    }
  }
  a.agent.destroy();
  b.agent.destroy();
  return { bare, tracked };
}

/** autocannon at saturation, or at `rate` requests/s (the same work for every variant, so CPU per request compares cleanly). */
async function load(app: App, rate?: number) {
  const before = await ask<{ cpuMicros: number }>(app.child, { cmd: 'usage' });
  const r = await autocannon({ url: `${app.url}/api/quests/42`, connections: CONNECTIONS, duration: SECONDS, headers: { [USER_HEADER]: 'learner-7' }, ...(rate && { overallRate: rate }) });
  const after = await ask<{ cpuMicros: number }>(app.child, { cmd: 'usage' });
  const requests = r.requests.total;
  return {
    requests_per_s: r.requests.average,
    p50_ms: r.latency.p50,
    p99_ms: r.latency.p99,
    cpu_us_per_request: requests > 0 ? (after.cpuMicros - before.cpuMicros) / requests : 0,
    errors: r.errors + r.non2xx,
  };
}

/** The middleware's work per request in-process: fake requests through it, a stub transport behind the client. */
async function micro(framework: Framework): Promise<{ ns_per_request: number; events: number }> {
  const answer = '{"accepted":100,"duplicates":0,"dropped":0,"rejected":[]}';
  // A stub as thin as can be, so the figure is the middleware's and the client's own work.
  const stubAnswer = { status: 200, text: async () => answer, headers: { get: () => null } };
  const client: EbbClient = createClient({ endpoint: 'http://stub.invalid', key: 'ebb_srv_bench', fetch: (async () => stubAnswer) as unknown as typeof fetch, flushOnExit: false });
  const userId = (req: { headers: http.IncomingHttpHeaders }) => req.headers[USER_HEADER] as string | undefined;
  const headers = { [USER_HEADER]: 'learner-7', 'user-agent': 'bench/1.0' };
  let handle: () => void;
  if (framework === 'fastify') {
    let hook!: (req: unknown, reply: unknown, done: () => void) => void;
    const plugin = ebbFastify(client, { userId });
    plugin({ addHook: (_name: string, fn: typeof hook) => { hook = fn; } } as never, {}, () => {});
    const request = { method: 'GET', headers, ip: '127.0.0.1', routeOptions: { url: '/api/quests/:id' } };
    const reply = { statusCode: 200, elapsedTime: 0.2 };
    handle = () => hook(request, reply, () => {});
  } else {
    const middleware = ebbExpress(client, { userId });
    // Classes of their own, as Express's request and response are: the middleware notes the route
    // through an accessor on the request's prototype and the end of the response by wrapping `end`
    // on the response's prototype; its per-request slots live in `res.locals`.
    class FakeRequest { method = 'GET'; headers = headers; baseUrl = ''; ip = '127.0.0.1'; socket = {}; res: unknown = null; declare route: unknown; }
    class FakeResponse { statusCode = 200; locals = Object.create(null) as object; req: unknown = null; end(): this { return this; } }
    const route = { path: '/api/quests/:id' };
    handle = () => {
      const req = new FakeRequest();
      const res = new FakeResponse();
      req.res = res;
      res.req = req;
      middleware(req as never, res as never, () => {});
      req.route = route;
      res.end();
    };
  }
  // CPU time of this process, not wall time: other work on a shared machine does not count.
  const run = async (n: number) => {
    const c0 = process.cpuUsage();
    for (let i = 0; i < n; i++) {
      handle();
      // Let the client batch, serialise and "send" as it would between requests.
      if (i % 1000 === 999) await new Promise((r) => setImmediate(r));
    }
    await client.flush();
    const used = process.cpuUsage(c0);
    return ((used.user + used.system) * 1000) / n;
  };
  await run(20_000);
  const ns = await run(MICRO);
  const events = client.stats().accepted;
  await client.close();
  return { ns_per_request: Math.round(ns), events };
}

async function main(): Promise<void> {
  const sink = await startSink();
  const microResults = { fastify: await micro('fastify'), express: await micro('express') };
  const seq = new Map<string, number[]>();
  const runs = new Map<string, Array<Awaited<ReturnType<typeof load>>>>();
  const fixed = new Map<string, Array<Awaited<ReturnType<typeof load>>>>();
  type Stats = { accepted: number; dropped: number; requests: number; [k: string]: unknown };
  const stats: Record<string, Stats[]> = {};
  let apps = [] as App[];
  for (let round = 0; round < ROUNDS; round++) {
    // Fresh app processes every round: how V8 happens to optimise one process (Express's request
    // and response objects change prototype per request, and its figures varied by tens of
    // microseconds between processes) then counts once per round, not for the whole run.
    apps = [];
    for (const v of VARIANTS) apps.push(await startApp(v, sink.url));
    for (const app of apps) {
      // Warm-up: JIT and connection pools.
      await autocannon({ url: `${app.url}/api/quests/42`, connections: CONNECTIONS, duration: 1, headers: { [USER_HEADER]: 'learner-7' } });
    }
    for (const fw of ['fastify', 'express'] as const) {
      const pair = await sequentialPair(apps.find((a) => nameOf(a.variant) === fw)!.url, apps.find((a) => nameOf(a.variant) === `${fw}+ebb`)!.url, SEQUENTIAL);
      seq.set(fw, [...(seq.get(fw) ?? []), ...pair.bare]);
      seq.set(`${fw}+ebb`, [...(seq.get(`${fw}+ebb`) ?? []), ...pair.tracked]);
    }
    // Rotate the order so no variant always runs first or last.
    const order = apps.map((_, i) => apps[(i + round) % apps.length]!);
    for (const app of order) {
      const name = nameOf(app.variant);
      runs.set(name, [...(runs.get(name) ?? []), await load(app)]);
      fixed.set(name, [...(fixed.get(name) ?? []), await load(app, RATE)]);
    }
    for (const app of apps) {
      const { stats: s } = await ask<{ stats: Stats | null }>(app.child, { cmd: 'stop' });
      if (s) (stats[nameOf(app.variant)] ??= []).push(s);
    }
  }
  /** Every round's client counters added up. */
  const summed = (name: string) => {
    const all = stats[name];
    if (!all) return null;
    return {
      accepted: all.reduce((a, x) => a + x.accepted, 0),
      dropped: all.reduce((a, x) => a + x.dropped, 0),
      requests: all.reduce((a, x) => a + x.requests, 0),
    };
  };
  const sinkCounts = await sink.close();

  const results: Record<string, unknown> = {};
  for (const app of apps) {
    const name = nameOf(app.variant);
    const times = seq.get(name)!.sort((a, b) => a - b);
    const r = runs.get(name)!;
    results[name] = {
      sequential_p50_us: round1(percentile(times, 0.5)),
      sequential_p99_us: round1(percentile(times, 0.99)),
      requests_per_s: Math.round(median(r.map((x) => x.requests_per_s))),
      requests_per_s_rounds: r.map((x) => Math.round(x.requests_per_s)),
      p50_ms: median(r.map((x) => x.p50_ms)),
      p99_ms: median(r.map((x) => x.p99_ms)),
      cpu_us_per_request: round1(median(r.map((x) => x.cpu_us_per_request))),
      fixed_rate: {
        requests_per_s: Math.round(median(fixed.get(name)!.map((x) => x.requests_per_s))),
        p50_ms: median(fixed.get(name)!.map((x) => x.p50_ms)),
        p99_ms: median(fixed.get(name)!.map((x) => x.p99_ms)),
        cpu_us_per_request: round1(median(fixed.get(name)!.map((x) => x.cpu_us_per_request))),
        cpu_us_per_request_rounds: fixed.get(name)!.map((x) => round1(x.cpu_us_per_request)),
      },
      errors: [...r, ...fixed.get(name)!].reduce((a, x) => a + x.errors, 0),
      client: summed(name),
    };
  }
  const added = (fw: Framework) => {
    const bare = results[fw] as { sequential_p50_us: number; requests_per_s: number; fixed_rate: { cpu_us_per_request: number } };
    const tracked = results[`${fw}+ebb`] as typeof bare;
    const cpuBare = bare.fixed_rate.cpu_us_per_request;
    const cpuTracked = tracked.fixed_rate.cpu_us_per_request;
    return {
      added_p50_us: round1(tracked.sequential_p50_us - bare.sequential_p50_us),
      throughput_loss_pct: round1((1 - tracked.requests_per_s / bare.requests_per_s) * 100),
      added_cpu_us_per_request: round1(cpuTracked - cpuBare),
      // For an app whose CPU is the limit: the share of its capacity the middleware takes.
      cpu_bound_throughput_loss_pct: round1((1 - cpuBare / cpuTracked) * 100),
      micro_us_per_request: round1(microResults[fw].ns_per_request / 1000),
    };
  };
  process.stdout.write(`${JSON.stringify({
    bench: 'middleware',
    seconds: SECONDS,
    rounds: ROUNDS,
    connections: CONNECTIONS,
    sequential_per_round: SEQUENTIAL,
    fixed_rate: RATE,
    node: process.version,
    results,
    micro: microResults,
    overhead: { fastify: added('fastify'), express: added('express') },
    sink: sinkCounts,
  })}\n`);
}

// The same file is the driver and, with --serve, each app process.
if (process.argv[2] === '--serve') {
  await serveApp(process.argv[3] as Framework, process.argv[4] === 'tracked', process.argv[5]!);
} else if (process.argv[2] === '--sink') {
  await serveSink();
} else {
  await main();
}
