import { createServer } from 'node:http';
import express from 'express';
import Fastify from 'fastify';
import { afterEach, describe, expect, it } from 'vitest';
import { ebbExpress } from '../src/express.ts';
import { createRouteTemplateReader, ebbFastify } from '../src/fastify.ts';
import { ebbNodeHttp } from '../src/node-http.ts';
import { closeServer, listen, recordingClient, until } from './helpers.ts';

const cleanup: Array<() => Promise<void>> = [];
afterEach(async () => {
  while (cleanup.length) await cleanup.pop()!();
});

describe('ebbExpress', () => {
  async function app(client: ReturnType<typeof recordingClient>, options: Parameters<typeof ebbExpress>[1] = {}) {
    const a = express();
    a.use((req, _res, next) => {
      (req as unknown as { user?: { id: string } }).user = req.headers['x-user'] ? { id: String(req.headers['x-user']) } : undefined;
      next();
    });
    a.use(ebbExpress(client, { userId: (req) => (req as unknown as { user?: { id: string } }).user?.id, ...options }));
    const api = express.Router();
    api.post('/quests/:questId/start', (_req, res) => void res.json({ ok: true }));
    api.get('/quests/:questId', (_req, res) => void res.json({ ok: true }));
    api.get('/boom', () => {
      throw new Error('handler failed');
    });
    a.use('/api', api);
    a.get('/', (_req, res) => void res.send('home'));
    const server = createServer(a);
    const base = await listen(server);
    cleanup.push(() => closeServer(server));
    return base;
  }

  it('records the route template with its mount path, never the URL, and classifies it', async () => {
    const client = recordingClient();
    const base = await app(client);
    const res = await fetch(`${base}/api/quests/123/start?email=jane@example.com`, { method: 'POST', headers: { 'x-user': 'learner-7', 'user-agent': 'TestAgent/1' } });
    expect(res.status).toBe(200);
    await until(() => client.tracked.length === 1, 'the event');
    const e = client.tracked[0]!;
    expect(e).toMatchObject({ type: 'quest_started', userId: 'learner-7', context: { userAgent: 'TestAgent/1' } });
    expect(e.props).toMatchObject({ method: 'POST', route: '/api/quests/:questId/start', status: 200 });
    expect(typeof e.props!.duration_ms).toBe('number');
    // The URL's parts nowhere in the event's text (numbers left out: a duration or a time may hold 123).
    const text = JSON.stringify(e, (_key, value: unknown) => (typeof value === 'number' ? 0 : value));
    expect(text).not.toContain('123');
    expect(text).not.toContain('jane');
    expect(e.context?.ip).toBeUndefined();
  });

  it('records server errors as api_error with an error payload and unmatched routes without their path', async () => {
    const client = recordingClient();
    const base = await app(client);
    expect((await fetch(`${base}/api/boom`)).status).toBe(500);
    expect((await fetch(`${base}/no/such/page/42`)).status).toBe(404);
    await until(() => client.tracked.length === 2, 'two events');
    const [boom, missing] = client.tracked;
    expect(boom).toMatchObject({ type: 'api_error', error: { type: 'http_500', endpoint: '/api/boom', status: 500 } });
    expect(missing).toMatchObject({ type: 'api_request', category: 'api', props: { route: '(unmatched)', status: 404 } });
  });

  it('keeps serving and still records when the user resolver throws, and skips what it is told to', async () => {
    const client = recordingClient();
    const base = await app(client, {
      userId: () => {
        throw new Error('resolver bug');
      },
      skip: (req) => req.path === '/',
    });
    expect(await (await fetch(`${base}/`)).text()).toBe('home');
    expect((await fetch(`${base}/api/quests/1`)).status).toBe(200);
    await until(() => client.tracked.length === 1, 'one event');
    expect(client.tracked[0]).toMatchObject({ type: 'quest_viewed' });
    expect(client.tracked[0]!.userId).toBeUndefined();
  });

  it('records a request once when its response is ended twice, and routes of a mounted sub-app with their mount path', async () => {
    const client = recordingClient();
    const a = express();
    a.use(ebbExpress(client));
    a.get('/twice', (_req, res) => {
      res.end('one');
      res.end();
    });
    const sub = express();
    sub.get('/badges/:badgeId', (_req, res) => void res.status(201).json({ ok: true }));
    a.use('/sub', sub);
    const server = createServer(a);
    const base = await listen(server);
    cleanup.push(() => closeServer(server));
    expect(await (await fetch(`${base}/twice`)).text()).toBe('one');
    expect((await fetch(`${base}/sub/badges/77`)).status).toBe(201);
    await until(() => client.tracked.length === 2, 'two events');
    await new Promise((r) => setTimeout(r, 50));
    expect(client.tracked.map((e) => [e.type, e.props!.route, e.props!.status])).toEqual([['api_request', '/twice', 200], ['badge_viewed', '/sub/badges/:badgeId', 201]]);
  });

  it('forwards the client address only when asked', async () => {
    const client = recordingClient();
    const base = await app(client, { forwardIp: true, forwardUserAgent: false });
    await fetch(`${base}/api/quests/1`);
    await until(() => client.tracked.length === 1, 'one event');
    expect(client.tracked[0]!.context).toEqual({ ip: '127.0.0.1' });
  });
});

