import { parseIpv4, parseIpv6 } from '../ip.ts';
import { dniLetter, ibanValid, luhnValid, nirKeyValid } from './checksums.ts';
import { addRedaction, redactionMarker } from './redactions.ts';
import type { RedactionKind, Redactions } from './redactions.ts';
import {
  colonCount,
  digitCount,
  dotCount,
  hasAt,
  hasEquals,
  hasPercent,
  hasQuote,
  hasUpperB,
  longestBase64Run,
  longestDigitRun,
  longestTokenRun,
} from './text-profile.ts';

/**
 * Value detectors: each finds one kind of direct identifier inside free text and replaces it by
 * `[redacted:<kind>]`. Every detector has a gate on the text profile (see text-profile.ts) so the
 * common case costs one pass over the string and no regular expression, and every detector returns
 * its input unchanged (the same string, nothing allocated) when it finds nothing.
 *
 * Regular expressions only find candidates; checksums and shape rules decide (Luhn for cards,
 * mod 97 for IBANs, check letters for national ids, a real parser for IP addresses), which keeps
 * scores, dates, versions and ids out of the redactions.
 */
export interface Detector {
  readonly kind: RedactionKind;
  /** False when the text (by its profile, see text-profile.ts) cannot hold a match: the detector is skipped. */
  readonly mayMatch: (profile: number, s: string) => boolean;
  /** Replaces every match and counts it in `r`; returns `s` itself when nothing matched. */
  readonly redact: (s: string, r: Redactions) => string;
}

/**
 * Returns the replacement for `s.slice(m.index, re.lastIndex)`, or null to keep the match. It may
 * lower `re.lastIndex` to consume less than the whole candidate (the rest is scanned again).
 */
type Decide = (m: RegExpExecArray, r: Redactions) => string | null;

/** Runs a global regex over `s` and applies `decide` to each match; returns `s` itself when nothing is replaced. */
function replaceMatches(s: string, re: RegExp, decide: Decide, r: Redactions): string {
  re.lastIndex = 0;
  let out: string | null = null;
  let last = 0;
  let m: RegExpExecArray | null;
  while ((m = re.exec(s)) !== null) {
    const replacement = decide(m, r);
    if (replacement !== null) {
      out = (out ?? '') + s.slice(last, m.index) + replacement;
      last = re.lastIndex;
    }
    if (re.lastIndex <= m.index) re.lastIndex = m.index + 1;
  }
  return out === null ? s : out + s.slice(last);
}

const isDigit = (c: number): boolean => c >= 48 && c <= 57;
const isAsciiAlnum = (c: number): boolean => (c >= 48 && c <= 57) || ((c | 32) >= 97 && (c | 32) <= 122);
const isWordChar = (c: number): boolean => isAsciiAlnum(c) || c === 95;
const UNICODE_ALNUM = /[\p{L}\p{N}\p{M}]/u;
const isUnicodeAlnum = (c: number): boolean => c > 127 && UNICODE_ALNUM.test(String.fromCharCode(c));

// ---------------------------------------------------------------------------------------------
// E-mail addresses. Scanned by hand around each "@" (or "%40", its percent-encoding in logged
// URLs): a regex would try every start position of long local parts, which is quadratic.

const isLocalChar = (c: number): boolean =>
  isAsciiAlnum(c) || c === 46 || c === 95 || c === 37 || c === 43 || c === 45 || isUnicodeAlnum(c);
const isDomainChar = (c: number): boolean => isAsciiAlnum(c) || c === 46 || c === 45 || isUnicodeAlnum(c);

/** Labels separated by dots, none empty, ending in a top-level domain of 2+ letters (or punycode). */
function isMailDomain(s: string, start: number, end: number): boolean {
  let labels = 0;
  let labelStart = start;
  for (let i = start; i <= end; i++) {
    if (i < end && s.charCodeAt(i) !== 46) continue;
    const len = i - labelStart;
    if (len === 0 || len > 63) return false;
    labels++;
    if (i === end) {
      if (labels < 2 || len < 2) return false;
      if (s.startsWith('xn--', labelStart) || s.startsWith('XN--', labelStart)) return true;
      for (let k = labelStart; k < end; k++) {
        const c = s.charCodeAt(k);
        if (isDigit(c) || c === 45) return false;
      }
      return true;
    }
    labelStart = i + 1;
  }
  return false;
}

