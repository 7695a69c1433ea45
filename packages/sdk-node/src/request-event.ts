import { LIMITS } from '@ebb/contracts';
import type { EventFields } from './client.ts';
import { createClassifier, type Classification, type ClassificationRule, type RequestFacts } from './classify.ts';

/**
 * What becomes of a finished request: its classification and the event's wire form. Two forms of
 * one rule set: `event()` builds the event object (for clients that only offer `track`), and
 * `write()` (and `json()`, for requests with custom classification or props) writes the same event
 * straight to JSON from the request's parts, with every part that depends only on (method, route,
 * status) built once and cached. All give the same event; the test suite checks it.
 */
export interface RequestShaper {
  /** The event type and fields, or null when the request is not recorded. */
  event(method: string, route: string, status: number, durationMs: number, endMs: number, userId: string | undefined, userAgent: string | undefined, ip: string | undefined, kind: Classification | undefined, extra: Record<string, unknown> | undefined): { type: string; fields: EventFields } | null;
  /**
   * The same event as `json()` with the id `<idPrefix><idCounter in base 36>"`, written as UTF-8 into `out` from
   * `at`: returns where it ends, NOT_RECORDED, or DOES_NOT_FIT when it might take `out` past `limit`.
   * For requests classified by the rules, without extra props (the middleware's common case); the
   * rest go through `json()`.
   */
  write(out: Buffer, at: number, limit: number, method: string, route: string, status: number, durationMs: number, endMs: number, userId: string | undefined, userAgent: string | undefined, ip: string | undefined, idPrefix: Buffer, idCounter: number): number;
  /** The same event as JSON with `id`, or null when the request is not recorded. May throw (unserialisable extra props). */
  json(method: string, route: string, status: number, durationMs: number, endMs: number, userId: string | undefined, userAgent: string | undefined, ip: string | undefined, kind: Classification | undefined, extra: Record<string, unknown> | undefined, id: string): string | null;
}

export interface ShaperOptions {
  rules: ReadonlyArray<ClassificationRule>;
  /** Record requests no rule matches as `api_request`; skip them otherwise. */
  recordUnclassified: boolean;
}

export const NOT_RECORDED = -2;
export const DOES_NOT_FIT = -1;

/**
 * Parts of a request event that depend only on method, route, status and classification, pre-escaped.
 * The event is written type first, then props, error and id, then what changes with every request
 * (time, user, context): the constant parts then fall into two runs of bytes, each copied at once.
 */
