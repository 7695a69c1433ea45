import { requestRecorderOf, type EbbClient } from './client.ts';
import type { Classification, ClassificationRule, RequestFacts } from './classify.ts';
import { DEFAULT_RULES } from './default-rules.ts';
import { createRequestShaper, normalizeUserId } from './request-event.ts';

export interface FinishedRequest extends RequestFacts {
  durationMs: number;
  userAgent?: string | undefined;
  ip?: string | undefined;
}

/** Options shared by the Express, Fastify and node:http middleware. `Req` is the framework's request. */
export interface RequestTrackingOptions<Req> {
  /** The app's user id for the request (e.g. `req => req.user?.id`); pseudonymised by Ebb, never stored. */
  userId?: (req: Req) => string | number | null | undefined;
  /** Classification rules, first match wins. Default `DEFAULT_RULES`; extend with `[...mine, ...DEFAULT_RULES]`. */
  rules?: ReadonlyArray<ClassificationRule>;
  /** Custom classification before the rules: a type, `{type, category}`, `null` to record nothing, `undefined` to fall through. */
  classify?: (facts: RequestFacts, req: Req) => Classification | string | null | undefined;
  /** Requests no rule matches: recorded as `api_request` (default) or skipped. */
  unclassified?: 'record' | 'skip';
  /** Requests not to record, decided when the request arrives. Default: OPTIONS and HEAD. */
  skip?: (req: Req) => boolean;
  /** Send the User-Agent (Ebb keeps only browser, OS and device type). Default true. */
  forwardUserAgent?: boolean;
  /** Send the client address (Ebb truncates it at ingest). Default false. */
  forwardIp?: boolean;
  /** Extra props for the event. */
  props?: (req: Req, facts: RequestFacts) => Record<string, unknown> | undefined;
}

/**
 * A request's User-Agent, read from its raw header lines: reading `headers` makes Node build an object
 * of every header on first use, which an app that never reads one would otherwise skip. The first
 * User-Agent line wins, as in `headers`. Requests without raw lines (test doubles) are read from `headers`.
 */
export function userAgentOf(req: { rawHeaders?: string[]; headers: { 'user-agent'?: string | undefined } }): string | undefined {
  const lines = req.rawHeaders;
  if (!Array.isArray(lines)) return req.headers['user-agent'];
  for (let i = 0; i < lines.length - 1; i += 2) {
    const name = lines[i]!;
    if (name.length === 10 && (name === 'User-Agent' || name === 'user-agent' || name.toLowerCase() === 'user-agent')) return lines[i + 1];
  }
  return undefined;
}

/** The route label of requests no route matched: never the raw URL. */
export const UNMATCHED_ROUTE = '(unmatched)';

const defaultSkip = (method: string) => method === 'OPTIONS' || method === 'HEAD';

/** What the framework middleware hands over of a finished request, positionally: no object per request. */
export interface RequestTracker<Req> {
  record(req: Req, method: string, route: string, status: number, durationMs: number, userAgent: string | undefined, ip: string | undefined): void;
  /** Whether to read the User-Agent at all. */
  readonly forwardUserAgent: boolean;
  /** Whether to read the client address at all. */
  readonly forwardIp: boolean;
}

/**
 * Records finished requests. With a client from `createClient` a request's event is written as JSON
 * straight into the batch body the client is filling, with no event object; any other
 * `EbbClient` is given the event through `track`. The app's callbacks (`userId`, `classify`,
 * `props`) run here, with the request; what they throw is swallowed so the host app never notices.
 */
export function createRequestTracker<Req>(client: EbbClient, options: RequestTrackingOptions<Req> = {}): RequestTracker<Req> {
  const shaper = createRequestShaper({ rules: options.rules ?? DEFAULT_RULES, recordUnclassified: (options.unclassified ?? 'record') === 'record' });
  const fast = requestRecorderOf(client);
  const userIdOf = options.userId;
  const classify = options.classify;
  const propsOf = options.props;
  const forwardUserAgent = options.forwardUserAgent ?? true;
  const forwardIp = options.forwardIp ?? false;

  function record(req: Req, method: string, route: string, status: number, durationMs: number, userAgent: string | undefined, ip: string | undefined): void {
    try {
      // Without a custom classifier the rules decide as the event is written, once per (method, route, status).
      let kind: Classification | undefined;
      let extra: Record<string, unknown> | undefined;
      if (classify !== undefined || propsOf !== undefined) {
        const facts: RequestFacts = { method, route, status };
        if (classify !== undefined) {
          const custom = classify(facts, req);
          if (custom === null) return;
          if (typeof custom === 'string') kind = { type: custom };
          else if (custom !== undefined) kind = custom;
        }
        if (propsOf !== undefined) extra = attempt(propsOf, req, facts);
      }
      let userId: string | undefined;
      if (userIdOf !== undefined) {
        try {
          userId = normalizeUserId(userIdOf(req));
        } catch {
          // The app's resolver failed: the event goes without a user.
        }
      }
      if (!forwardUserAgent) userAgent = undefined;
      if (!forwardIp) ip = undefined;
      if (fast !== undefined) {
        fast(shaper, method, route, status, durationMs, userId, userAgent, ip, kind, extra);
      } else {
        const event = shaper.event(method, route, status, durationMs, Date.now(), userId, userAgent, ip, kind, extra);
        if (event !== null) client.track(event.type, event.fields);
      }
    } catch {
      // Tracking must never disturb the app.
    }
  }

  return { record, forwardUserAgent, forwardIp };
}

/** The app's callback, or undefined when it throws: its bug must not cost the event. */
function attempt<A extends unknown[], R>(fn: ((...args: A) => R) | undefined, ...args: A): R | undefined {
  if (!fn) return undefined;
  try {
    return fn(...args);
  } catch {
    return undefined;
  }
}

/**
 * Turns a finished request into an event and queues it (the framework-independent form of the
 * middleware). Every failure (a throwing resolver, say) is swallowed so the host app never notices.
 */
export function createRequestRecorder<Req>(client: EbbClient, options: RequestTrackingOptions<Req> = {}) {
  const tracker = createRequestTracker(client, options);
  return function record(req: Req, done: FinishedRequest): void {
    try {
      tracker.record(req, done.method, done.route, done.status, done.durationMs, done.userAgent, done.ip);
    } catch {
      // Tracking must never disturb the app.
    }
  };
}

/** Whether a request is left out; checked when it arrives so skipped requests cost nothing more. */
export function createSkipCheck<Req>(options: RequestTrackingOptions<Req>) {
  const skip = options.skip;
  return function skipped(req: Req, method: string): boolean {
    if (skip === undefined) return defaultSkip(method);
    try {
      return skip(req);
    } catch {
      return true;
    }
  };
}