function nextAt(s: string, from: number): number {
  const at = s.indexOf('@', from);
  const pct = s.indexOf('%40', from);
  if (pct < 0) return at;
  if (at < 0) return pct;
  return Math.min(at, pct);
}

export function redactEmails(s: string, r: Redactions): string {
  let at = nextAt(s, 0);
  if (at < 0) return s;
  let out: string | null = null;
  let last = 0;
  while (at >= 0) {
    const atLen = s.charCodeAt(at) === 64 ? 1 : 3;
    let start = at;
    while (start > last && isLocalChar(s.charCodeAt(start - 1))) start--;
    while (start < at && s.charCodeAt(start) === 46) start++;
    let end = at + atLen;
    while (end < s.length && isDomainChar(s.charCodeAt(end))) end++;
    while (end > at + atLen && (s.charCodeAt(end - 1) === 46 || s.charCodeAt(end - 1) === 45)) end--;
    if (start < at && isMailDomain(s, at + atLen, end)) {
      out = (out ?? '') + s.slice(last, start) + redactionMarker('email');
      addRedaction(r, 'email');
      last = end;
      at = nextAt(s, end);
    } else {
      at = nextAt(s, at + 1);
    }
  }
  return out === null ? s : out + s.slice(last);
}

// ---------------------------------------------------------------------------------------------
// Secrets: authorization headers, JWTs, keys with well-known prefixes.

// No lookbehinds here: they stop the engine from skipping ahead by first character, and this
// pattern runs on most long strings. The character before a match is checked in the decision.
const SECRET_PATTERN = new RegExp(
  [
    // "Bearer <token>" / "Basic <base64>": group 1 is the scheme kept in the output.
    String.raw`(Bearer\s+|bearer\s+|Basic\s+)[A-Za-z0-9._~+\/-]+=*`,
    // JWT / JWS / JWE: a base64url JSON header always starts with "eyJ" ('{"').
    String.raw`eyJ[A-Za-z0-9_-]{4,}\.[A-Za-z0-9_-]{4,}(?:\.[A-Za-z0-9_-]*){0,3}`,
    // Stripe secret and restricted keys, GitHub tokens, AWS access key ids, Slack tokens,
    // GitLab personal tokens, Google API keys, OpenAI-style keys, npm tokens.
    String.raw`(?:sk|rk)_(?:live|test)_[A-Za-z0-9]{8,}|gh[pousr]_[A-Za-z0-9]{20,}|github_pat_[A-Za-z0-9_]{20,}|(?:AKIA|ASIA)[A-Z0-9]{16}|xox[abposr]-[A-Za-z0-9-]{8,}|glpat-[A-Za-z0-9_-]{20,}|AIza[A-Za-z0-9_-]{35}|sk-(?:proj-)?[A-Za-z0-9_-]{20,}|npm_[A-Za-z0-9]{36}`,
  ].join('|'),
  'g',
);

function isBasicCredential(token: string): boolean {
  try {
    return atob(token).includes(':');
  } catch {
    return false;
  }
}

const decideSecret: Decide = (m, r) => {
  const scheme = m[1];
  // A match must start a word: "xBearer ...", "abceyJ..." and "xsk_live_..." are something else.
  const before = m.index > 0 ? m.input.charCodeAt(m.index - 1) : 32;
  if (isAsciiAlnum(before) || (before === 95 && (scheme !== undefined || m[0].startsWith('eyJ')))) {
    SECRET_PATTERN.lastIndex = m.index + 1;
    return null;
  }
  if (scheme !== undefined) {
    // "Basic understanding" is prose: Basic credentials are base64 of "user:password"; a bearer
    // token is long or has digits or symbols in it.
    const token = m[0].slice(scheme.length);
    if (scheme.startsWith('Basic') ? !isBasicCredential(token) : token.length < 16 && !/[0-9._~+\/=-]/.test(token)) return null;
    addRedaction(r, 'secret');
    return scheme + redactionMarker('secret');
  }
  addRedaction(r, 'secret');
  return redactionMarker('secret');
};

/**
 * Prefixed keys and JWT headers are runs of 13+ base64url characters; only "Bearer"/"Basic"
 * credentials can be shorter (8+ base64 characters), and those need the scheme word.
 */
function mayHoldSecret(p: number, s: string): boolean {
  return longestTokenRun(p) >= 13 || (longestBase64Run(p) >= 8 && hasUpperB(p) && (s.includes('Bearer') || s.includes('Basic')));
}

