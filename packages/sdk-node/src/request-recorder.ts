import { LIMITS } from '@ebb/contracts';
import type { EbbClient, EventFields } from './client.ts';
import { createClassifier, type Classification, type ClassificationRule, type RequestFacts } from './classify.ts';
import { DEFAULT_RULES } from './default-rules.ts';

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

/** The route label of requests no route matched: never the raw URL. */
export const UNMATCHED_ROUTE = '(unmatched)';

const defaultSkip = (method: string) => method === 'OPTIONS' || method === 'HEAD';

/** The app's callback, or undefined when it throws: its bug must not cost the event. */
function attempt<A extends unknown[], R>(fn: ((...args: A) => R) | undefined, ...args: A): R | undefined {
  if (!fn) return undefined;
  try {
    return fn(...args);
  } catch {
    return undefined;
  }
}

/** IPv4-mapped IPv6 (`::ffff:1.2.3.4`) is sent as the IPv4 address it is. */
function plainIp(ip: string): string {
  return ip.startsWith('::ffff:') && ip.includes('.') ? ip.slice(7) : ip;
}

/**
 * Turns a finished request into an event and queues it. Runs after the response is sent; every
 * failure (a throwing resolver, say) is swallowed so the host app never notices.
 */
export function createRequestRecorder<Req>(client: EbbClient, options: RequestTrackingOptions<Req> = {}) {
  const classifyByRules = createClassifier(options.rules ?? DEFAULT_RULES);
  const recordUnclassified = (options.unclassified ?? 'record') === 'record';
  const forwardUserAgent = options.forwardUserAgent ?? true;
  const forwardIp = options.forwardIp ?? false;

  function classify(facts: RequestFacts, req: Req): Classification | null {
    if (options.classify) {
      const custom = options.classify(facts, req);
      if (custom === null) return null;
      if (typeof custom === 'string') return { type: custom };
      if (custom !== undefined) return custom;
    }
    return classifyByRules(facts) ?? (recordUnclassified ? { type: 'api_request', category: 'api' } : null);
  }

  return function record(req: Req, done: FinishedRequest): void {
    try {
      const facts: RequestFacts = { method: done.method, route: done.route, status: done.status };
      const kind = classify(facts, req);
      if (kind === null) return;
      const durationMs = Math.round(done.durationMs * 1000) / 1000;
      const fields: EventFields = {
        occurredAt: Math.round(Date.now() - durationMs),
        props: { method: facts.method, route: facts.route, status: facts.status, duration_ms: durationMs, ...attempt(options.props, req, facts) },
      };
      if (kind.category !== undefined) fields.category = kind.category;
      const userId = attempt(options.userId, req);
      if (userId !== null && userId !== undefined && userId !== '') {
        const id = String(userId);
        if (id.length <= LIMITS.userIdMaxLength) fields.userId = id;
      }
      const userAgent = forwardUserAgent && done.userAgent ? done.userAgent.slice(0, 512) : undefined;
      const ip = forwardIp && done.ip ? plainIp(done.ip) : undefined;
      if (userAgent !== undefined || ip !== undefined) fields.context = { ...(userAgent !== undefined && { userAgent }), ...(ip !== undefined && { ip }) };
      if (facts.status >= 500) fields.error = { type: `http_${facts.status}`, endpoint: facts.route.slice(0, LIMITS.pathMaxLength), status: facts.status };
      client.track(kind.type, fields);
    } catch {
      // Tracking must never disturb the app.
    }
  };
}

/** Whether a request is left out; checked when it arrives so skipped requests cost nothing more. */
export function createSkipCheck<Req>(options: RequestTrackingOptions<Req>) {
  return function skipped(req: Req, method: string): boolean {
    try {
      return options.skip ? options.skip(req) : defaultSkip(method);
    } catch {
      return true;
    }
  };
}
