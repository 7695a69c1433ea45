import { LIMITS } from '@ebb/contracts';
import type { EventFields } from './client.ts';
import { createClassifier, type Classification, type ClassificationRule, type RequestFacts } from './classify.ts';

/**
 * What becomes of a finished request: its classification and the event's wire form. Two forms of
 * one rule set: `event()` builds the event object (for clients that only offer `track`), and
 * `json()` writes the same event straight to JSON from the compact record the client keeps per
 * request, with every part that depends only on (method, route, status) built once and cached.
 * Both give the same event; the test suite checks it.
 */
export interface RequestShaper {
  /** The event type and fields, or null when the request is not recorded. */
  event(method: string, route: string, status: number, durationMs: number, endMs: number, userId: string | undefined, userAgent: string | undefined, ip: string | undefined, kind: Classification | undefined, extra: Record<string, unknown> | undefined): { type: string; fields: EventFields } | null;
  /** The same event as JSON with `id`, or null when the request is not recorded. May throw (unserialisable extra props). */
  json(method: string, route: string, status: number, durationMs: number, endMs: number, userId: string | undefined, userAgent: string | undefined, ip: string | undefined, kind: Classification | undefined, extra: Record<string, unknown> | undefined, id: string): string | null;
}

export interface ShaperOptions {
  rules: ReadonlyArray<ClassificationRule>;
  /** Record requests no rule matches as `api_request`; skip them otherwise. */
  recordUnclassified: boolean;
}

/** Parts of a request event that depend only on method, route, status and classification, pre-escaped. */
interface Prepared {
  /** `,"props":{"method":..,"route":..,"status":..,"duration_ms":` */
  propsHead: string;
  /** `}` closing props, then `,"category":..` when there is one. */
  afterProps: string;
  /** `,"error":{..}` for 5xx, else empty. */
  errorPart: string;
  /** `,"type":..}` */
  typeTail: string;
  type: string;
  category: string | undefined;
}

const API_REQUEST: Classification = { type: 'api_request', category: 'api' };
/** Cached (method, route, status) combinations at most; the cache starts over beyond this (routes from masking can be many). */
const CACHE_LIMIT = 4096;
const USER_AGENT_MAX = 512;

const round3 = (ms: number) => Math.round(ms * 1000) / 1000;
/** A number as JSON.stringify writes it. */
const num = (x: number) => (Number.isFinite(x) ? String(x) : 'null');

/**
 * A duration (rounded to microseconds) as JSON text: the same number `String()` gives, written from
 * two small integers, which is several times cheaper than formatting a double.
 */
export function durationText(ms: number): string {
  if (!(ms >= 0 && ms < 1e9)) return num(ms);
  const us = Math.round(ms * 1000);
  const whole = Math.floor(us / 1000);
  const frac = us - whole * 1000;
  if (frac === 0) return String(whole);
  // Trailing zeros dropped, as String() does: 1.5, not 1.500.
  if (frac % 100 === 0) return `${whole}.${frac / 100}`;
  if (frac % 10 === 0) return `${whole}.${frac < 100 ? '0' : ''}${frac / 10}`;
  return `${whole}.${frac < 10 ? '00' : frac < 100 ? '0' : ''}${frac}`;
}

/** IPv4-mapped IPv6 (`::ffff:1.2.3.4`) is sent as the IPv4 address it is. */
export function plainIp(ip: string): string {
  return ip.startsWith('::ffff:') && ip.includes('.') ? ip.slice(7) : ip;
}