export function redactSecrets(s: string, r: Redactions): string {
  return replaceMatches(s, SECRET_PATTERN, decideSecret, r);
}

// "password=hunter2", "access_token=...", '"api_key": "..."' in logged URLs, headers and JSON
// bodies: the key says what the value is, whatever it looks like.
const ASSIGNMENT_PATTERN =
  /(?<![A-Za-z0-9])(pass(?:word|wd|code|phrase)?|pwd|secret|client_secret|(?:access_|refresh_|id_|auth_|session_)?token|api[_-]?key|session_?id|j?sessionid|phpsessid|sid)(=|"\s*:\s*")([^\s&"'#;,<>]+)/gi;

const decideAssignment: Decide = (m, r) => {
  const value = m[3]!;
  if (value.startsWith('[redacted:')) return null;
  const kind: RedactionKind = /^(?:pass|pwd)/i.test(m[1]!) ? 'password' : 'secret';
  addRedaction(r, kind);
  return m[1]! + m[2]! + redactionMarker(kind);
};

export function redactAssignedSecrets(s: string, r: Redactions): string {
  return replaceMatches(s, ASSIGNMENT_PATTERN, decideAssignment, r);
}

// Long random-looking tokens (session ids, API keys without a known prefix, hashes). A run of
// 32+ base64/base64url characters counts when letters and digits alternate inside its parts at
// least 3 times: that keeps slugs ("intro-to-algebra-chapter-12"), paths ("/api/v1/users/12345")
// and code identifiers out. Canonical UUIDs are ids, not secrets, and do not count.
const TOKEN_RUN = /(?<![A-Za-z0-9_+\/-])[A-Za-z0-9_+\/-]{32,}={0,2}/g;
const UUID_ANYWHERE = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/gi;

export function looksLikeRandomToken(run: string): boolean {
  const text = run.includes('-') ? run.replace(UUID_ANYWHERE, '-') : run;
  let transitions = 0;
  let prev = 0; // 0 separator, 1 letter, 2 digit
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    const cls = isDigit(c) ? 2 : (c | 32) >= 97 && (c | 32) <= 122 ? 1 : 0;
    if (cls !== 0 && prev !== 0 && cls !== prev) transitions++;
    prev = cls;
  }
  return transitions >= 3;
}

const decideToken: Decide = (m, r) => {
  if (!looksLikeRandomToken(m[0])) return null;
  addRedaction(r, 'secret');
  return redactionMarker('secret');
};

export function redactRandomTokens(s: string, r: Redactions): string {
  return replaceMatches(s, TOKEN_RUN, decideToken, r);
}

// ---------------------------------------------------------------------------------------------
// IBANs: two letters, two check digits, up to 30 alphanumerics, written together or in groups of
// four. The candidate may run into the next word; the decision cuts it at the country's length.

const IBAN_LENGTHS: Readonly<Record<string, number>> = {
  AD: 24, AE: 23, AL: 28, AT: 20, AZ: 28, BA: 20, BE: 16, BG: 22, BH: 22, BI: 27, BR: 29, BY: 28,
  CH: 21, CR: 22, CY: 28, CZ: 24, DE: 22, DJ: 27, DK: 18, DO: 28, EE: 20, EG: 29, ES: 24, FI: 18,
  FK: 18, FO: 18, FR: 27, GB: 22, GE: 22, GI: 23, GL: 18, GR: 27, GT: 28, HR: 21, HU: 28, IE: 22,
  IL: 23, IQ: 23, IS: 26, IT: 27, JO: 30, KW: 30, KZ: 20, LB: 28, LC: 32, LI: 21, LT: 20, LU: 20,
  LV: 21, LY: 25, MC: 27, MD: 24, ME: 22, MK: 19, MN: 20, MR: 27, MT: 31, MU: 30, NI: 28, NL: 18,
  NO: 15, OM: 23, PK: 24, PL: 28, PS: 29, PT: 25, QA: 29, RO: 24, RS: 22, RU: 33, SA: 24, SC: 31,
  SD: 18, SE: 24, SI: 19, SK: 24, SM: 27, SO: 23, ST: 25, SV: 28, TL: 23, TN: 24, TR: 26, UA: 29,
  VA: 22, VG: 24, XK: 20,
};

const IBAN_CANDIDATE =
  /(?<![A-Za-z0-9])[A-Za-z]{2}[0-9]{2}(?:[A-Za-z0-9]{11,30}|(?: [A-Za-z0-9]{4}){2,7}(?: [A-Za-z0-9]{1,4})?)/g;

const decideIban: Decide = (m, r) => {
  const text = m[0];
  const length = IBAN_LENGTHS[text.slice(0, 2).toUpperCase()];
  let compact = '';
  let end = 0;
  if (length !== undefined) {
    for (; end < text.length && compact.length < length; end++) {
      const c = text[end]!;
      if (c !== ' ') compact += c;
    }
  }
  // Must be the country's full length, checksummed, and not run on into a longer code.
  const endsClean = end === text.length || text[end] === ' ';
  if (length === undefined || compact.length < length || !endsClean || !ibanValid(compact.toUpperCase())) {
    IBAN_CANDIDATE.lastIndex = m.index + 1;
    return null;
  }
  IBAN_CANDIDATE.lastIndex = m.index + end;
  addRedaction(r, 'iban');
  return redactionMarker('iban');
};

export function redactIbans(s: string, r: Redactions): string {
  return replaceMatches(s, IBAN_CANDIDATE, decideIban, r);
}

// ---------------------------------------------------------------------------------------------
// Card numbers: 13-19 digits, optionally grouped by spaces or dashes. The candidate is a maximal
// run; any window of it that starts and ends on group boundaries, starts with a card network's
// first digit (2-6: Mastercard 2-series, Amex/Diners/JCB 3, Visa 4, Mastercard 5, Discover/
// UnionPay 6) and passes Luhn is a card. The first-digit rule keeps millisecond timestamps and
// snowflake ids (which start with 1) out.

const CARD_CANDIDATE = /(?<![0-9])[0-9](?:[ -]?[0-9]){12,}/g;
const MAX_CARD_DIGITS = 256;
const cardDigits = new Int32Array(MAX_CARD_DIGITS); // offsets of the digits of the current candidate
const cardGroupStart = new Uint8Array(MAX_CARD_DIGITS); // 1 when the digit starts a group

const decideCard: Decide = (m, r) => {
  const text = m[0];
  let n = 0;
  let limit = text.length;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (!isDigit(c)) continue;
    if (n === MAX_CARD_DIGITS) {
      // A longer run is handled in pieces: stop at a group start with 19+ digits before the cut
      // and scan again from there, so that no card straddles the cut.
      let g = n - 19;
      while (g > 0 && cardGroupStart[g] !== 1) g--;
      limit = g > 0 ? cardDigits[g]! : cardDigits[n - 1]! + 1;
      if (g > 0) n = g;
      CARD_CANDIDATE.lastIndex = m.index + limit;
      break;
    }
    cardDigits[n] = i;
    cardGroupStart[n] = n === 0 || !isDigit(text.charCodeAt(i - 1)) ? 1 : 0;
    n++;
  }
  const digits = text.slice(0, limit).replace(/[ -]/g, '');
  let out: string | null = null;
  let last = 0;
  for (let s = 0; s + 13 <= n; s++) {
    if (cardGroupStart[s] !== 1) continue;
    const first = digits.charCodeAt(s);
    if (first < 50 || first > 54) continue;
    for (let e = Math.min(n, s + 19); e >= s + 13; e--) {
      if (e < n && cardGroupStart[e] !== 1) continue;
      if (!luhnValid(digits, s, e)) continue;
      out = (out ?? '') + text.slice(last, cardDigits[s]) + redactionMarker('card');
      addRedaction(r, 'card');
      last = cardDigits[e - 1]! + 1;
      s = e - 1;
      break;
    }
  }
  return out === null ? null : out + text.slice(last, limit);
};

