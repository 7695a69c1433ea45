import type { IncomingMessage, ServerResponse } from 'node:http';
import type { EbbClient } from './client.ts';
import { maskPath } from './mask-path.ts';
import { createRequestRecorder, createSkipCheck, type RequestTrackingOptions } from './request-recorder.ts';

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
  const record = createRequestRecorder<IncomingMessage>(client, options);
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

  return function trackRequest(req: IncomingMessage, res: ServerResponse): void {
    const method = req.method ?? 'GET';
    if (skipped(req, method)) return;
    const start = performance.now();
    res.once('finish', () => {
      record(req, {
        method,
        route: routeFor(req),
        status: res.statusCode,
        durationMs: performance.now() - start,
        userAgent: req.headers['user-agent'],
        ip: req.socket.remoteAddress,
      });
    });
  };
}
