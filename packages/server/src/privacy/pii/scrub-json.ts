import type { KeyDenyList } from './deny-list.ts';
import { isCardNumber } from './detectors.ts';
import { addRedaction, redactionMarker } from './redactions.ts';
import type { RedactionKind, Redactions } from './redactions.ts';
import { scrubText } from './scrub-text.ts';

/**
 * Scrubs a JSON value (event props): a key on the deny-list loses its whole value, whatever its
 * type; every other string, keys included, goes through the value detectors. Copy-on-write: an
 * object or array is copied only when something inside it changed, so the common case returns
 * the very same reference and allocates nothing.
 */
export function scrubJson(value: unknown, denyList: KeyDenyList, r: Redactions): unknown {
  return walk(value, verdictsFor(denyList), denyList, r);
}

/**
 * What to do with a key, remembered per deny-list (keys repeat from event to event): redact its
 * value as a kind, keep the key as it is, or scrub the key itself (it holds an identifier).
 */
const KEEP_KEY = 0;
const SCRUB_KEY = 1;
type KeyVerdict = RedactionKind | typeof KEEP_KEY | typeof SCRUB_KEY;
type Verdicts = Map<string, KeyVerdict>;

const CACHE_LIMIT = 10_000;
const verdictsByList = new WeakMap<KeyDenyList, Verdicts>();

function verdictsFor(denyList: KeyDenyList): Verdicts {
  let verdicts = verdictsByList.get(denyList);
  if (verdicts === undefined) {
    verdicts = new Map();
    verdictsByList.set(denyList, verdicts);
  }
  return verdicts;
}

function verdict(key: string, verdicts: Verdicts, denyList: KeyDenyList): KeyVerdict {
  let v = verdicts.get(key);
  if (v === undefined) {
    v = denyList.match(key) ?? (scrubText(key, {}) === key ? KEEP_KEY : SCRUB_KEY);
    // A client sending endless distinct keys only resets the cache.
    if (verdicts.size >= CACHE_LIMIT) verdicts.clear();
    verdicts.set(key, v);
  }
  return v;
}

// A card number sent as a JSON number is still a card number. Integers below 10^12 are never
// card numbers (13 digits at least); larger ones pay for one String() and the Luhn test.
function scrubNumber(n: number, r: Redactions): unknown {
  if (n < 1e12 || !Number.isSafeInteger(n) || !isCardNumber(String(n))) return n;
  addRedaction(r, 'card');
  return redactionMarker('card');
}

function walk(v: unknown, verdicts: Verdicts, denyList: KeyDenyList, r: Redactions): unknown {
  if (typeof v === 'string') return scrubText(v, r);
  if (typeof v === 'number') return scrubNumber(v, r);
  if (v === null || typeof v !== 'object') return v;
  if (Array.isArray(v)) {
    let out: unknown[] | null = null;
    for (let i = 0; i < v.length; i++) {
      const item: unknown = v[i];
      const next = walk(item, verdicts, denyList, r);
      if (out === null && next !== item) out = v.slice(0, i);
      if (out !== null) out.push(next);
    }
    return out ?? v;
  }
  const src = v as Record<string, unknown>;
  const keys = Object.keys(src);
  let out: Record<string, unknown> | null = null;
  for (let i = 0; i < keys.length; i++) {
    const key = keys[i]!;
    const item = src[key];
    const what = verdict(key, verdicts, denyList);
    let next: unknown;
    let nextKey = key;
    if (typeof what === 'string') {
      next = redactionMarker(what);
      if (item !== next) addRedaction(r, what);
    } else {
      next = walk(item, verdicts, denyList, r);
      if (what === SCRUB_KEY) nextKey = scrubText(key, r);
    }
    if (out === null && (next !== item || nextKey !== key)) {
      out = {};
      for (let k = 0; k < i; k++) setOwn(out, keys[k]!, src[keys[k]!]);
    }
    if (out !== null) setOwn(out, nextKey, next);
  }
  return out ?? v;
}

/** Assignment that keeps "__proto__" an ordinary own key, as JSON.parse does. */
function setOwn(o: Record<string, unknown>, key: string, value: unknown): void {
  if (key === '__proto__') Object.defineProperty(o, key, { value, enumerable: true, writable: true, configurable: true });
  else o[key] = value;
}