/** True for 13-19 ASCII digits that start like a card network's number and pass Luhn. */
export function isCardNumber(digits: string): boolean {
  if (digits.length < 13 || digits.length > 19) return false;
  const first = digits.charCodeAt(0);
  return first >= 50 && first <= 54 && /^[0-9]+$/.test(digits) && luhnValid(digits);
}

export function redactCards(s: string, r: Redactions): string {
  return replaceMatches(s, CARD_CANDIDATE, decideCard, r);
}

// ---------------------------------------------------------------------------------------------
// National identity numbers. Each format here is either checksummed or has a shape specific
// enough not to collide with ordinary numbers:
// - US SSN/ITIN ddd-dd-dddd (never area 000/666, group 00, serial 0000);
// - UK National Insurance number (two prefix letters from the allowed set, six digits, A-D);
// - Spanish DNI and NIE (eight/seven digits and a check letter, mod 23);
// - Italian codice fiscale (16 characters in a fixed letter/digit pattern);
// - French NIR (sex, birth year and month, place, order number, mod-97 key);
// - Canadian SIN ddd-ddd-ddd (Luhn).
// These cover the learners of the regions Ebb is first deployed in; formats that are bare
// digit runs without a check (German tax id, Dutch BSN as plain 9 digits) would flag too many ids.

