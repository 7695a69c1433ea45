import { parseIpv4, parseIpv6 } from '../ip.ts';
import { addRedaction, redactionMarker } from './redactions.ts';
import type { Redactions } from './redactions.ts';
import { scrubText } from './scrub-text.ts';

export interface ScrubUrlOptions {
  /** Query keys whose values are kept (after scrubbing); every other parameter is dropped. */
  allowQueryKeys?: (key: string) => boolean;
}

/** Campaign parameters are what page analytics needs from a query string. */
export const isUtmKey = (key: string): boolean => key.startsWith('utm_');

/** Length of a leading "scheme:" (RFC 3986: a letter, then letters, digits, "+", "-", "."), or 0. */
function schemeLength(s: string): number {
  const first = s.charCodeAt(0) | 32;
  if (!(first >= 97 && first <= 122)) return 0;
  for (let i = 1; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c === 58) return i + 1;
    const lower = c | 32;
    if (!((lower >= 97 && lower <= 122) || (c >= 48 && c <= 57) || c === 43 || c === 45 || c === 46)) return 0;
  }
  return 0;
}
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const SESSION_PARAM = /;(?:jsessionid|phpsessid|sid|sessionid)=[^/;]*/gi;
const ENCODED_MARKER = /%5Bredacted(?::|%3A)([a-z_]+)%5D/g;
const EMAIL_MARKER = redactionMarker('email');

function decode(s: string, plusIsSpace: boolean): string {
  const t = plusIsSpace && s.includes('+') ? s.replace(/\+/g, ' ') : s;
  if (!t.includes('%')) return t;
  try {
    return decodeURIComponent(t);
  } catch {
    return t;
  }
}

/** Percent-encodes a scrubbed value again but leaves the markers readable. */
function encode(s: string, component: boolean): string {
  const encoded = component ? encodeURIComponent(s) : encodeURI(s).replace(/[?#/]/g, encodeURIComponent);
  return encoded.replace(ENCODED_MARKER, '[redacted:$1]');
}

function isAllDigits(s: string): boolean {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 48 || c > 57) return false;
  }
  return true;
}

function maskSegment(segment: string, r: Redactions): string {
  let seg = segment;
  // ";jsessionid=..." in a path is the session cookie itself.
  if (seg.includes(';')) {
    const stripped = seg.replace(SESSION_PARAM, '');
    if (stripped !== seg) {
      addRedaction(r, 'credential');
      seg = stripped;
    }
  }
  // Record ids make every page unique and often name a person: group them.
  if (seg.length >= 6 && isAllDigits(seg)) return ':id';
  if (seg.length === 36 && UUID.test(seg)) return ':id';
  const decoded = decode(seg, false);
  const scrubbed = scrubText(decoded, r);
  if (scrubbed === decoded) return seg;
  if (scrubbed.includes(EMAIL_MARKER)) return EMAIL_MARKER;
  return encode(scrubbed, false);
}

/**
 * Masks a URL path: a segment holding an e-mail becomes `[redacted:email]`, a long numeric id
 * (6+ digits) or a UUID becomes `:id`, other detected values are redacted inside their segment.
 * Segments are percent-decoded before detection ("john%40example.com").
 */
export function maskPath(path: string, r: Redactions): string {
  let out: string | null = null;
  let last = 0;
  let start = 0;
  while (start <= path.length) {
    let end = path.indexOf('/', start);
    if (end < 0) end = path.length;
    // Nothing shorter than six characters can be an id or hold a detectable value.
    if (end - start >= 6) {
      const segment = path.slice(start, end);
      const masked = maskSegment(segment, r);
      if (masked !== segment) {
        out = (out ?? '') + path.slice(last, start) + masked;
        last = end;
      }
    }
    start = end + 1;
  }
  return out === null ? path : out + path.slice(last);
}

function scrubQuery(query: string, r: Redactions, allow: (key: string) => boolean): string {
  let kept = '';
  let start = 0;
  while (start < query.length) {
    let end = query.indexOf('&', start);
    if (end < 0) end = query.length;
    const part = query.slice(start, end);
    start = end + 1;
    if (part === '') continue;
    const eq = part.indexOf('=');
    const rawKey = eq < 0 ? part : part.slice(0, eq);
    const key = decode(rawKey, true);
    if (!allow(key)) continue;
    const scrubbedKey = scrubText(key, r);
    let pair = scrubbedKey === key ? rawKey : encode(scrubbedKey, true);
    if (eq >= 0) {
      const rawValue = part.slice(eq + 1);
      const value = decode(rawValue, true);
      const scrubbed = scrubText(value, r);
      pair += `=${scrubbed === value ? rawValue : encode(scrubbed, true)}`;
    }
    kept += kept === '' ? pair : `&${pair}`;
  }
  return kept;
}

