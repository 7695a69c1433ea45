/**
 * Request-tracking middleware overhead: hello-world Fastify and Express apps with and without the
 * sdk-node middleware, in one run. The apps run in their own processes (fresh ones every round);
 * their clients deliver to a sink, in a process of its own, that answers like Ebb's ingest. Three measurements, rounds interleaved so a
 * busy machine hurts every variant alike:
 *   - sequential: one keep-alive connection, one request at a time, each timed with hrtime,
 *     alternating bare and tracked app (the added p50 in microseconds; autocannon's latency is in
 *     whole milliseconds);
 *   - load: at saturation (throughput; wrk when it is installed, autocannon otherwise: autocannon
 *     spends more CPU per request than a hello-world Fastify app, so on two cores it cannot keep
 *     the app busy), then autocannon at a fixed rate every variant can serve,
 *     where the app's CPU time per request compares cleanly. Short runs of bare, tracked, tracked,
 *     bare (or the reverse) back to back each give a tracked/bare ratio, and the figure is the
 *     median ratio: this machine's speed drifts by tens of percent within minutes, which a ratio
 *     of medians over the whole run would count as overhead or hide;
 *   - in-process: the middleware's hook and the client's work per request in this process, in CPU
 *     time, delivering to the sink over HTTP (recording, classification, batch bodies, sending);
 *     and how long writing a batch of request rows holds the event loop (`--only in-process`).
 * With two cores or more, each app process is pinned to a core of its own and the driver, the load
 * generator and the sink share the others: the app's throughput is then its own, as on a host of
 * its own, and not what it wins or loses against the load generator for a core.
 * Prints one JSON line.
 *
 *   node --import tsx bench/middleware.bench.ts [--seconds 1] [--blocks 3] [--rounds 5] [--connections 64] [--pin on|off] [--load-generator wrk|autocannon] [--sequential 4000] [--rate 4000] [--micro 200000]
 *   node --import tsx bench/middleware.bench.ts --only in-process     (the in-process figures and the pause to write a batch of rows, in seconds)
 *   node --import tsx bench/middleware.bench.ts --only profile --seconds 4 --rounds 3   (shares of the apps' CPU, from perf)
 *   node --import tsx bench/middleware.bench.ts --only breakdown --seconds 3 --rounds 3 --blocks 4   (what each part of the Fastify middleware costs)
 */
import { execFile, execFileSync, fork, type ChildProcess } from 'node:child_process';
import http from 'node:http';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import autocannon from 'autocannon';
import express from 'express';
import Fastify from 'fastify';
import { pino } from 'pino';
import type { FastifyInstance } from 'fastify';
import { createClient, ebbExpress, ebbFastify, type EbbClient } from '../packages/sdk-node/src/index.ts';
import { RECORD_REQUEST } from '../packages/sdk-node/src/client.ts';
import { createTransport } from '../packages/sdk-node/src/transport.ts';
import { createRequestTracker } from '../packages/sdk-node/src/request-recorder.ts';

const arg = (name: string, fallback: string) => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1]! : fallback;
};
const SECONDS = Number(arg('seconds', '1'));
/** A B B A blocks per framework and round, each giving one tracked/bare ratio. */
const BLOCKS = Number(arg('blocks', '3'));
const ROUNDS = Number(arg('rounds', '5'));
const CONNECTIONS = Number(arg('connections', '64'));
const SEQUENTIAL = Number(arg('sequential', '4000'));
const MICRO = Number(arg('micro', '200000'));
/** Requests/s of the fixed-rate runs: below what every variant can serve on this machine. */
const RATE = Number(arg('rate', '4000'));
/** Connections of the fixed-rate runs: with 64, autocannon overshot the rate by half on a busy app. */
const RATE_CONNECTIONS = 16;
const USER_HEADER = 'x-user-id';
/** Pin each app to a core of its own (the driver, load generator and sink share the rest): on by default with two cores or more. */
const PIN = arg('pin', os.availableParallelism() >= 2 ? 'on' : 'off') === 'on';
const APP_CPU = String(os.availableParallelism() - 1);
const DRIVER_CPUS = os.availableParallelism() > 2 ? `0-${os.availableParallelism() - 2}` : '0';