interface Prepared {
  /** `{"type":..` and `,"category":..` when there is one. */
  typeHead: string;
  /** `,"props":{"method":..,"route":..,"status":..,"duration_ms":` */
  propsHead: string;
  /** `,"error":{..}` for 5xx, else empty. */
  errorPart: string;
  type: string;
  category: string | undefined;
  /** The parts above as UTF-8, for write(): up to the duration, and from the end of props to the id's first digit. */
  bytes: { head: Buffer; mid: Buffer; midPrefix: Buffer | null; fixed: number };
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

const AFTER_ID = Buffer.from('","occurredAt":');
const USER_ID = Buffer.from(',"userId":');
const CONTEXT_USER_AGENT = Buffer.from(',"context":{"userAgent":');
const CONTEXT_IP = Buffer.from(',"context":{"ip":');
const IP = Buffer.from(',"ip":');
/** The most bytes a number written by writeNumber() or writeDuration() takes. */
const NUMBER_MAX = 24;
const DIGITS = Buffer.from('0123456789abcdefghijklmnopqrstuvwxyz');

/** A whole number in 0..2^53 in `radix` (10 or 36) as ASCII digits at `at`; returns where they end. */
function writeWhole(out: Buffer, at: number, n: number, radix: number): number {
  // Digits of the part above 2^31 first, with float division; the rest with int32 division, which is several times cheaper.
  if (n > 0x7fffffff) {
    const base = radix === 10 ? 1e9 : 36 ** 5;
    const width = radix === 10 ? 9 : 5;
    const high = Math.floor(n / base);
    const end = writeWhole(out, at, high, radix);
    let low = n - high * base;
    for (let i = end + width - 1; i >= end; i--) {
      const q = (low / radix) | 0;
      out[i] = DIGITS[low - q * radix]!;
      low = q;
    }
    return end + width;
  }
  let len = 1;
  for (let x = n; x >= radix; x = (x / radix) | 0) len++;
  for (let i = at + len - 1, x = n | 0; i >= at; i--) {
    const q = (x / radix) | 0;
    out[i] = DIGITS[x - q * radix]!;
    x = q;
  }
  return at + len;
}

/** What follows the duration up to the id's value: the end of props, the error when there is one, the id's key. */
const midOf = (errorPart: string) => `}${errorPart},"id":`;

/** Short constant bytes at `at`, one by one: for a few bytes cheaper than a call to TypedArray#set. */
function copyBytes(out: Buffer, at: number, bytes: Buffer): number {
  const n = bytes.length;
  for (let i = 0; i < n; i++) out[at + i] = bytes[i]!;
  return at + n;
}

/**
 * Copies short ASCII text (ids, most user agents) a character at a time, which is cheaper than a
 * call into Buffer.write; with `json`, only text JSON does not escape. Returns where it ends, or -1
 * (nothing to rely on written) when the text is not such.
 */
function copyShortAscii(out: Buffer, at: number, text: string, json: boolean): number {
  const n = text.length;
  if (n > 64) return -1;
  for (let i = 0; i < n; i++) {
    const c = text.charCodeAt(i);
    // Beyond ASCII: more than one byte; control characters, '"' and '\\': escaped by JSON.
    if (c >= 0x80 || (json && (c < 0x20 || c === 0x22 || c === 0x5c))) return -1;
    out[at + i] = c;
  }
  return at + n;
}

/** A string of JSON text at `at`; returns where it ends. */
function writeText(out: Buffer, at: number, text: string): number {
  const end = copyShortAscii(out, at, text, false);
  return end >= 0 ? end : at + out.write(text, at, 'utf8');
}

/** A string as JSON.stringify writes it, as UTF-8; returns where it ends. Short printable ASCII makes no string. */
function writeJsonString(out: Buffer, at: number, text: string): number {
  const end = copyShortAscii(out, at + 1, text, true);
  if (end < 0) return writeText(out, at, JSON.stringify(text));
  out[at] = 0x22; // '"'
  out[end] = 0x22;
  return end + 1;
}

/** A number as JSON.stringify writes it; returns where it ends. */
function writeNumber(out: Buffer, at: number, x: number): number {
  if (Number.isInteger(x) && x >= 0 && x <= Number.MAX_SAFE_INTEGER) return writeWhole(out, at, x, 10);
  return at + out.write(num(x), at, 'latin1');
}

/** A duration rounded to microseconds as durationText() writes it; returns where it ends. */
function writeDuration(out: Buffer, at: number, ms: number): number {
  if (!(ms >= 0 && ms < 1e9)) return at + out.write(num(ms), at, 'latin1');
  const us = Math.round(ms * 1000);
  const whole = Math.floor(us / 1000);
  let frac = us - whole * 1000;
  let end = writeWhole(out, at, whole, 10);
  if (frac === 0) return end;
  out[end++] = 0x2e; // '.'
  // Three decimals, trailing zeros dropped: 1.5, not 1.500.
  let digits = 3;
  while (frac % 10 === 0) {
    frac /= 10;
    digits--;
  }
  for (let i = end + digits - 1; i >= end; i--) {
    out[i] = 0x30 + (frac % 10);
    frac = Math.floor(frac / 10);
  }
  return end + digits;
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
    const typeHead = `{"type":${JSON.stringify(kind.type)}${kind.category === undefined ? '' : `,"category":${JSON.stringify(kind.category)}`}`;
    const propsHead = `,"props":{"method":${JSON.stringify(method)},"route":${JSON.stringify(route)},"status":${num(status)},"duration_ms":`;
    const errorPart = status >= 500 ? `,"error":${JSON.stringify({ type: `http_${status}`, endpoint: route.slice(0, LIMITS.pathMaxLength), status })}` : '';
    const head = Buffer.from(typeHead + propsHead);
    const fixed = head.length + NUMBER_MAX + Buffer.byteLength(midOf(errorPart)) + AFTER_ID.length + NUMBER_MAX + 1;
    // `mid` is made for the first client's id prefix when it first writes.
    return { typeHead, propsHead, errorPart, type: kind.type, category: kind.category, bytes: { head, mid: Buffer.alloc(0), midPrefix: null, fixed } };
  }

  // The last (method, route, status) looked up: under load, runs of requests share it.
  let lastMethod = '';
  let lastRoute = '';
  let lastStatus = -1;
  let lastPrepared: Prepared | null = null;