function scrubAuthority(authority: string, r: Redactions): string {
  let hostPort = authority;
  const at = authority.lastIndexOf('@');
  if (at >= 0) {
    // "user:password@host": credentials (or an e-mail used as a login) never stay.
    addRedaction(r, 'credential');
    hostPort = authority.slice(at + 1);
  }
  if (hostPort.startsWith('[')) {
    const close = hostPort.indexOf(']');
    if (close > 0 && parseIpv6(hostPort.slice(1, close)) !== null) {
      addRedaction(r, 'ip');
      return redactionMarker('ip') + hostPort.slice(close + 1);
    }
    return hostPort;
  }
  const colon = hostPort.indexOf(':');
  const host = colon < 0 ? hostPort : hostPort.slice(0, colon);
  if (parseIpv4(host) >= 0) {
    addRedaction(r, 'ip');
    return redactionMarker('ip') + hostPort.slice(host.length);
  }
  return hostPort;
}

/**
 * Scrubs an absolute or relative URL for storage: the fragment is dropped, only allow-listed
 * query parameters stay (default: `utm_*`) with their values scrubbed, credentials and IP hosts
 * are removed from the authority, and the path is masked with `maskPath`.
 */
export function scrubUrl(url: string, r: Redactions, options?: ScrubUrlOptions): string {
  let s = url;
  const hash = s.indexOf('#');
  if (hash >= 0) s = s.slice(0, hash);
  let query = '';
  const q = s.indexOf('?');
  if (q >= 0) {
    query = s.slice(q + 1);
    s = s.slice(0, q);
  }
  const scheme = schemeLength(s);
  let prefix = scheme > 0 ? s.slice(0, scheme) : '';
  let rest = scheme > 0 ? s.slice(scheme) : s;
  if (rest.startsWith('//')) {
    let end = rest.indexOf('/', 2);
    if (end < 0) end = rest.length;
    prefix += `//${scrubAuthority(rest.slice(2, end), r)}`;
    rest = rest.slice(end);
  }
  const path = maskPath(rest, r);
  const kept = query === '' ? '' : scrubQuery(query, r, options?.allowQueryKeys ?? isUtmKey);
  const result = prefix + path + (kept === '' ? '' : `?${kept}`);
  return result === url ? url : result;
}

const UNICODE_HOST = /^[\p{L}\p{N}](?:[\p{L}\p{N}-]*[\p{L}\p{N}])?(?:\.[\p{L}\p{N}](?:[\p{L}\p{N}-]*[\p{L}\p{N}])?)*$/u;

/** Dot-separated labels of letters, digits and inner hyphens (ASCII checked by hand, the rest by regex). */
function isHostName(host: string): boolean {
  let labelStart = 0;
  for (let i = 0; i <= host.length; i++) {
    const c = i < host.length ? host.charCodeAt(i) : 46;
    if (c === 46) {
      if (i === labelStart || host.charCodeAt(labelStart) === 45 || host.charCodeAt(i - 1) === 45) return false;
      labelStart = i + 1;
    } else if (c > 127) {
      return UNICODE_HOST.test(host);
    } else if (!((c >= 97 && c <= 122) || (c >= 48 && c <= 57) || c === 45)) {
      return false;
    }
  }
  return true;
}

const REFERRER_CACHE_LIMIT = 5_000;
const referrerCache = new Map<string, string | null>();

/**
 * The host of an absolute (or protocol-relative) URL for the referrer column: lower-case, no
 * port, no credentials. Null for relative URLs, malformed hosts and IP literals (an address is
 * not a site, and may be someone's). Referrers repeat, so answers are cached (bounded).
 */
export function referrerHost(url: string): string | null {
  const cached = referrerCache.get(url);
  if (cached !== undefined) return cached;
  const host = parseReferrerHost(url);
  if (referrerCache.size >= REFERRER_CACHE_LIMIT) referrerCache.delete(referrerCache.keys().next().value!);
  referrerCache.set(url, host);
  return host;
}

function parseReferrerHost(url: string): string | null {
  const s = url.trim();
  let start: number;
  const scheme = schemeLength(s);
  if (scheme > 0 && s.startsWith('//', scheme)) start = scheme + 2;
  else if (s.startsWith('//')) start = 2;
  else return null;
  let end = start;
  while (end < s.length) {
    const c = s.charCodeAt(end);
    if (c === 47 || c === 63 || c === 35 || c === 92) break; // / ? # \
    end++;
  }
  let hostStart = start;
  for (let i = start; i < end; i++) if (s.charCodeAt(i) === 64) hostStart = i + 1;
  if (s.charCodeAt(hostStart) === 91) return null; // [IPv6]
  let hostEnd = hostStart;
  while (hostEnd < end && s.charCodeAt(hostEnd) !== 58) hostEnd++;
  if (s.charCodeAt(hostEnd - 1) === 46) hostEnd--; // "example.org."
  if (hostEnd <= hostStart || hostEnd - hostStart > 253) return null;
  const host = s.slice(hostStart, hostEnd).toLowerCase();
  if (!isHostName(host) || parseIpv4(host) >= 0) return null;
  return host;
}
