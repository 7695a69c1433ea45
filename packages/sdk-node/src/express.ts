import type { NextFunction, Request, RequestHandler, Response } from 'express';
import type { EbbClient } from './client.ts';
import { createRequestRecorder, createSkipCheck, UNMATCHED_ROUTE, type RequestTrackingOptions } from './request-recorder.ts';

const ROUTE = Symbol('ebb.route');
const BASE = Symbol('ebb.baseUrl');
const patched = new WeakSet<object>();

interface Captured {
  [ROUTE]?: { path?: unknown };
  [BASE]?: string;
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
  const record = createRequestRecorder<Request>(client, options);
  const skipped = createSkipCheck(options);
  return function ebbRequestTracking(req: Request, res: Response, next: NextFunction): void {
    if (!skipped(req, req.method)) {
      captureMountPath(req);
      const start = performance.now();
      res.once('finish', () => {
        record(req, {
          method: req.method,
          route: expressRoute(req),
          status: res.statusCode,
          durationMs: performance.now() - start,
          userAgent: req.headers['user-agent'],
          ip: req.ip ?? req.socket.remoteAddress,
        });
      });
    }
    next();
  };
}
