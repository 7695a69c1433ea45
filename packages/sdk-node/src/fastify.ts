import { performance } from 'node:perf_hooks';
import type { FastifyInstance, FastifyReply, FastifyRequest, HookHandlerDoneFunction } from 'fastify';
import type { EbbClient } from './client.ts';
import { createRequestTracker, createSkipCheck, UNMATCHED_ROUTE, userAgentOf, type RequestTrackingOptions } from './request-recorder.ts';

/** A request's start time: not yet started (another onRequest hook answered first) or already recorded. */
const NOT_STARTED = -1;
const RECORDED = -2;

/**
 * Fastify plugin: an `onRequest` hook notes the time, an `onSend` hook records the request with its
 * route template and the time until its response was handed over. Not `onResponse`: any
 * `onResponse` hook makes Fastify add two listeners and two clock reads to every response, which on a
 * hello-world app without a logger cost more than the recording itself (about 8 % of its throughput).
 *
 *   await app.register(ebbFastify(client, { userId: (req) => req.user?.id }));
 */
export function ebbFastify(client: EbbClient, options: RequestTrackingOptions<FastifyRequest> = {}) {
  const tracker = createRequestTracker<FastifyRequest>(client, options);
  const skipped = createSkipCheck(options);
  const { forwardUserAgent, forwardIp } = tracker;
  const routeOf = createRouteTemplateReader();
  // Declared as a decorator so every request object is built with the slot: setting it is then a
  // plain store, not a change of the object's shape.
  const startedAt = Symbol('ebb.startedAt');
  type Timed = FastifyRequest & { [startedAt]: number };

  function onRequest(request: FastifyRequest, _reply: FastifyReply, done: HookHandlerDoneFunction): void {
    (request as Timed)[startedAt] = performance.now();
    done();
  }

  function onSend(request: FastifyRequest, reply: FastifyReply, payload: unknown, done: (err: null, payload: unknown) => void): void {
    const started = (request as Timed)[startedAt];
    // A reply whose sending failed in a later hook is sent again (as the error): recorded once.
    if (started !== RECORDED) {
      (request as Timed)[startedAt] = RECORDED;
      const method = request.method;
      if (!skipped(request, method)) {
        tracker.record(
          request,
          method,
          routeOf(request) ?? UNMATCHED_ROUTE,
          reply.statusCode,
          // Answered by an onRequest hook that ran before this plugin's: Fastify's own timing, when it keeps one.
          started === NOT_STARTED ? reply.elapsedTime : performance.now() - started,
          forwardUserAgent ? userAgentOf(request.raw) : undefined,
          forwardIp ? request.ip : undefined,
        );
      }
    }
    done(null, payload);
  }

  function ebbRequestTracking(app: FastifyInstance, _opts: unknown, done: (err?: Error) => void): void {
    app.decorateRequest(startedAt as unknown as string, NOT_STARTED);
    app.addHook('onRequest', onRequest);
    app.addHook('onSend', onSend);
    done();
  }
  // Like fastify-plugin: the hooks apply to the whole app, not only to an encapsulated child.
  Object.assign(ebbRequestTracking, { [Symbol.for('skip-override')]: true, [Symbol.for('fastify.display-name')]: '@ebb/sdk-node' });
  return ebbRequestTracking;
}

/**
 * The route template of a request (undefined when no route matched). `request.routeOptions` builds
 * an object of thirteen fields on every read, half a microsecond a request under load; the
 * template it takes from the request's route context is read here directly, the context found
 * once by its symbol. Should a Fastify version keep it elsewhere, `routeOptions.url` is used.
 */
export function createRouteTemplateReader(): (request: FastifyRequest) => string | undefined {
  let contextKey: symbol | null | undefined; // undefined: not looked for yet; null: not there
  return function routeOf(request) {
    if (contextKey === undefined) contextKey = Object.getOwnPropertySymbols(request).find((k) => k.description === 'fastify.context') ?? null;
    if (contextKey !== null) {
      const context = (request as unknown as Record<symbol, { config?: { url?: unknown } } | undefined>)[contextKey];
      if (typeof context === 'object' && context !== null) {
        const url = context.config?.url;
        if (url === undefined || typeof url === 'string') return url;
      }
    }
    return request.routeOptions.url;
  };
}
