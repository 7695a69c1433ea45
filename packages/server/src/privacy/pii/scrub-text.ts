import { DETECTORS } from './detectors.ts';
import type { Redactions } from './redactions.ts';
import { profileText } from './text-profile.ts';

/** Nothing shorter can hold a detectable value (the shortest is an e-mail like "a@b.co"). */
const MIN_DETECTABLE_LENGTH = 6;

/**
 * Replaces every detected identifier in free text (props values, titles, error messages, stack
 * traces) by `[redacted:<kind>]` and counts it in `r`. Returns `s` itself when nothing was found.
 */
export function scrubText(s: string, r: Redactions): string {
  if (s.length < MIN_DETECTABLE_LENGTH) return s;
  const profile = profileText(s);
  let out = s;
  for (const detector of DETECTORS) {
    if (detector.mayMatch(profile, s)) out = detector.redact(out, r);
  }
  return out;
}
