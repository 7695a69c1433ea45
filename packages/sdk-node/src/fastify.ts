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

  function onResponse(request: FastifyRequest, reply: FastifyReply, done: HookHandlerDoneFunction): void {
    const method = request.method;
    if (!skipped(request, method)) {
      tracker.record(
        request,
        method,
        request.routeOptions.url ?? UNMATCHED_ROUTE,
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