describe('ebbFastify', () => {
  it('records routeOptions.url for every route of the app, including those of encapsulated plugins', async () => {
    const client = recordingClient();
    const app = Fastify();
    await app.register(ebbFastify(client, { userId: (req) => req.headers['x-user'] as string | undefined, unclassified: 'skip' }));
    await app.register(async (child) => {
      child.post('/quests/:questId/complete', async () => ({ ok: true }));
      child.get('/health', async () => ({ ok: true }));
    }, { prefix: '/api' });
    cleanup.push(() => app.close());
    const res = await app.inject({ method: 'POST', url: '/api/quests/9/complete?token=secret', headers: { 'x-user': 'u-1', 'user-agent': 'FastifyAgent/2' } });
    expect(res.statusCode).toBe(200);
    await app.inject({ method: 'GET', url: '/api/health' });
    await until(() => client.tracked.length === 1, 'the event');
    expect(client.tracked[0]).toMatchObject({ type: 'quest_completed', userId: 'u-1', context: { userAgent: 'FastifyAgent/2' }, props: { method: 'POST', route: '/api/quests/:questId/complete', status: 200 } });
    expect(JSON.stringify(client.tracked)).not.toContain('secret');
  });

  it('reads the route template from the route context without routeOptions, and falls back to it', async () => {
    const app = Fastify();
    const seen: Array<[string | undefined, string | undefined]> = [];
    const direct = createRouteTemplateReader();
    // With the installed Fastify the template comes from the route context: routeOptions is not read.
    app.addHook('onRequest', (req, _reply, done) => {
      const expected = req.routeOptions.url;
      Object.defineProperty(req, 'routeOptions', { get: () => { throw new Error('routeOptions was read'); } });
      (req as unknown as { expected?: string }).expected = expected;
      done();
    });
    app.addHook('onResponse', (req, _reply, done) => {
      seen.push([direct(req), (req as unknown as { expected?: string }).expected]);
      done();
    });
    await app.register(async (child) => void child.get('/quests/:id', async () => 'q'), { prefix: '/api' });
    cleanup.push(() => app.close());
    await app.inject({ method: 'GET', url: '/api/quests/5' });
    await app.inject({ method: 'GET', url: '/nothing/here' });
    expect(seen).toEqual([['/api/quests/:id', '/api/quests/:id'], [undefined, undefined]]);
    // A request without the context (another Fastify version) is asked for routeOptions.url.
    const fallback = createRouteTemplateReader();
    expect(fallback({ routeOptions: { url: '/from/options' } } as never)).toBe('/from/options');
  });

  it('times each request from its arrival to its response, errors and 404s included, each once', async () => {
    const client = recordingClient();
    const app = Fastify();
    await app.register(ebbFastify(client));
    app.get('/slow', async () => {
      await new Promise((resolve) => setTimeout(resolve, 40));
      return 'done';
    });
    app.get('/broken', async () => {
      throw new Error('handler failed');
    });
    cleanup.push(() => app.close());
    for (const url of ['/slow', '/broken', '/missing']) await app.inject({ method: 'GET', url });
    await until(() => client.tracked.length === 3, 'three events');
    await new Promise((resolve) => setTimeout(resolve, 20));
    const props = client.tracked.map((e) => e.props as { route: string; status: number; duration_ms: number });
    expect(props.map((p) => [p.route, p.status])).toEqual([['/slow', 200], ['/broken', 500], ['(unmatched)', 404]]);
    expect(props[0]!.duration_ms).toBeGreaterThanOrEqual(35);
    expect(client.tracked).toHaveLength(3);
  });

  it('records a reply once when a later onSend hook fails and Fastify sends the error instead', async () => {
    const client = recordingClient();
    const app = Fastify();
    await app.register(ebbFastify(client));
    app.addHook('onSend', async (req, _reply, payload) => {
      if (req.url === '/api/quests/1') throw new Error('a later hook failed');
      return payload;
    });
    app.get('/api/quests/:id', async () => 'quest');
    cleanup.push(() => app.close());
    expect((await app.inject({ method: 'GET', url: '/api/quests/1' })).statusCode).toBe(500);
    await app.inject({ method: 'GET', url: '/api/quests/2' });
    await until(() => client.tracked.length === 2, 'two events');
    await new Promise((resolve) => setTimeout(resolve, 20));
    // The status is the one the reply had when the plugin's hook ran (README: Overhead).
    expect(client.tracked.map((e) => (e.props as { status: number }).status)).toEqual([200, 200]);
  });

  it('records a request answered by an onRequest hook that runs before its own', async () => {
    const client = recordingClient();
    const app = Fastify();
    // An authentication hook registered ahead of the plugin answers before the plugin notes the time.
    app.addHook('onRequest', async (req, reply) => {
      if (req.headers.authorization === undefined) return reply.code(401).send({ error: 'sign in' });
    });
    await app.register(ebbFastify(client));
    app.get('/api/quests/:id', async () => 'quest');
    cleanup.push(() => app.close());
    expect((await app.inject({ method: 'GET', url: '/api/quests/3' })).statusCode).toBe(401);
    await app.inject({ method: 'GET', url: '/api/quests/4', headers: { authorization: 'Bearer t' } });
    await until(() => client.tracked.length === 2, 'two events');
    const props = client.tracked.map((e) => e.props as { route: string; status: number; duration_ms: number });
    expect(props.map((p) => [p.route, p.status])).toEqual([['/api/quests/:id', 401], ['/api/quests/:id', 200]]);
    expect(props[0]!.duration_ms).toBeGreaterThanOrEqual(0);
  });

  it('lets a custom classifier name, skip or defer to the rules', async () => {
    const client = recordingClient();
    const app = Fastify();
    await app.register(ebbFastify(client, {
      classify: (f) => (f.route.endsWith('/tutor') ? 'tutor_opened' : f.route.endsWith('/ping') ? null : undefined),
    }));
    app.get('/tutor', async () => 'hi');
    app.get('/ping', async () => 'pong');
    app.get('/badges/:id', async () => 'badge');
    cleanup.push(() => app.close());
    for (const url of ['/tutor', '/ping', '/badges/3']) await app.inject({ method: 'GET', url });
    await until(() => client.tracked.length === 2, 'two events');
    expect(client.tracked.map((e) => e.type)).toEqual(['tutor_opened', 'badge_viewed']);
  });
});

describe('ebbNodeHttp', () => {
  it('masks ids in the path by default and uses routeOf when given', async () => {
    const client = recordingClient();
    const masked = ebbNodeHttp(client);
    const routed = ebbNodeHttp(client, { routeOf: (req) => (req.url?.startsWith('/r/') ? '/r/:slug' : undefined) });
    const server = createServer((req, res) => {
      (req.url?.startsWith('/r/') ? routed : masked)(req, res);
      res.writeHead(req.url?.includes('missing') ? 404 : 200).end('ok');
    });
    const base = await listen(server);
    cleanup.push(() => closeServer(server));
    await fetch(`${base}/quests/42/start?x=1`, { method: 'POST', headers: { 'user-agent': 'PlainAgent/3' } });
    await fetch(`${base}/r/my-first-post`);
    await fetch(`${base}/files/missing`, { method: 'OPTIONS' });
    await until(() => client.tracked.length === 2, 'two events');
    expect(client.tracked.map((e) => [e.type, e.props!.route])).toEqual([['quest_started', '/quests/:id/start'], ['api_request', '/r/:slug']]);
    expect(client.tracked[0]!.context).toEqual({ userAgent: 'PlainAgent/3' });
  });
});
