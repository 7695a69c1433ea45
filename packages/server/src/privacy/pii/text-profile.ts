/**
 * One cheap pass over a string that tells the detectors whether they can possibly match, so
 * that ordinary values ("quest_42", "85", "dashboard") never reach a regular expression.
 * The result is packed into one small integer: nothing is allocated on the hot path.
 *
 * bits 0-5   digit count (capped at 63)
 * bits 6-11  longest run of base64url characters [A-Za-z0-9_-] (capped at 63)
 * bits 12-17 longest run of base64 characters [A-Za-z0-9_+/-] (capped at 63)
 * bits 18-19 colon count (capped at 3)
 * bits 20-21 dot count (capped at 3)
 * bits 22-24 longest run of digits (capped at 7)
 * bits 25-29 flags
 * Every gate built on it is written so that a false answer proves the detector cannot match.
 */
const AT = 1 << 25;
const PERCENT = 1 << 26;
const EQUALS = 1 << 27;
const QUOTE = 1 << 28;
const UPPER_B = 1 << 29;

export function profileText(s: string): number {
  let digits = 0;
  let digitRun = 0;
  let maxDigitRun = 0;
  let urlRun = 0;
  let maxUrlRun = 0;
  let b64Run = 0;
  let maxB64Run = 0;
  let colons = 0;
  let dots = 0;
  let flags = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c >= 48 && c <= 57) {
      digits++;
      digitRun++;
      urlRun++;
      b64Run++;
      continue;
    }
    if (digitRun > maxDigitRun) maxDigitRun = digitRun;
    digitRun = 0;
    const lower = c | 32;
    if ((lower >= 97 && lower <= 122) || c === 95 || c === 45) {
      if (c === 66) flags |= UPPER_B;
      urlRun++;
      b64Run++;
      continue;
    }
    if (urlRun > maxUrlRun) maxUrlRun = urlRun;
    urlRun = 0;
    if (c === 43 || c === 47) {
      b64Run++;
      continue;
    }
    if (b64Run > maxB64Run) maxB64Run = b64Run;
    b64Run = 0;
    if (c === 58) colons++;
    else if (c === 46) dots++;
    else if (c === 64) flags |= AT;
    else if (c === 37) flags |= PERCENT;
    else if (c === 61) flags |= EQUALS;
    else if (c === 34) flags |= QUOTE;
  }
  if (digitRun > maxDigitRun) maxDigitRun = digitRun;
  if (urlRun > maxUrlRun) maxUrlRun = urlRun;
  if (b64Run > maxB64Run) maxB64Run = b64Run;
  return (
    Math.min(digits, 63) |
    (Math.min(maxUrlRun, 63) << 6) |
    (Math.min(maxB64Run, 63) << 12) |
    (Math.min(colons, 3) << 18) |
    (Math.min(dots, 3) << 20) |
    (Math.min(maxDigitRun, 7) << 22) |
    flags
  );
}

export const digitCount = (p: number): number => p & 63;
/** Longest run of [A-Za-z0-9_-]: JWT parts, prefixed keys. */
export const longestTokenRun = (p: number): number => (p >> 6) & 63;
/** Longest run of [A-Za-z0-9_+/-]: base64 tokens (and paths). */
export const longestBase64Run = (p: number): number => (p >> 12) & 63;
export const colonCount = (p: number): number => (p >> 18) & 3;
export const dotCount = (p: number): number => (p >> 20) & 3;
export const longestDigitRun = (p: number): number => (p >> 22) & 7;
export const hasAt = (p: number): boolean => (p & AT) !== 0;
export const hasPercent = (p: number): boolean => (p & PERCENT) !== 0;
export const hasEquals = (p: number): boolean => (p & EQUALS) !== 0;
export const hasQuote = (p: number): boolean => (p & QUOTE) !== 0;
/** An upper-case "B": "Bearer" and "Basic" credentials cannot be there without one. */
export const hasUpperB = (p: number): boolean => (p & UPPER_B) !== 0;