  /** The cached parts for a request classified by the rules. */
  function byRules(method: string, route: string, status: number): Prepared | null {
    if (status === lastStatus && route === lastRoute && method === lastMethod) return lastPrepared;
    lastPrepared = lookUp(method, route, status);
    lastMethod = method;
    lastRoute = route;
    lastStatus = status;
    return lastPrepared;
  }

  function lookUp(method: string, route: string, status: number): Prepared | null {
    let byMethod = cache.get(route);
    if (byMethod === undefined) {
      if (cached >= CACHE_LIMIT) {
        cache.clear();
        cached = 0;
        lastStatus = -1;
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

    write(out, at, limit, method, route, status, durationMs, endMs, userId, userAgent, ip, idPrefix, idCounter) {
      const p = byRules(method, route, status);
      if (p === null) return NOT_RECORDED;
      const b = p.bytes;
      const agent = userAgent ? userAgentJson(userAgent) : undefined;
      const addr = ip ? JSON.stringify(plainIp(ip)) : undefined;
      // The most it can take: a UTF-16 unit is at most 3 bytes of UTF-8; the id's counter at most 11 digits.
      let bound = b.fixed + idPrefix.length + 12;
      // JSON.stringify writes a UTF-16 unit as at most 6 characters (\u001f), and 6 bytes.
      if (userId !== undefined) bound += USER_ID.length + 2 + userId.length * 6;
      if (agent !== undefined || addr !== undefined) bound += CONTEXT_USER_AGENT.length + IP.length + 1 + (agent?.length ?? 0) * 3 + (addr?.length ?? 0) * 3;
      if (at + bound > limit) return DOES_NOT_FIT;
      if (b.midPrefix !== idPrefix) {
        // The end of props and the id's prefix are one run of bytes for the client that writes here.
        b.mid = Buffer.concat([Buffer.from(midOf(p.errorPart)), idPrefix]);
        b.midPrefix = idPrefix;
      }
      const duration = round3(durationMs);
      out.set(b.head, at);
      at = writeDuration(out, at + b.head.length, duration);
      out.set(b.mid, at);
      at = writeWhole(out, at + b.mid.length, idCounter, 36);
      at = copyBytes(out, at, AFTER_ID);
      at = writeNumber(out, at, Math.round(endMs - duration));
      if (userId !== undefined) at = writeJsonString(out, copyBytes(out, at, USER_ID), userId);
      if (agent !== undefined) {
        at = writeText(out, copyBytes(out, at, CONTEXT_USER_AGENT), agent);
        if (addr !== undefined) at = writeText(out, copyBytes(out, at, IP), addr);
        out[at++] = 0x7d; // '}'
      } else if (addr !== undefined) {
        at = writeText(out, copyBytes(out, at, CONTEXT_IP), addr);
        out[at++] = 0x7d;
      }
      out[at] = 0x7d;
      return at + 1;
    },

    json(method, route, status, durationMs, endMs, userId, userAgent, ip, kind, extra, id) {
      const p = kind === undefined ? byRules(method, route, status) : prepare(method, route, status, kind);
      if (p === null) return null;
      const duration = round3(durationMs);
      let out = p.typeHead;
      if (extra === undefined) {
        out += `${p.propsHead}${durationText(duration)}}`;
      } else {
        // Extra props may override the standard ones, in place: the object spread decides, as in event().
        out += `,"props":${JSON.stringify({ method, route, status, duration_ms: duration, ...extra })}`;
      }
      out += `${p.errorPart},"id":${JSON.stringify(id)},"occurredAt":${occurredAtText(Math.round(endMs - duration))}`;
      if (userId !== undefined) out += `,"userId":${userIdJson(userId)}`;
      if (userAgent) {
        out += `,"context":{"userAgent":${userAgentJson(userAgent)}`;
        out += ip ? `,"ip":${JSON.stringify(plainIp(ip))}}` : '}';
      } else if (ip) {
        out += `,"context":{"ip":${JSON.stringify(plainIp(ip))}}`;
      }
      return `${out}}`;
    },
  };
}

/** The app's user id as sent: a non-empty string of at most the allowed length, or nothing. */
export function normalizeUserId(userId: unknown): string | undefined {
  if (userId === null || userId === undefined || userId === '') return undefined;
  const id = typeof userId === 'string' ? userId : String(userId);
  return id.length <= LIMITS.userIdMaxLength ? id : undefined;
}