// Two patterns, by first character: one alternation mixing digit-led and letter-led formats is
// several times slower. The letter-led formats are matched in upper case, as they are issued.
const NATIONAL_ID_DIGITS = new RegExp(
  String.raw`(?<![A-Za-z0-9-])(?:` +
    [
      String.raw`(?<ssn>\d{3}(?<ssnSep>[- ])\d{2}\k<ssnSep>\d{4})`,
      String.raw`(?<dni>\d{8}-?[A-Za-z])`,
      String.raw`(?<nir>[12] ?\d{2} ?(?:0[1-9]|1[0-2]|[2-9]\d) ?(?:\d{2}|2[ABab]) ?\d{3} ?\d{3} ?\d{2})`,
      String.raw`(?<sin>\d{3}(?<sinSep>[- ])\d{3}\k<sinSep>\d{3})`,
    ].join('|') +
    String.raw`)(?![A-Za-z0-9-])`,
  'g',
);

const NATIONAL_ID_LETTERS = new RegExp(
  String.raw`(?<![A-Za-z0-9-])(?:` +
    [
      String.raw`(?<nino>[A-CEGHJ-PR-TW-Z][A-CEGHJ-NPR-TW-Z] ?\d{2} ?\d{2} ?\d{2} ?[A-D])`,
      String.raw`(?<nie>[XYZ]-?\d{7}-?[A-Z])`,
      String.raw`(?<cf>[A-Z]{6}\d{2}[A-EHLMPR-T]\d{2}[A-Z]\d{3}[A-Z])`,
    ].join('|') +
    String.raw`)(?![A-Za-z0-9-])`,
  'g',
);

const NINO_BAD_PREFIXES = new Set(['BG', 'GB', 'NK', 'KN', 'TN', 'NT', 'ZZ']);

function nationalIdValid(g: Record<string, string | undefined>): boolean {
  if (g.ssn !== undefined) {
    const area = g.ssn.slice(0, 3);
    return area !== '000' && area !== '666' && g.ssn.slice(4, 6) !== '00' && g.ssn.slice(7) !== '0000';
  }
  if (g.nino !== undefined) return !NINO_BAD_PREFIXES.has(g.nino.slice(0, 2));
  if (g.dni !== undefined) return dniLetter(Number(g.dni.slice(0, 8))) === g.dni.slice(-1).toUpperCase();
  if (g.nie !== undefined) {
    const compact = g.nie.replace(/-/g, '').toUpperCase();
    const n = Number('XYZ'.indexOf(compact[0]!) + compact.slice(1, 8));
    return dniLetter(n) === compact[8];
  }
  if (g.cf !== undefined) return true;
  if (g.nir !== undefined) {
    const compact = g.nir.replace(/ /g, '');
    return nirKeyValid(compact.slice(0, 13), Number(compact.slice(13)));
  }
  if (g.sin !== undefined) {
    const digits = g.sin.replace(/[- ]/g, '');
    return digits[0] !== '0' && digits[0] !== '8' && luhnValid(digits);
  }
  return false;
}

const decideNationalId: Decide = (m, r) => {
  if (m.groups === undefined || !nationalIdValid(m.groups)) return null;
  addRedaction(r, 'national_id');
  return redactionMarker('national_id');
};

export function redactNationalIds(s: string, r: Redactions): string {
  return replaceMatches(replaceMatches(s, NATIONAL_ID_DIGITS, decideNationalId, r), NATIONAL_ID_LETTERS, decideNationalId, r);
}

// ---------------------------------------------------------------------------------------------
// IP addresses. Candidates come from loose patterns; the parsers in ../ip.ts decide. IPv6 runs
// first so that an embedded IPv4 ("::ffff:1.2.3.4") goes with its address.

const IPV6_CANDIDATE = /(?<![A-Za-z0-9_.])[0-9A-Fa-f]{0,4}(?::[0-9A-Fa-f]{0,4}){2,8}(?:\.[0-9]{1,3}){0,3}/g;

