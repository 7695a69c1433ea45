import type { FastifyInstance, FastifyReply, FastifyRequest, HookHandlerDoneFunction } from 'fastify';
import type { EbbClient } from './client.ts';
import { createRequestTracker, createSkipCheck, UNMATCHED_ROUTE, type RequestTrackingOptions } from './request-recorder.ts';

/**
 * Fastify plugin: an `onResponse` hook (it runs after the response is sent) records each request
 * with its route template `request.routeOptions.url` and Fastify's own `reply.elapsedTime`, so
 * nothing at all is added before the handler.
 *
 *   await app.register(ebbFastify(client, { userId: (req) => req.user?.id }));
 */
export function ebbFastify(client: EbbClient, options: RequestTrackingOptions<FastifyRequest> = {}) {
  const tracker = createRequestTracker<FastifyRequest>(client, options);
  const skipped = createSkipCheck(options);
  const { forwardUserAgent, forwardIp } = tracker;
  const routeOf = createRouteTemplateReader();

  function onResponse(request: FastifyRequest, reply: FastifyReply, done: HookHandlerDoneFunction): void {
    const method = request.method;
    if (!skipped(request, method)) {
      tracker.record(
        request,
        method,
        routeOf(request) ?? UNMATCHED_ROUTE,
        reply.statusCode,
        reply.elapsedTime,
        forwardUserAgent ? request.headers['user-agent'] : undefined,
        forwardIp ? request.ip : undefined,
      );
    }
    done();
  }

  function ebbRequestTracking(app: FastifyInstance, _opts: unknown, done: (err?: Error) => void): void {
    app.addHook('onResponse', onResponse);
    done();
  }
  // Like fastify-plugin: the hook applies to the whole app, not only to an encapsulated child.
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
