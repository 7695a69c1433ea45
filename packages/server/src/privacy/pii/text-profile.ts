/**
 * One cheap pass over a string that tells the detectors whether they can possibly match, so
 * that ordinary values ("quest_42", "85", "dashboard") never reach a regular expression.
 * The result is packed into one integer: nothing is allocated on the hot path.
 *
 * bits 0-5 digit count (capped at 63), 6-11 longest run of token characters [A-Za-z0-9_+/-]
 * (capped at 63), 12-13 colon count (capped at 3), 14-15 dot count (capped at 3), then flags.
 */
const AT = 1 << 16;
const PERCENT = 1 << 17;
const EQUALS = 1 << 18;
const QUOTE = 1 << 19;

export function profileText(s: string): number {
  let digits = 0;
  let run = 0;
  let maxRun = 0;
  let colons = 0;
  let dots = 0;
  let flags = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c >= 48 && c <= 57) {
      digits++;
      run++;
      continue;
    }
    const lower = c | 32;
    if ((lower >= 97 && lower <= 122) || c === 95 || c === 45 || c === 43 || c === 47) {
      run++;
      continue;
    }
    if (run > maxRun) maxRun = run;
    run = 0;
    if (c === 58) colons++;
    else if (c === 46) dots++;
    else if (c === 64) flags |= AT;
    else if (c === 37) flags |= PERCENT;
    else if (c === 61) flags |= EQUALS;
    else if (c === 34) flags |= QUOTE;
  }
  if (run > maxRun) maxRun = run;
  return Math.min(digits, 63) | (Math.min(maxRun, 63) << 6) | (Math.min(colons, 3) << 12) | (Math.min(dots, 3) << 14) | flags;
}

export const digitCount = (p: number): number => p & 63;
export const longestTokenRun = (p: number): number => (p >> 6) & 63;
export const colonCount = (p: number): number => (p >> 12) & 3;
export const dotCount = (p: number): number => (p >> 14) & 3;
export const hasAt = (p: number): boolean => (p & AT) !== 0;
export const hasPercent = (p: number): boolean => (p & PERCENT) !== 0;
export const hasEquals = (p: number): boolean => (p & EQUALS) !== 0;
export const hasQuote = (p: number): boolean => (p & QUOTE) !== 0;