const decideIpv6: Decide = (m, r) => {
  const text = m[0];
  // "std::string", "12:30:45" and MAC addresses are not addresses. Fewer than three written
  // groups ("::", "::1", "fe80::1") are special addresses that say nothing about anyone (an
  // embedded IPv4 counts as two groups; alone, "::1.2.3.4" is left to the IPv4 detector).
  const groups = parseIpv6(text);
  if (groups === null) return null;
  let written = 0;
  for (const part of text.split(':')) if (part !== '') written += part.includes('.') ? 2 : 1;
  if (written < 3) return null;
  addRedaction(r, 'ip');
  return redactionMarker('ip');
};

const isHexOrColon = (c: number): boolean => (c >= 48 && c <= 58) || ((c | 32) >= 97 && (c | 32) <= 102);

/** Two colons followed by a hex digit or a colon: "2001:db8::1" has them, "Error: at https://x" not. */
function hasIpv6Shape(s: string): boolean {
  let count = 0;
  for (let i = s.indexOf(':'); i >= 0; i = s.indexOf(':', i + 1)) {
    if (isHexOrColon(s.charCodeAt(i + 1)) && ++count === 2) return true;
  }
  return false;
}

export function redactIpv6(s: string, r: Redactions): string {
  return hasIpv6Shape(s) ? replaceMatches(s, IPV6_CANDIDATE, decideIpv6, r) : s;
}

const IPV4_CANDIDATE = /(?<![A-Za-z0-9_.])\d{1,3}\.\d{1,3}\.\d{1,3}\.\d{1,3}(?![0-9]|\.[0-9])/g;

const decideIpv4: Decide = (m, r) => {
  if (parseIpv4(m[0]) < 0) return null;
  addRedaction(r, 'ip');
  return redactionMarker('ip');
};

/** Three dots between digits, as every dotted quad has. */
function hasIpv4Shape(s: string): boolean {
  let count = 0;
  for (let i = s.indexOf('.'); i >= 0; i = s.indexOf('.', i + 1)) {
    if (isDigit(s.charCodeAt(i - 1)) && isDigit(s.charCodeAt(i + 1)) && ++count === 3) return true;
  }
  return false;
}

export function redactIpv4(s: string, r: Redactions): string {
  return hasIpv4Shape(s) ? replaceMatches(s, IPV4_CANDIDATE, decideIpv4, r) : s;
}

// ---------------------------------------------------------------------------------------------
// Phone numbers. A hand-written scanner cuts the text into chains of digit groups joined by the
// separators people write in phone numbers (space, dash, dot, slash, parentheses); then, within
// a chain, the longest span of groups that has a phone number's shape is redacted:
// - international: "+" then 8-15 digits (E.164), or "00" + country code with separators;
// - national with a trunk prefix "0" (most of Europe, UK, Australia...): 9-12 digits with
//   separators, or 10-11 digits written together;
// - North American: 3-3-4 digits, optionally after "1" ("(555) 123-4567", "1-800-555-0199").
// Spans that contain a valid date (2024-01-15, 15.01.2024), dotted spans with one-digit groups
// (versions, 120.0.6099.109), dots mixed with other separators (0.5 0.25 0.125) and numbers glued
// to letters or underscores (v1.2.3, quest_42) are never phones.
// Plain digit runs without "+" or a leading 0 (timestamps, order ids) are left alone: numbers in
// those forms are indistinguishable from ids.

const MAX_CHAIN = 64;
const groupStart = new Int32Array(MAX_CHAIN);
const groupEnd = new Int32Array(MAX_CHAIN);

function skipGap(s: string, i: number): number {
  // Returns the index of the next group's first digit (or of its "("), or -1 if the chain ends.
  let k = i;
  if (s.charCodeAt(k) === 41 /* ) */) k++;
  const c = s.charCodeAt(k);
  if (c === 32 && s.charCodeAt(k + 1) === 45 && s.charCodeAt(k + 2) === 32) k += 3; // " - "
  else if (c === 32 || c === 45 || c === 46 || c === 47) k++;
  if (s.charCodeAt(k) === 40 /* ( */) k++;
  if (k === i || !isDigit(s.charCodeAt(k))) return -1;
  return k;
}

function gapChar(s: string, end: number, nextStart: number): number {
  for (let k = end; k < nextStart; k++) {
    const c = s.charCodeAt(k);
    if (c === 45 || c === 46 || c === 47) return c;
  }
  return 32;
}

