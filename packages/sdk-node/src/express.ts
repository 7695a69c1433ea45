import type { NextFunction, Request, RequestHandler, Response } from 'express';
import type { EbbClient } from './client.ts';
import { createRequestTracker, createSkipCheck, UNMATCHED_ROUTE, type RequestTrackingOptions } from './request-recorder.ts';

const ROUTE = Symbol('ebb.route');
const BASE = Symbol('ebb.baseUrl');
const START = Symbol('ebb.start');
const patched = new WeakSet<object>();

interface Captured {
  [ROUTE]?: { path?: unknown };
  [BASE]?: string;
  [START]?: number;
}

/**
 * Express restores `req.baseUrl` when an error leaves a mounted router, so by the time a 500 is
 * sent the mount path is gone. An accessor for `route` on the app's request prototype (once per
 * app) notes the mount path at the moment the route is matched.
 */
function captureMountPath(req: Request): void {
  const proto = Object.getPrototypeOf(req) as object | null;
  if (!proto || patched.has(proto)) return;
  patched.add(proto);
  if (Object.prototype.hasOwnProperty.call(proto, 'route')) return;
  Object.defineProperty(proto, 'route', {
    configurable: true,
    get(this: Captured) {
      return this[ROUTE];
    },
    set(this: Captured & Request, value: { path?: unknown }) {
      this[ROUTE] = value;
      this[BASE] = this.baseUrl;
    },
  });
}

/** The matched route template with its router's mount path (`/api` + `/quests/:id`), never the URL. */
export function expressRoute(req: Request): string {
  const path: unknown = req.route?.path;
  if (path === undefined || path === null) return UNMATCHED_ROUTE;
  const template = typeof path === 'string' ? path : Array.isArray(path) ? path.map(String).join('|') : String(path);
  const base = (req as Request & Captured)[BASE] ?? req.baseUrl ?? '';
  if (base === '') return template;
  return template === '/' ? base : base + template;
}

/**
 * Express middleware: records every request as an event once its response has finished. On the
 * request path it only notes the start time and adds one listener.
 *
 *   app.use(ebbExpress(client, { userId: (req) => req.user?.id }));
 */
export function ebbExpress(client: EbbClient, options: RequestTrackingOptions<Request> = {}): RequestHandler {
  const tracker = createRequestTracker<Request>(client, options);
  const skipped = createSkipCheck(options);
  const { forwardUserAgent, forwardIp } = tracker;

  // One listener function for every response (no closure per request); `res.req` is the request.
  function onFinish(this: Response): void {
    try {
      const req = this.req as Request & Captured;
      tracker.record(
        req,
        req.method,
        expressRoute(req),
        this.statusCode,
        performance.now() - req[START]!,
        forwardUserAgent ? req.headers['user-agent'] : undefined,
        forwardIp ? (req.ip ?? req.socket.remoteAddress) : undefined,
      );
    } catch {
      // Tracking must never disturb the app.
    }
  }

  return function ebbRequestTracking(req: Request, res: Response, next: NextFunction): void {
    if (!skipped(req, req.method)) {
      captureMountPath(req);
      (req as Request & Captured)[START] = performance.now();
      res.on('finish', onFinish);
    }
    next();
  };
}
