import type { NextFunction, Request, RequestHandler, Response } from 'express';
import type { EbbClient } from './client.ts';
import { createRequestTracker, createSkipCheck, UNMATCHED_ROUTE, userAgentOf, type RequestTrackingOptions } from './request-recorder.ts';

const ROUTE = Symbol('ebb.route');
const BASE = Symbol('ebb.baseUrl');
const START = Symbol('ebb.start');
const ON_END = Symbol('ebb.onEnd');
const patchedRequests = new WeakSet<object>();
const patchedResponses = new WeakSet<object>();

/** What the middleware keeps per request, under symbols nothing else sees. */
interface Slots {
  [ROUTE]?: { path?: unknown };
  [BASE]?: string;
  [START]?: number;
  [ON_END]?: ((res: Response, slots: Slots) => void) | undefined;
}

/**
 * Where a request's slots live: Express's `res.locals`, an object Express makes for every response
 * (symbol keys are invisible to templates, `Object.keys` and JSON). Adding properties to Express's
 * request or response objects themselves is slow (about 1.5 µs each, measured: their prototypes
 * are swapped per request, so every addition makes a new hidden class); a store into `locals` is not.
 */
const fallback = new WeakMap<object, Slots>();
function slotsOf(res: Response | undefined): Slots | undefined {
  if (res === undefined || res === null) return undefined;
  const locals = res.locals as unknown;
  if (typeof locals === 'object' && locals !== null) return locals as Slots;
  let s = fallback.get(res);
  if (s === undefined) {
    s = {};
    fallback.set(res, s);
  }
  return s;
}

type End = (this: Response, chunk?: unknown, encoding?: unknown, callback?: unknown) => unknown;

/**
 * Express restores `req.baseUrl` when an error leaves a mounted router, so by the time a 500 is
 * sent the mount path is gone. An accessor for `route` on the app's request prototype (once per
 * app; sub-apps inherit it) notes the mount path at the moment the route is matched. It keeps the
 * route in the request's slots, so the router's `req.route = route` adds no property to `req`.
 */
function captureMountPath(req: Request): void {
  const proto = Object.getPrototypeOf(req) as object | null;
  if (!proto || patchedRequests.has(proto)) return;
  patchedRequests.add(proto);
  if (Object.prototype.hasOwnProperty.call(proto, 'route')) return;
  Object.defineProperty(proto, 'route', {
    configurable: true,
    get(this: Request) {
      return slotsOf(this.res)?.[ROUTE];
    },
    set(this: Request, value: { path?: unknown }) {
      const slots = slotsOf(this.res);
      if (slots === undefined) return;
      slots[ROUTE] = value;
      slots[BASE] = this.baseUrl;
    },
  });
}

/**
 * Tells the middleware when a response ends, without a listener per response: `end` on the app's
 * response prototype (once per app; sub-apps inherit it) calls the original, then the middleware's
 * callback, once.
 */
function noteEnds(res: Response): void {
  const proto = Object.getPrototypeOf(res) as { end?: End } | null;
  if (!proto || patchedResponses.has(proto)) return;
  patchedResponses.add(proto);
  const end = proto.end;
  if (typeof end !== 'function') return;
  proto.end = function ebbEnd(this: Response, chunk?: unknown, encoding?: unknown, callback?: unknown) {
    const out = end.call(this, chunk, encoding, callback);
    const slots = this.locals as Slots | undefined;
    const onEnd = slots?.[ON_END] ?? fallback.get(this)?.[ON_END];
    if (onEnd !== undefined) {
      const s = slotsOf(this)!;
      s[ON_END] = undefined;
      onEnd(this, s);
    }
    return out;
  };
}

/** The matched route template with its router's mount path (`/api` + `/quests/:id`), never the URL. */
export function expressRoute(req: Request): string {
  const path: unknown = req.route?.path;
  if (path === undefined || path === null) return UNMATCHED_ROUTE;
  const template = typeof path === 'string' ? path : Array.isArray(path) ? path.map(String).join('|') : String(path);
  const base = slotsOf(req.res)?.[BASE] ?? req.baseUrl ?? '';
  if (base === '') return template;
  return template === '/' ? base : base + template;
}

/**
 * Express middleware: records every request as an event once its response has ended. On the
 * request path it notes the start time; the rest happens after `res.end`.
 *
 *   app.use(ebbExpress(client, { userId: (req) => req.user?.id }));
 */
export function ebbExpress(client: EbbClient, options: RequestTrackingOptions<Request> = {}): RequestHandler {
  const tracker = createRequestTracker<Request>(client, options);
  const skipped = createSkipCheck(options);
  const { forwardUserAgent, forwardIp } = tracker;

  function onEnd(res: Response, slots: Slots): void {
    try {
      const req = res.req;
      tracker.record(
        req,
        req.method,
        expressRoute(req),
        res.statusCode,
        performance.now() - slots[START]!,
        forwardUserAgent ? userAgentOf(req) : undefined,
        forwardIp ? (req.ip ?? req.socket.remoteAddress) : undefined,
      );
    } catch {
      // Tracking must never disturb the app.
    }
  }

  return function ebbRequestTracking(req: Request, res: Response, next: NextFunction): void {
    if (!skipped(req, req.method)) {
      captureMountPath(req);
      noteEnds(res);
      const slots = slotsOf(res);
      if (slots !== undefined) {
        slots[START] = performance.now();
        slots[ON_END] = onEnd;
      }
    }
    next();
  };
}