function validDateParts(y: number, a: number, b: number): boolean {
  return y >= 1900 && y <= 2100 && ((a >= 1 && a <= 12 && b >= 1 && b <= 31) || (b >= 1 && b <= 12 && a >= 1 && a <= 31));
}

function groupValue(s: string, g: number): number {
  let v = 0;
  for (let k = groupStart[g]!; k < groupEnd[g]!; k++) v = v * 10 + (s.charCodeAt(k) - 48);
  return v;
}

const groupLength = (g: number): number => groupEnd[g]! - groupStart[g]!;

function containsDate(s: string, a: number, b: number): boolean {
  for (let g = a; g + 2 <= b; g++) {
    const sep = gapChar(s, groupEnd[g]!, groupStart[g + 1]!);
    if (sep === 32 || sep !== gapChar(s, groupEnd[g + 1]!, groupStart[g + 2]!)) continue;
    const l0 = groupLength(g);
    const l1 = groupLength(g + 1);
    const l2 = groupLength(g + 2);
    if (l0 === 4 && l1 <= 2 && l2 <= 2 && validDateParts(groupValue(s, g), groupValue(s, g + 1), groupValue(s, g + 2))) return true;
    if (l2 === 4 && l0 <= 2 && l1 <= 2 && validDateParts(groupValue(s, g + 2), groupValue(s, g), groupValue(s, g + 1))) return true;
  }
  return false;
}

function hasPlusBefore(s: string, g: number): boolean {
  let k = groupStart[g]! - 1;
  if (s.charCodeAt(k) === 40) k--;
  return s.charCodeAt(k) === 43 && !isWordChar(s.charCodeAt(k - 1));
}

function isPhone(s: string, a: number, b: number): boolean {
  const plus = hasPlusBefore(s, a);
  let n = 0;
  let dots = 0;
  let spacesOnly = b > a;
  let shortGroup = false;
  for (let g = a; g <= b; g++) {
    n += groupLength(g);
    // The first group of the national number may be one digit ("+33 6 12 34 56 78").
    if (g > (plus ? a + 1 : a) && groupLength(g) === 1) shortGroup = true;
    if (g < b) {
      const sep = gapChar(s, groupEnd[g]!, groupStart[g + 1]!);
      // After "+CC" any separator goes ("+33 6.12.34.56.78").
      if (sep === 46 && !(plus && g === a)) dots++;
      if (sep !== 32 || groupStart[g + 1]! - groupEnd[g]! !== 1) spacesOnly = false;
    }
  }
  if (n < 8 || n > 17) return false;
  // Dotted spans are phones only when every gap is a dot and no group is a single digit:
  // "0.5 0.25 0.125" and "120.0.6099.109" are not.
  const dottable = plus ? b - a - 1 : b - a;
  if (dots > 0 && (dots !== dottable || shortGroup)) return false;
  const firstLength = groupLength(a);
  const d0 = s.charCodeAt(groupStart[a]!);
  // A leading "+" is the strongest signal there is: nobody writes "+2024-01-15".
  if (plus) return d0 !== 48 && n <= 15;
  if (b - a >= 2 && containsDate(s, a, b)) return false;
  if (d0 === 48) {
    if (firstLength < 2) return false;
    const d1 = s.charCodeAt(groupStart[a]! + 1);
    if (d1 === 48) {
      const d2 = firstLength > 2 ? s.charCodeAt(groupStart[a]! + 2) : 49;
      return b > a && d2 !== 48 && n >= 10;
    }
    return b > a ? n >= 9 && n <= 12 : n === 10 || n === 11;
  }
  // North American: [1] NPA NXX XXXX.
  const count = b - a + 1;
  let first = a;
  if (count === 4 && firstLength === 1 && d0 === 49) first = a + 1;
  else if (count !== 3) return false;
  if (groupLength(first) !== 3 || groupLength(first + 1) !== 3 || groupLength(first + 2) !== 4) return false;
  if (spacesOnly) {
    // Space-separated 3-3-4 needs the North American digit rules, or "100 200 3000" would match.
    const npa = s.charCodeAt(groupStart[first]!);
    const nxx = s.charCodeAt(groupStart[first + 1]!);
    return npa >= 50 && nxx >= 50;
  }
  return true;
}

/** Whether a phone may start at group g: not glued to a word ("v1.2", "quest_42"). */
function startEligible(s: string, g: number, chainFirst: number): boolean {
  if (g !== chainFirst) return true;
  let k = groupStart[g]! - 1;
  if (s.charCodeAt(k) === 40 || s.charCodeAt(k) === 43) k--;
  if (s.charCodeAt(k) === 40) k--;
  return !isWordChar(s.charCodeAt(k));
}

