import type { IncomingMessage, ServerResponse } from 'node:http';
import type { EbbClient } from './client.ts';
import { maskPath } from './mask-path.ts';
import { createRequestTracker, createSkipCheck, userAgentOf, type RequestTrackingOptions } from './request-recorder.ts';

export interface NodeHttpTrackingOptions extends RequestTrackingOptions<IncomingMessage> {
  /** The route template of a request, asked after the response; default: the path with ids masked (`/quests/:id/start`). */
  routeOf?: (req: IncomingMessage) => string | null | undefined;
}

/**
 * For plain `node:http` servers: call the returned function first in the request handler.
 *
 *   const track = ebbNodeHttp(client, { routeOf: (req) => myRouter.match(req)?.template });
 *   http.createServer((req, res) => { track(req, res); ... });
 */
export function ebbNodeHttp(client: EbbClient, options: NodeHttpTrackingOptions = {}) {
  const tracker = createRequestTracker<IncomingMessage>(client, options);
  const skipped = createSkipCheck(options);
  const routeOf = options.routeOf;

  function routeFor(req: IncomingMessage): string {
    try {
      const route = routeOf?.(req);
      if (route) return route;
    } catch {
      // Fall back to masking.
    }
    return maskPath(req.url ?? '/');
  }

  const START = Symbol('ebb.start');
  type Tracked = IncomingMessage & { [START]?: number };

  // One listener function for every response (no closure per request); `res.req` is the request.
  function onFinish(this: ServerResponse): void {
    try {
      const req = this.req as Tracked;
      tracker.record(
        req,
        req.method ?? 'GET',
        routeFor(req),
        this.statusCode,
        performance.now() - req[START]!,
        tracker.forwardUserAgent ? userAgentOf(req) : undefined,
        tracker.forwardIp ? req.socket.remoteAddress : undefined,
      );
    } catch {
      // Tracking must never disturb the app.
    }
  }

  return function trackRequest(req: IncomingMessage, res: ServerResponse): void {
    if (skipped(req, req.method ?? 'GET')) return;
    (req as Tracked)[START] = performance.now();
    res.on('finish', onFinish);
  };
}
