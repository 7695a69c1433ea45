import { createServer } from 'node:http';
import express from 'express';
import Fastify from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../../server/test/helpers/harness.ts';
import { createClient, type ClientOptions, type EbbClient } from '../src/client.ts';
import { ebbExpress } from '../src/express.ts';
import { ebbFastify } from '../src/fastify.ts';
import { startFaultProxy } from './fault-proxy.ts';
import { closeServer, listen, until } from './helpers.ts';

let ebb: TestServer;
let ebbUrl: string;

beforeAll(async () => {
  ebb = await startTestServer();
  ebbUrl = await ebb.app.listen({ port: 0, host: '127.0.0.1' });
});
afterAll(async () => {
  await ebb?.close();
});

const fastRetry: Partial<ClientOptions> = {
  batchSize: 5, flushIntervalMs: 50, timeoutMs: 500, flushOnExit: false,
  retry: { baseDelayMs: 50, maxDelayMs: 400, maxElapsedMs: 60_000 },
};

interface App {
  url: string;
  close(): Promise<void>;
}

/**
 * The same small learning app under each framework's middleware; `x-n` numbers each request and
 * `tag` marks the events of one run, so runs can share one Ebb. The client is the real one, so
 * requests go through its own request path.
 */
const frameworks: Record<string, (client: EbbClient, tag: string) => Promise<App>> = {
  async express(client, tag) {
    const app = express();
    app.use(ebbExpress(client, { userId: (req) => req.header('x-user'), props: (req) => ({ n: Number(req.header('x-n')), framework: tag }) }));
    app.post('/api/quests/:questId/start', (_req, res) => void res.json({ started: true }));
    const server = createServer(app);
    const url = await listen(server);
    return { url, close: () => closeServer(server) };
  },
  async fastify(client, tag) {
    const app = Fastify();
    await app.register(ebbFastify(client, { userId: (req) => req.headers['x-user'] as string, props: (req) => ({ n: Number(req.headers['x-n']), framework: tag }) }));
    app.post('/api/quests/:questId/start', async () => ({ started: true }));
    const url = await app.listen({ port: 0, host: '127.0.0.1' });
    return { url, close: () => app.close() };
  },
};

async function hit(app: App, n: number): Promise<number> {
  const res = await fetch(`${app.url}/api/quests/${1000 + n}/start`, { method: 'POST', headers: { 'x-n': String(n), 'x-user': `learner-${n % 7}` } });
  await res.arrayBuffer();
  return res.status;
}

/** The `n` of every stored request event of one framework's run, sorted. */
async function storedNumbers(framework: string): Promise<number[]> {
  const rows = await ebb.query<{ n: string }>(
    `SELECT json_extract_string(props, '$.n') AS n FROM events WHERE tenant_id = $1 AND type = 'quest_started' AND json_extract_string(props, '$.route') = '/api/quests/:questId/start' AND json_extract_string(props, '$.framework') = $2`,
    [ebb.tenant.tenantId, framework],
  );
  return rows.map((r) => Number(r.n)).sort((a, b) => a - b);
}

describe.each(Object.keys(frameworks))('%s app with the Ebb middleware, Ebb misbehaving', (framework) => {
  it('keeps serving while Ebb is down, overloaded or hanging, and stores every event exactly once when Ebb recovers', async () => {
    const proxy = await startFaultProxy(ebbUrl);
    const client = createClient({ endpoint: proxy.url, key: ebb.tenant.keys.server, ...fastRetry });
    const app = await frameworks[framework]!(client, framework);
    try {
      let n = 0;
      const statuses: number[] = [];
      for (const mode of ['down', 'overloaded', 'hold'] as const) {
        proxy.setMode(mode);
        for (let i = 0; i < 15; i++) statuses.push(await hit(app, n++));
        // While held, the client times out and sends the same batch again.
        await until(() => proxy.seen[mode] >= (mode === 'hold' ? 2 : 1), `the client to meet Ebb ${mode}`);
      }
      // Every request was answered although Ebb never answered one of its own.
      expect(statuses).toEqual(Array(45).fill(200));
      expect(proxy.held()).toBeGreaterThan(0);
      expect(client.stats().accepted).toBe(0);

      proxy.setMode('pass');
      await client.flush({ timeoutMs: 30_000 });
      const s = client.stats();
      expect(s).toMatchObject({ dropped: 0, queued: 0, inFlight: 0, rejected: 0 });
      expect(s.retries).toBeGreaterThan(0);
      // A held request that the client had given up on was stored when it finally arrived, so
      // its retry came back as a duplicate.
      expect(s.duplicates).toBeGreaterThan(0);
      expect(s.accepted + s.duplicates).toBeGreaterThanOrEqual(45);

      // Held requests landed late, beside their retries: Ebb deduplicated them by event id.
      expect(await storedNumbers(framework)).toEqual(Array.from({ length: 45 }, (_, i) => i));
      const leaked = await ebb.query<{ c: bigint }>(`SELECT count(*) AS c FROM events WHERE tenant_id = $1 AND (CAST(props AS VARCHAR) LIKE '%learner-%' OR page_path LIKE '%100%')`, [ebb.tenant.tenantId]);
      expect(Number(leaked[0]!.c)).toBe(0);
      const linked = await ebb.query<{ c: bigint }>(`SELECT count(*) AS c FROM events WHERE tenant_id = $1 AND json_extract_string(props, '$.framework') = $2 AND subject_id IS NOT NULL`, [ebb.tenant.tenantId, framework]);
      expect(Number(linked[0]!.c)).toBe(45);
    } finally {
      await app.close();
      await client.close({ timeoutMs: 1000 });
      await proxy.close();
    }
  });
});

describe('bounded queue against a down Ebb', () => {
  it('holds at most maxQueue events, counts the overflow, and delivers the held ones when Ebb is back', async () => {
    const proxy = await startFaultProxy(ebbUrl);
    proxy.setMode('down');
    const client = createClient({ endpoint: proxy.url, key: ebb.tenant.keys.server, ...fastRetry, maxQueue: 30 });
    const app = await frameworks.express!(client, 'bounded');
    try {
      for (let n = 0; n < 100; n++) expect(await hit(app, n)).toBe(200);
      const s = client.stats();
      expect(s.queued + s.inFlight).toBeLessThanOrEqual(30);
      expect(s.droppedBy.queueFull).toBe(70);
      proxy.setMode('pass');
      await client.flush({ timeoutMs: 30_000 });
      expect(client.stats()).toMatchObject({ accepted: 30, dropped: 70 });
      expect(await storedNumbers('bounded')).toEqual(Array.from({ length: 30 }, (_, i) => i));
    } finally {
      await app.close();
      await client.close({ timeoutMs: 1000 });
      await proxy.close();
    }
  });

  it('keeps serving when nothing listens at the endpoint at all', async () => {
    const client = createClient({ endpoint: 'http://127.0.0.1:9', key: ebb.tenant.keys.server, ...fastRetry, retry: { baseDelayMs: 20, maxDelayMs: 50, maxElapsedMs: 300 } });
    const app = await frameworks.fastify!(client, 'unreachable');
    try {
      for (let n = 0; n < 10; n++) expect(await hit(app, n)).toBe(200);
      await until(() => client.stats().droppedBy.retriesExhausted === 10, 'the retry window to pass');
    } finally {
      await app.close();
      await client.close({ timeoutMs: 100 });
    }
  });
});