/** Whether a phone may end at group g: not glued to a word or to a decimal part. */
function endEligible(s: string, g: number, chainLast: number): boolean {
  if (g !== chainLast) return true;
  const c = s.charCodeAt(groupEnd[g]!);
  if (isWordChar(c)) return false;
  return !((c === 46 || c === 44) && isDigit(s.charCodeAt(groupEnd[g]! + 1)));
}

function spanStart(s: string, g: number): number {
  let k = groupStart[g]!;
  if (s.charCodeAt(k - 1) === 40) k--;
  if (s.charCodeAt(k - 1) === 43) k--;
  return k;
}

export function redactPhones(s: string, r: Redactions): string {
  let out: string | null = null;
  let last = 0;
  let i = 0;
  const len = s.length;
  while (i < len) {
    if (!isDigit(s.charCodeAt(i))) {
      i++;
      continue;
    }
    // Collect one chain of groups.
    let count = 0;
    let j = i;
    for (;;) {
      groupStart[count] = j;
      while (j < len && isDigit(s.charCodeAt(j))) j++;
      groupEnd[count] = j;
      count++;
      if (count === MAX_CHAIN) break;
      const next = skipGap(s, j);
      if (next < 0) break;
      j = next;
    }
    const chainLast = count - 1;
    for (let a = 0; a < count; ) {
      let matched = -1;
      if (startEligible(s, a, 0)) {
        for (let b = Math.min(chainLast, a + 7); b >= a; b--) {
          if (endEligible(s, b, chainLast) && isPhone(s, a, b)) {
            matched = b;
            break;
          }
        }
      }
      if (matched < 0) {
        a++;
        continue;
      }
      const start = Math.max(spanStart(s, a), last);
      out = (out ?? '') + s.slice(last, start) + redactionMarker('phone');
      addRedaction(r, 'phone');
      last = groupEnd[matched]!;
      a = matched + 1;
    }
    i = j;
  }
  return out === null ? s : out + s.slice(last);
}

// ---------------------------------------------------------------------------------------------

// Gates, named so that scrubText can call them directly (one call site per gate stays fast).
export const mayHoldEmail = (p: number): boolean => hasAt(p) || hasPercent(p);
export { mayHoldSecret };
export const mayHoldAssignedSecret = (p: number): boolean => hasEquals(p) || hasQuote(p);
export const mayHoldRandomToken = (p: number): boolean => longestBase64Run(p) >= 32;
// IBAN check digits and every national id format here have a run of at least two digits.
export const mayHoldIban = (p: number): boolean => digitCount(p) >= 10 && longestDigitRun(p) >= 2;
export const mayHoldCard = (p: number): boolean => digitCount(p) >= 13;
export const mayHoldNationalId = (p: number): boolean => digitCount(p) >= 6 && longestDigitRun(p) >= 2;
export const mayHoldIpv6 = (p: number): boolean => colonCount(p) >= 2;
export const mayHoldIpv4 = (p: number): boolean => digitCount(p) >= 4 && dotCount(p) >= 3;
export const mayHoldPhone = (p: number): boolean => digitCount(p) >= 8;

/**
 * In the order they run: secrets before the number detectors (a JWT holds digits and dots), IBANs
 * before cards (an IBAN's digits can pass Luhn), IPv6 before IPv4, phones last.
 */
export const DETECTORS: readonly Detector[] = [
  { kind: 'email', mayMatch: mayHoldEmail, redact: redactEmails },
  { kind: 'secret', mayMatch: mayHoldSecret, redact: redactSecrets },
  { kind: 'secret', mayMatch: mayHoldAssignedSecret, redact: redactAssignedSecrets },
  { kind: 'secret', mayMatch: mayHoldRandomToken, redact: redactRandomTokens },
  { kind: 'iban', mayMatch: mayHoldIban, redact: redactIbans },
  { kind: 'card', mayMatch: mayHoldCard, redact: redactCards },
  { kind: 'national_id', mayMatch: mayHoldNationalId, redact: redactNationalIds },
  { kind: 'ip', mayMatch: mayHoldIpv6, redact: redactIpv6 },
  { kind: 'ip', mayMatch: mayHoldIpv4, redact: redactIpv4 },
  { kind: 'phone', mayMatch: mayHoldPhone, redact: redactPhones },
];