export function createRequestShaper(options: ShaperOptions): RequestShaper {
  const classifyByRules = createClassifier(options.rules);
  const { recordUnclassified } = options;
  // route -> method -> status -> Prepared (null: not recorded)
  const cache = new Map<string, Map<string, Map<number, Prepared | null>>>();
  let cached = 0;
  let lastUserAgent: string | undefined;
  let lastUserAgentJson = '';
  let lastUserId: string | undefined;
  let lastUserIdJson = '';
  // Requests that end in the same millisecond share the text of their time (many do under load).
  let lastOccurredAt = Number.NaN;
  let lastOccurredAtText = '';

  function classification(method: string, route: string, status: number, kind: Classification | undefined): Classification | null {
    if (kind !== undefined) return kind;
    const facts: RequestFacts = { method, route, status };
    return classifyByRules(facts) ?? (recordUnclassified ? API_REQUEST : null);
  }

  function prepare(method: string, route: string, status: number, kind: Classification): Prepared {
    return {
      propsHead: `,"props":{"method":${JSON.stringify(method)},"route":${JSON.stringify(route)},"status":${num(status)},"duration_ms":`,
      afterProps: kind.category === undefined ? '}' : `},"category":${JSON.stringify(kind.category)}`,
      errorPart: status >= 500 ? `,"error":${JSON.stringify({ type: `http_${status}`, endpoint: route.slice(0, LIMITS.pathMaxLength), status })}` : '',
      typeTail: `,"type":${JSON.stringify(kind.type)}}`,
      type: kind.type,
      category: kind.category,
    };
  }

  /** The cached parts for a request classified by the rules. */
  function byRules(method: string, route: string, status: number): Prepared | null {
    let byMethod = cache.get(route);
    if (byMethod === undefined) {
      if (cached >= CACHE_LIMIT) {
        cache.clear();
        cached = 0;
      }
      byMethod = new Map();
      cache.set(route, byMethod);
    }
    let byStatus = byMethod.get(method);
    if (byStatus === undefined) {
      byStatus = new Map();
      byMethod.set(method, byStatus);
    }
    let p = byStatus.get(status);
    if (p === undefined) {
      const kind = classification(method, route, status, undefined);
      p = kind === null ? null : prepare(method, route, status, kind);
      byStatus.set(status, p);
      cached++;
    }
    return p;
  }

  function occurredAtText(ms: number): string {
    if (ms !== lastOccurredAt) {
      lastOccurredAt = ms;
      lastOccurredAtText = num(ms);
    }
    return lastOccurredAtText;
  }

  function userIdJson(userId: string): string {
    if (userId !== lastUserId) {
      lastUserId = userId;
      lastUserIdJson = JSON.stringify(userId);
    }
    return lastUserIdJson;
  }

  function userAgentJson(userAgent: string): string {
    if (userAgent !== lastUserAgent) {
      lastUserAgent = userAgent;
      lastUserAgentJson = JSON.stringify(userAgent.slice(0, USER_AGENT_MAX));
    }
    return lastUserAgentJson;
  }

  return {
    event(method, route, status, durationMs, endMs, userId, userAgent, ip, kind, extra) {
      const k = classification(method, route, status, kind);
      if (k === null) return null;
      const duration = round3(durationMs);
      const fields: EventFields = {
        occurredAt: Math.round(endMs - duration),
        props: { method, route, status, duration_ms: duration, ...extra },
      };
      if (k.category !== undefined) fields.category = k.category;
      if (userId !== undefined) fields.userId = userId;
      const ua = userAgent ? userAgent.slice(0, USER_AGENT_MAX) : undefined;
      const addr = ip ? plainIp(ip) : undefined;
      if (ua !== undefined || addr !== undefined) fields.context = { ...(ua !== undefined && { userAgent: ua }), ...(addr !== undefined && { ip: addr }) };
      if (status >= 500) fields.error = { type: `http_${status}`, endpoint: route.slice(0, LIMITS.pathMaxLength), status };
      return { type: k.type, fields };
    },

    json(method, route, status, durationMs, endMs, userId, userAgent, ip, kind, extra, id) {
      const p = kind === undefined ? byRules(method, route, status) : prepare(method, route, status, kind);
      if (p === null) return null;
      const duration = round3(durationMs);
      let out = `{"occurredAt":${occurredAtText(Math.round(endMs - duration))}`;
      if (extra === undefined) {
        out += p.propsHead + durationText(duration) + p.afterProps;
      } else {
        // Extra props may override the standard ones, in place: the object spread decides, as in event().
        out += `,"props":${JSON.stringify({ method, route, status, duration_ms: duration, ...extra })}${p.afterProps.slice(1)}`;
      }
      if (userId !== undefined) out += `,"userId":${userIdJson(userId)}`;
      if (userAgent) {
        out += `,"context":{"userAgent":${userAgentJson(userAgent)}`;
        out += ip ? `,"ip":${JSON.stringify(plainIp(ip))}}` : '}';
      } else if (ip) {
        out += `,"context":{"ip":${JSON.stringify(plainIp(ip))}}`;
      }
      return `${out}${p.errorPart},"id":${JSON.stringify(id)}${p.typeTail}`;
    },
  };
}

/** The app's user id as sent: a non-empty string of at most the allowed length, or nothing. */
export function normalizeUserId(userId: unknown): string | undefined {
  if (userId === null || userId === undefined || userId === '') return undefined;
  const id = typeof userId === 'string' ? userId : String(userId);
  return id.length <= LIMITS.userIdMaxLength ? id : undefined;
}