/** Sets the CPUs every thread of a process may run on; false where taskset is missing or not allowed. */
function pinTo(pid: number, cpus: string): boolean {
  try {
    execFileSync('taskset', ['-a', '-p', '-c', cpus, String(pid)], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

type Framework = 'fastify' | 'express';
/**
 * Parts of what the Fastify middleware does, each added alone to the bare app by `--only breakdown`,
 * then the whole of it: nothing (the bare app against itself: what the method reads when there is no
 * difference); Fastify's hook runners (hooks that do nothing); the hooks' work up to the client's
 * queue (clock reads, route, the user id resolver), the request then thrown away; recording and
 * building batches that are answered at once without a socket; the bare app sending a real batch of
 * the same bytes every 1,000 requests (the sending without the recording); the middleware; and, for
 * scale, Fastify's own request logging (pino, to /dev/null), which many apps run.
 */
const BREAKDOWN = ['nothing', 'empty-hooks', 'hooks-without-queue', 'batches-not-sent', 'bytes-only', 'tracked', 'fastify-logger'] as const;
type Setup = 'bare' | (typeof BREAKDOWN)[number];
interface Variant { framework: Framework; setup: Setup }
const VARIANTS: Variant[] = [
  { framework: 'fastify', setup: 'bare' },
  { framework: 'fastify', setup: 'tracked' },
  { framework: 'express', setup: 'bare' },
  { framework: 'express', setup: 'tracked' },
];
const nameOf = (v: Variant) => `${v.framework}${v.setup === 'bare' ? '' : v.setup === 'tracked' ? '+ebb' : `+${v.setup}`}`;

// ---- the app process ------------------------------------------------------------------------

/** The hello-world app: `GET /api/quests/:id` (classified as quest_viewed), user id from a header. */
/** The apps' user id resolver: the learner named in a header. */
const userId = (req: { headers: http.IncomingHttpHeaders }) => req.headers[USER_HEADER] as string | undefined;

async function serveApp(framework: Framework, setup: Setup, sink: string): Promise<void> {
  const client = setup === 'tracked' ? createClient({ endpoint: sink, key: 'ebb_srv_bench' }) : null;
  let server: http.Server;
  if (framework === 'fastify') {
    // Fastify's request logging writes two lines a request; /dev/null keeps the disk out of it.
    const app = Fastify({ logger: setup === 'fastify-logger' ? { level: 'info', stream: pino.destination({ dest: '/dev/null', sync: false }) } : false });
    if (client) await app.register(ebbFastify(client, { userId }));
    let answer = async () => ({ hello: 'world' });
    if (setup !== 'bare' && setup !== 'tracked' && setup !== 'nothing' && setup !== 'fastify-logger') answer = await addPart(app, setup, sink, answer);
    app.get('/api/quests/:id', answer);
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

/** One part of the middleware (see BREAKDOWN) on a bare Fastify app; returns the route's handler. */
async function addPart<H extends () => Promise<unknown>>(app: FastifyInstance, part: Exclude<Setup, 'bare' | 'tracked' | 'nothing' | 'fastify-logger'>, sink: string, handler: H): Promise<H> {
  if (part === 'empty-hooks') {
    const slot = Symbol('bench.slot');
    // As ebbFastify registers its hooks: for the whole app, with a request decorator.
    const plugin = (instance: FastifyInstance, _opts: unknown, done: () => void) => {
      instance.decorateRequest(slot as unknown as string, -1);
      instance.addHook('onRequest', (_req, _reply, next) => next());
      instance.addHook('onSend', (_req, _reply, payload, next) => next(null, payload));
      done();
    };
    await app.register(Object.assign(plugin, { [Symbol.for('skip-override')]: true }));
  } else if (part === 'hooks-without-queue') {
    // A client whose request recorder throws the request away: everything ebbFastify does before the queue.
    const client = { track() {}, page() {}, error() {}, flush: async () => {}, close: async () => {}, stats: () => ({}) } as unknown as EbbClient;
    Object.defineProperty(client, RECORD_REQUEST, { value: () => {} });
    await app.register(ebbFastify(client, { userId }));
  } else if (part === 'batches-not-sent') {
    const client = createClient({ endpoint: sink, key: 'ebb_srv_bench', fetch: (async () => new Response(ACCEPTED, { status: 200 })) as unknown as typeof fetch });
    await app.register(ebbFastify(client, { userId }));
  } else {
    // bytes-only: the same batch bytes, one batch per 1,000 requests, counted in the handler.
    const body = await aRealBatch();
    const send = createTransport({ endpoint: sink, key: 'ebb_srv_bench', timeoutMs: 10_000, now: Date.now });
    let requests = 0;
    let sending = false;
    let owed = 0;
    const sendOne = (): void => {
      sending = true;
      void send(body).then(() => {
        sending = false;
        if (owed > 0) {
          owed--;
          sendOne();
        }
      });
    };
    return (async () => {
      if (++requests % 1000 === 0) {
        if (sending) owed++;
        else queueMicrotask(sendOne);
      }
      return handler();
    }) as H;
  }
  return handler;
}

/** Ebb's answer to a batch of 1,000 events. */
const ACCEPTED = '{"accepted":1000,"duplicates":0,"dropped":0,"rejected":[]}';

type Hook = (req: unknown, reply: unknown, ...rest: unknown[]) => void;
/** ebbFastify's two hooks for `client`, taken out of the plugin to be called without Fastify. */
function fastifyHooks(client: EbbClient): { onRequest: Hook; onSend: Hook } {
  const hooks: Record<string, Hook> = {};
  ebbFastify(client, { userId })({ decorateRequest: () => {}, addHook: (name: string, fn: Hook) => { hooks[name] = fn; } } as never, {}, () => {});
  return hooks as { onRequest: Hook; onSend: Hook };
}

/** The body of a batch of 1,000 of the load's requests as the middleware sends it. */
async function aRealBatch(): Promise<Buffer> {
  let body: Buffer | null = null;
  const capture = (async (_url: string, init: { body: Buffer }) => {
    body = Buffer.from(init.body);
    return new Response(ACCEPTED, { status: 200 });
  }) as unknown as typeof fetch;
  const client = createClient({ endpoint: 'http://127.0.0.1:9', key: 'ebb_srv_bench', fetch: capture, flushOnExit: false });
  const { onRequest, onSend } = fastifyHooks(client);
  for (let i = 0; i < 1000; i++) {
    const headers = LEARNER_REQUESTS[i % LEARNER_REQUESTS.length]!.headers;
    const req = { method: 'GET', headers, raw: { headers }, routeOptions: { url: '/api/quests/:id' } };
    onRequest(req, {}, () => {});
    onSend(req, { statusCode: 200 }, '{"hello":"world"}', () => {});
  }
  await client.close();
  if (body === null) throw new Error('the client sent no batch');
  return body;
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

/**
 * The sink stands in for Ebb, which runs on another host: it runs at the lowest priority, so it
 * takes as little CPU as it can from the app and the load generator. Unpinned at normal priority,
 * each batch woke it on the app's core and preempted the app (the tracked apps got 84-93 % of their
 * core at saturation, the bare ones 94-98 %). The idle scheduling class goes further but starved
 * it when the machine was busy, and a tracked app's queue then overflowed.
 */
function lowPriority(pid: number): number {
  try {
    os.setPriority(pid, 19);
  } catch {
    // Not allowed here: it keeps the default priority, and the output says so.
  }
  return os.getPriority(pid);
}

async function startSink() {
  const child = fork(fileURLToPath(import.meta.url), ['--sink'], { execArgv: ['--import', 'tsx'], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  const { port } = await new Promise<{ port: number }>((resolve, reject) => {
    child.once('message', (m) => resolve(m as { port: number }));
    child.once('exit', (code) => reject(new Error(`the sink exited with ${code}`)));
  });
  return {
    url: `http://127.0.0.1:${port}`,
    pinned: PIN && pinTo(child.pid!, DRIVER_CPUS),
    niceness: lowPriority(child.pid!),
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

async function startApp(variant: Variant, sink: string, nodeFlags: string[] = []): Promise<App> {
  const child = fork(fileURLToPath(import.meta.url), ['--serve', variant.framework, variant.setup, sink], {
    execArgv: [...nodeFlags, '--import', 'tsx'],
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const { port } = await new Promise<{ port: number }>((resolve, reject) => {
    child.once('message', (m) => resolve(m as { port: number }));
    child.once('exit', (code) => reject(new Error(`${nameOf(variant)} exited with ${code}`)));
  });
  if (PIN) pinTo(child.pid!, APP_CPU);
  return { variant, child, url: `http://127.0.0.1:${port}` };
}

const percentile = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * p))]!;
const sorted = (xs: number[]) => [...xs].sort((a, b) => a - b);
const median = (xs: number[]) => percentile(sorted(xs), 0.5);
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

/**
 * The load generator's requests: one learner after another, as an app serves many users (each
 * user id is a new string for the app and a new id in the batch). Built once, cycled through.
 */
const LEARNER_REQUESTS = Array.from({ length: 100 }, (_, i) => ({ method: 'GET' as const, path: `/api/quests/${i + 1}`, headers: { [USER_HEADER]: `learner-${i + 1}` } }));

const WRK_SCRIPT = fileURLToPath(new URL('./middleware-learners.lua', import.meta.url));
const hasWrk = (() => {
  try {
    execFileSync('wrk', ['--version'], { stdio: 'ignore' });
    return true;
  } catch (err) {
    // wrk prints its usage and exits 1 for --version: installed. Not found: ENOENT.
    return (err as NodeJS.ErrnoException).code !== 'ENOENT';
  }
})();
const LOAD_GENERATOR = arg('load-generator', hasWrk ? 'wrk' : 'autocannon');
if (LOAD_GENERATOR !== 'wrk' && LOAD_GENERATOR !== 'autocannon') throw new Error(`--load-generator must be wrk or autocannon, not ${LOAD_GENERATOR}`);
const ONLY = arg('only', '');
if (ONLY !== '' && ONLY !== 'in-process' && ONLY !== 'profile' && ONLY !== 'breakdown') throw new Error(`--only must be in-process, profile or breakdown, not ${ONLY}`);
if (LOAD_GENERATOR === 'wrk' && !hasWrk) throw new Error('--load-generator wrk: wrk is not installed (apt-get install wrk)');

interface Measured { requests: number; requests_per_s: number; p50_ms: number; p99_ms: number; errors: number }

const LATENCY_UNITS: Record<string, number> = { us: 0.001, ms: 1, s: 1000 };
/** wrk at saturation, pinned beside the driver; the same requests as the autocannon load. */
async function wrkLoad(url: string): Promise<Measured> {
  const wrkArgs = ['-t', '1', '-c', String(CONNECTIONS), '-d', `${SECONDS}s`, '--latency', '-s', WRK_SCRIPT, `${url}/`];
  const { stdout } = PIN ? await promisify(execFile)('taskset', ['-c', DRIVER_CPUS, 'wrk', ...wrkArgs]) : await promisify(execFile)('wrk', wrkArgs);
  const latency = (p: string) => {
    const m = new RegExp(`^\\s*${p}%\\s+([\\d.]+)(us|ms|s)\\s*$`, 'm').exec(stdout);
    return m ? Number(m[1]) * LATENCY_UNITS[m[2]!]! : Number.NaN;
  };
  const requests = Number(/(\d+) requests in/.exec(stdout)?.[1] ?? Number.NaN);
  const non2xx = Number(/Non-2xx or 3xx responses: (\d+)/.exec(stdout)?.[1] ?? 0);
  const socketErrors = /Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)/.exec(stdout);
  return {
    requests,
    requests_per_s: Number(/Requests\/sec:\s+([\d.]+)/.exec(stdout)?.[1] ?? Number.NaN),
    p50_ms: latency('50'),
    p99_ms: latency('99'),
    errors: non2xx + (socketErrors ? socketErrors.slice(1).reduce((a, x) => a + Number(x), 0) : 0),
  };
}

async function autocannonLoad(url: string, rate?: number): Promise<Measured> {
  const r = await autocannon({ url, connections: rate ? RATE_CONNECTIONS : CONNECTIONS, duration: SECONDS, requests: LEARNER_REQUESTS, ...(rate && { overallRate: rate }) });
  return { requests: r.requests.total, requests_per_s: r.requests.average, p50_ms: r.latency.p50, p99_ms: r.latency.p99, errors: r.errors + r.non2xx };
}

/** At saturation, or at `rate` requests/s (the same work for every variant, so CPU per request compares cleanly). */
async function load(app: App, rate?: number) {
  const before = await ask<{ cpuMicros: number }>(app.child, { cmd: 'usage' });
  const r = rate === undefined && LOAD_GENERATOR === 'wrk' ? await wrkLoad(app.url) : await autocannonLoad(app.url, rate);
  const after = await ask<{ cpuMicros: number }>(app.child, { cmd: 'usage' });
  const requests = r.requests;
  return {
    requests,
    cpu_us: after.cpuMicros - before.cpuMicros,
    requests_per_s: r.requests_per_s,
    p50_ms: r.p50_ms,
    p99_ms: r.p99_ms,
    cpu_share: (after.cpuMicros - before.cpuMicros) / (SECONDS * 1e6),
    cpu_us_per_request: requests > 0 ? (after.cpuMicros - before.cpuMicros) / requests : 0,
    errors: r.errors,
  };
}

/**
 * The middleware's and the client's work per request in this process: fake requests through the
 * hook, the client delivering to the sink over HTTP as it would from an app (CPU of this process,
 * the kernel's part of sending included). Batches are awaited one at a time, so the loop never
 * outruns delivery and nothing is dropped.
 */
async function inProcess(framework: Framework, sink: string): Promise<{ ns_per_request: number; user_ns: number; system_ns: number; events: number; dropped: number }> {
  const client: EbbClient = createClient({ endpoint: sink, key: 'ebb_srv_bench', flushOnExit: false });
  // A few hundred learners, as an app would see: the user id changes from request to request.
  const users = Array.from({ length: 500 }, (_, i) => `learner-${i}`);
  let handle: (i: number) => void;
  if (framework === 'fastify') {
    const { onRequest, onSend } = fastifyHooks(client);
    const route = { url: '/api/quests/:id' };
    const reply = { statusCode: 200 };
    const payload = '{"hello":"world"}';
    handle = (i) => {
      const headers = { [USER_HEADER]: users[i % users.length], 'user-agent': 'bench/1.0' };
      const req = { method: 'GET', headers, raw: { headers }, ip: '127.0.0.1', routeOptions: route };
      onRequest(req, reply, () => {});
      onSend(req, reply, payload, () => {});
    };
  } else {
    const middleware = ebbExpress(client, { userId });
    // Classes of their own, as Express's request and response are: the middleware notes the route
    // through an accessor on the request's prototype and the end of the response by wrapping `end`
    // on the response's prototype; its per-request slots live in `res.locals`.
    class FakeRequest { method = 'GET'; headers: http.IncomingHttpHeaders = {}; baseUrl = ''; ip = '127.0.0.1'; socket = {}; res: unknown = null; declare route: unknown; }
    class FakeResponse { statusCode = 200; locals = Object.create(null) as object; req: unknown = null; end(): this { return this; } }
    const route = { path: '/api/quests/:id' };
    handle = (i) => {
      const req = new FakeRequest();
      req.headers = { [USER_HEADER]: users[i % users.length], 'user-agent': 'bench/1.0' };
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
      handle(i);
      if (i % 1000 === 999) await client.flush();
    }
    await client.flush();
    const used = process.cpuUsage(c0);
    return { user: (used.user * 1000) / n, system: (used.system * 1000) / n };
  };
  await run(20_000);
  const { user, system } = await run(MICRO);
  const { accepted, dropped } = client.stats();
  await client.close();
  // The system part is mostly the kernel's side of sending the batches.
  return { ns_per_request: Math.round(user + system), user_ns: Math.round(user), system_ns: Math.round(system), events: accepted, dropped };
}

type Load = Awaited<ReturnType<typeof load>>;

const PROFILE_HZ = 999;
/** JavaScript frames (named by --perf-basic-prof), the SDK's among them, its delivery path, Fastify's hook runners, V8's garbage collector. */
const JS_FRAME = / JS:[*~^+-]?/;
const SDK_FRAME = /packages\/sdk-node\/src\//;
/** The client's delivery loop (taking a batch, writing its body, sending it, reading the answer). */
const DELIVERY_FRAME = / JS:[*~^+-]?(pump|pumpSoon) .*packages\/sdk-node\/src\/client\.ts|packages\/sdk-node\/src\/(transport|http-post|http1-post|http1-response)\.ts/;
const HOOK_RUNNER_FRAME = /fastify\/lib\/hooks\.js/;
const GC_FRAME = /v8::internal::(Heap::CollectGarbage|Scavenge|MarkCompact|MinorMarkSweep|ConcurrentMarking)/;

/**
 * Shares (in %) of a `perf script` call-graph profile's samples: the SDK's, the hook runners' own, the
 * garbage collector's. A sample is the SDK's when its innermost JavaScript frame is (the native code
 * below it, the kernel's included, was called for that function), or when the client's delivery is on
 * the stack (Node's HTTP client and the socket work for a batch). Not merely an SDK frame on the stack:
 * Express's `next()` and the wrapped `end`, and Fastify's `done()`, run the rest of the app inside them.
 */
function profileShares(script: string) {
  let samples = 0;
  let sdk = 0;
  let delivery = 0;
  let hookRunner = 0;
  let gc = 0;
  for (const block of script.split(/\n\s*\n/)) {
    const frames = block.split('\n').filter((l) => l.trim().length > 0);
    if (frames.length === 0) continue;
    samples++;
    const innermostJs = frames.find((f) => JS_FRAME.test(f));
    const delivering = frames.some((f) => DELIVERY_FRAME.test(f));
    if (delivering) delivery++;
    if (delivering || (innermostJs !== undefined && SDK_FRAME.test(innermostJs))) sdk++;
    if (innermostJs !== undefined && HOOK_RUNNER_FRAME.test(innermostJs)) hookRunner++;
    if (frames.some((f) => GC_FRAME.test(f))) gc++;
  }
  const pct = (n: number) => (samples > 0 ? Math.round((n / samples) * 10_000) / 100 : Number.NaN);
  return { samples, sdk_pct: pct(sdk), delivery_pct: pct(delivery), hook_runner_pct: pct(hookRunner), gc_pct: pct(gc) };
}

/**
 * Where a tracked app's CPU goes at saturation, beside the bare app's: each app, started with
 * --perf-basic-prof so JavaScript frames have names, under the load generator for --seconds while
 * `perf record -g` samples all its threads. A share within one profile does not move with this
 * machine's speed, which throughput figures do; it counts what runs in the middleware's and the
 * client's own functions (the kernel's part of their sends included), what the hook runners Fastify
 * adds for the hooks cost, and the extra garbage collection, not effects on the rest of the app.
 */
async function profiles(sink: string) {
  try {
    execFileSync('perf', ['--version'], { stdio: 'ignore' });
  } catch {
    throw new Error('--only profile needs perf (apt-get install linux-perf) and the right to profile other processes (root, or kernel.perf_event_paranoid <= 1)');
  }
  const dir = mkdtempSync(path.join(os.tmpdir(), 'ebb-middleware-profile-'));
  const shares = new Map<string, Array<ReturnType<typeof profileShares>>>();
  try {
    for (let round = 0; round < ROUNDS; round++) {
      const apps: App[] = [];
      for (const v of VARIANTS) apps.push(await startApp(v, sink, ['--perf-basic-prof', '--interpreted-frames-native-stack']));
      for (const app of apps) {
        await autocannon({ url: app.url, connections: CONNECTIONS, duration: 1, requests: LEARNER_REQUESTS });
        const data = path.join(dir, `${nameOf(app.variant)}-${round}.data`);
        const perf = promisify(execFile)('perf', ['record', '-g', '-F', String(PROFILE_HZ), '-p', String(app.child.pid), '-o', data, '--', 'sleep', String(SECONDS + 0.3)]);
        await new Promise((r) => setTimeout(r, 150));
        await load(app);
        await perf;
        const { stdout } = await promisify(execFile)('perf', ['script', '-i', data, '-F', 'ip,sym'], { maxBuffer: 1 << 30 });
        (shares.get(nameOf(app.variant)) ?? shares.set(nameOf(app.variant), []).get(nameOf(app.variant))!).push(profileShares(stdout));
      }
      for (const app of apps) {
        await ask(app.child, { cmd: 'stop' });
        // The symbol map and the V8 logs --perf-basic-prof wrote for the process.
        rmSync(path.join(os.tmpdir(), `perf-${app.child.pid}.map`), { force: true });
        const log = new RegExp(`^isolate-0x[0-9a-f]+-${app.child.pid}-v8\\.log$`);
        for (const f of readdirSync(process.cwd())) if (log.test(f)) rmSync(f, { force: true });
      }
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  const results: Record<string, { samples: number; sdk_pct: number; delivery_pct: number; hook_runner_pct: number; gc_pct: number; sdk_pct_rounds: number[] }> = {};
  for (const [name, xs] of shares) {
    results[name] = {
      samples: xs.reduce((a, x) => a + x.samples, 0),
      sdk_pct: median(xs.map((x) => x.sdk_pct)),
      delivery_pct: median(xs.map((x) => x.delivery_pct)),
      hook_runner_pct: median(xs.map((x) => x.hook_runner_pct)),
      gc_pct: median(xs.map((x) => x.gc_pct)),
      sdk_pct_rounds: xs.map((x) => x.sdk_pct),
    };
  }
  // The middleware's direct share of a tracked app's CPU: its own code and the hook runners above the
  // bare app's. Garbage collection is left out: its share moves by points between runs of one app.
  const direct = Object.fromEntries(['fastify', 'express'].map((fw) => {
    const bare = results[fw]!;
    const tracked = results[`${fw}+ebb`]!;
    return [fw, round1(tracked.sdk_pct + (tracked.hook_runner_pct - bare.hook_runner_pct))];
  }));
  return { results, direct_share_pct: direct };
}

/** One framework's bare and tracked app back to back: A B B A (or B A A B), so a drift in the machine's speed counts alike for both. */
async function abba(bare: App, tracked: App, round: number, rate?: number): Promise<{ bare: Load[]; tracked: Load[] }> {
  const order = round % 2 === 0 ? [bare, tracked, tracked, bare] : [tracked, bare, bare, tracked];
  const out = { bare: [] as Load[], tracked: [] as Load[] };
  for (const app of order) (app === bare ? out.bare : out.tracked).push(await load(app, rate));
  return out;
}

const sum = (xs: Load[], f: (x: Load) => number) => xs.reduce((a, x) => a + f(x), 0);

/**
 * What each part of the Fastify middleware costs (see BREAKDOWN). The bare app and the app with the
 * part run at the same time on the app's core, each under a wrk of its own, so the core's time is
 * split between them as they ask for it and a drift in the machine's speed hits both at once; the
 * CPU per request of the two, in the same seconds, gives one ratio per block. Fresh processes every
 * round, the parts interleaved within it. A block's ratio still moves by a few points.
 */
async function breakdown(sink: string) {
  const ratios = new Map<string, number[]>(BREAKDOWN.map((part) => [part, []]));
  for (let round = 0; round < ROUNDS; round++) {
    for (const part of BREAKDOWN) {
      const apps = [await startApp({ framework: 'fastify', setup: 'bare' }, sink), await startApp({ framework: 'fastify', setup: part }, sink)];
      for (const app of apps) await autocannon({ url: app.url, connections: CONNECTIONS, duration: 1, requests: LEARNER_REQUESTS });
      for (let block = 0; block < BLOCKS; block++) {
        const before = await Promise.all(apps.map((a) => ask<{ cpuMicros: number }>(a.child, { cmd: 'usage' })));
        const loads = await Promise.all(apps.map((a) => (LOAD_GENERATOR === 'wrk' ? wrkLoad(a.url) : autocannonLoad(a.url))));
        const after = await Promise.all(apps.map((a) => ask<{ cpuMicros: number }>(a.child, { cmd: 'usage' })));
        const [bare, withPart] = apps.map((_, i) => (after[i]!.cpuMicros - before[i]!.cpuMicros) / loads[i]!.requests);
        ratios.get(part)!.push(withPart! / bare!);
      }
      for (const app of apps) await ask(app.child, { cmd: 'stop' });
    }
  }
  const pct = (ratio: number) => round1((1 - 1 / ratio) * 100);
  return Object.fromEntries([...ratios].map(([part, xs]) => [part, {
    cpu_bound_loss_pct: pct(median(xs)),
    cpu_bound_loss_pct_iqr: [pct(percentile(sorted(xs), 0.25)), pct(percentile(sorted(xs), 0.75))],
    blocks: xs.length,
  }]));
}

/**
 * How long the client holds the event loop to write a full set of request rows into a batch body
 * (once per `batchSize` requests, after the response of the request that filled them): the rows of
 * `batchSize` requests, then one more request, whose recording writes them at once. Median and 90th
 * percentile in microseconds, for a short and a browser-length User-Agent.
 */
async function rowsPause(): Promise<Record<string, { median_us: number; p90_us: number }>> {
  const answer = (async () => new Response(ACCEPTED, { status: 200 })) as unknown as typeof fetch;
  const agents = { short: 'bench/1.0', browser: 'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 Safari/537.36' };
  const requests = Array.from({ length: 100 }, (_, i) => ({ headers: { [USER_HEADER]: `learner-${i + 1}` } }));
  const out: Record<string, { median_us: number; p90_us: number }> = {};
  for (const batchSize of [1000, 250, 100]) {
    for (const [agentName, agent] of Object.entries(agents)) {
      // The endpoint is never reached: `fetch` answers at once, so only the writing is timed.
      const client = createClient({ endpoint: 'http://127.0.0.1:9', key: 'ebb_srv_bench', fetch: answer, batchSize, flushOnExit: false });
      const tracker = createRequestTracker<(typeof requests)[number]>(client, { userId });
      const times: number[] = [];
      for (let round = 0; round < 300; round++) {
        for (let i = 0; i < batchSize; i++) tracker.record(requests[i % 100]!, 'GET', '/api/quests/:id', 200, 0.1 + (i % 9) * 0.01, agent, undefined);
        const t0 = process.hrtime.bigint();
        tracker.record(requests[0]!, 'GET', '/api/quests/:id', 200, 0.1, agent, undefined);
        const t1 = process.hrtime.bigint();
        // The first rounds warm the code up.
        if (round >= 100) times.push(Number(t1 - t0) / 1000);
        await client.flush();
      }
      await client.close();
      const xs = sorted(times);
      out[`batch_${batchSize}_${agentName}_user_agent`] = { median_us: round1(percentile(xs, 0.5)), p90_us: round1(percentile(xs, 0.9)) };
    }
  }
  return out;
}

async function main(): Promise<void> {
  if (PIN) pinTo(process.pid, DRIVER_CPUS);
  const sink = await startSink();
  if (ONLY === 'breakdown') {
    const parts = await breakdown(sink.url);
    const sinkCounts = await sink.close();
    process.stdout.write(`${JSON.stringify({ bench: 'middleware', only: 'breakdown', seconds: SECONDS, rounds: ROUNDS, blocks: BLOCKS, connections: CONNECTIONS, load_generator: LOAD_GENERATOR, pinned: PIN ? { app_cpu: APP_CPU, driver_cpus: DRIVER_CPUS } : false, node: process.version, parts, sink: sinkCounts })}\n`);
    return;
  }
  if (ONLY === 'profile') {
    const profiled = await profiles(sink.url);
    const sinkCounts = await sink.close();
    process.stdout.write(`${JSON.stringify({ bench: 'middleware', only: 'profile', seconds: SECONDS, rounds: ROUNDS, connections: CONNECTIONS, load_generator: LOAD_GENERATOR, frequency_hz: PROFILE_HZ, node: process.version, ...profiled, sink: sinkCounts })}\n`);
    return;
  }
  const inProcessResults = { fastify: await inProcess('fastify', sink.url), express: await inProcess('express', sink.url) };
  if (ONLY === 'in-process') {
    const sinkCounts = await sink.close();
    process.stdout.write(`${JSON.stringify({ bench: 'middleware', only: 'in-process', micro: MICRO, node: process.version, in_process: inProcessResults, rows_pause: await rowsPause(), sink: sinkCounts })}\n`);
    return;
  }
  const seq = new Map<string, number[]>();
  const runs = new Map<string, Load[]>();
  const fixed = new Map<string, Load[]>();
  /** Per framework and round: tracked/bare throughput at saturation, and CPU per request at the fixed rate. */
  const ratios: Record<Framework, { throughput: number[]; cpu: number[] }> = { fastify: { throughput: [], cpu: [] }, express: { throughput: [], cpu: [] } };
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
      await autocannon({ url: app.url, connections: CONNECTIONS, duration: 1, requests: LEARNER_REQUESTS });
    }
    const frameworks = round % 2 === 0 ? (['fastify', 'express'] as const) : (['express', 'fastify'] as const);
    for (const fw of frameworks) {
      const bare = apps.find((a) => nameOf(a.variant) === fw)!;
      const tracked = apps.find((a) => nameOf(a.variant) === `${fw}+ebb`)!;
      const pair = await sequentialPair(bare.url, tracked.url, SEQUENTIAL);
      seq.set(fw, [...(seq.get(fw) ?? []), ...pair.bare]);
      seq.set(`${fw}+ebb`, [...(seq.get(`${fw}+ebb`) ?? []), ...pair.tracked]);
      for (let block = 0; block < BLOCKS; block++) {
        const saturated = await abba(bare, tracked, round + block);
        const atRate = await abba(bare, tracked, round + block, RATE);
        runs.set(fw, [...(runs.get(fw) ?? []), ...saturated.bare]);
        runs.set(`${fw}+ebb`, [...(runs.get(`${fw}+ebb`) ?? []), ...saturated.tracked]);
        fixed.set(fw, [...(fixed.get(fw) ?? []), ...atRate.bare]);
        fixed.set(`${fw}+ebb`, [...(fixed.get(`${fw}+ebb`) ?? []), ...atRate.tracked]);
        const requests = (xs: Load[]) => sum(xs, (x) => x.requests);
        ratios[fw].throughput.push(requests(saturated.tracked) / requests(saturated.bare));
        const cpuPerRequest = (xs: Load[]) => sum(xs, (x) => x.cpu_us) / requests(xs);
        ratios[fw].cpu.push(cpuPerRequest(atRate.tracked) / cpuPerRequest(atRate.bare));
      }
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
    const f = fixed.get(name)!;
    results[name] = {
      sequential_p50_us: round1(percentile(times, 0.5)),
      sequential_p99_us: round1(percentile(times, 0.99)),
      requests_per_s: Math.round(median(r.map((x) => x.requests_per_s))),
      requests_per_s_runs: r.map((x) => Math.round(x.requests_per_s)),
      cpu_share_runs: r.map((x) => round1(x.cpu_share * 100)),
      p50_ms: median(r.map((x) => x.p50_ms)),
      p99_ms: median(r.map((x) => x.p99_ms)),
      cpu_us_per_request: round1(median(r.map((x) => x.cpu_us_per_request))),
      fixed_rate: {
        requests_per_s: Math.round(median(f.map((x) => x.requests_per_s))),
        p99_ms: median(f.map((x) => x.p99_ms)),
        cpu_us_per_request: round1(median(f.map((x) => x.cpu_us_per_request))),
        cpu_us_per_request_runs: f.map((x) => round1(x.cpu_us_per_request)),
      },
      errors: [...r, ...f].reduce((a, x) => a + x.errors, 0),
      client: summed(name),
    };
  }
  const pct = (ratio: number) => round1((1 - ratio) * 100);
  const added = (fw: Framework) => {
    const bare = results[fw] as { sequential_p50_us: number };
    const tracked = results[`${fw}+ebb`] as typeof bare;
    return {
      added_p50_us: round1(tracked.sequential_p50_us - bare.sequential_p50_us),
      // Median of the blocks' tracked/bare ratios, and the middle half of them.
      throughput_loss_pct: pct(median(ratios[fw].throughput)),
      throughput_loss_pct_iqr: [pct(percentile(sorted(ratios[fw].throughput), 0.75)), pct(percentile(sorted(ratios[fw].throughput), 0.25))],
      throughput_loss_pct_blocks: ratios[fw].throughput.map(pct),
      // For an app whose CPU is the limit: the share of its capacity the middleware takes.
      cpu_bound_throughput_loss_pct: pct(1 / median(ratios[fw].cpu)),
      cpu_bound_throughput_loss_pct_iqr: [pct(1 / percentile(sorted(ratios[fw].cpu), 0.25)), pct(1 / percentile(sorted(ratios[fw].cpu), 0.75))],
      cpu_bound_throughput_loss_pct_blocks: ratios[fw].cpu.map((x) => pct(1 / x)),
      in_process_us_per_request: round1(inProcessResults[fw].ns_per_request / 1000),
    };
  };
  process.stdout.write(`${JSON.stringify({
    bench: 'middleware',
    seconds: SECONDS,
    rounds: ROUNDS,
    blocks: BLOCKS,
    connections: CONNECTIONS,
    load_generator: LOAD_GENERATOR,
    pinned: PIN ? { app_cpu: APP_CPU, driver_cpus: DRIVER_CPUS } : false,
    sequential_per_round: SEQUENTIAL,
    fixed_rate: RATE,
    node: process.version,
    results,
    in_process: inProcessResults,
    overhead: { fastify: added('fastify'), express: added('express') },
    sink: { ...sinkCounts, niceness: sink.niceness, pinned: sink.pinned },
  })}\n`);
}

// The same file is the driver and, with --serve, each app process.
if (process.argv[2] === '--serve') {
  await serveApp(process.argv[3] as Framework, process.argv[4] as Setup, process.argv[5]!);
} else if (process.argv[2] === '--sink') {
  await serveSink();
} else {
  await main();
}
