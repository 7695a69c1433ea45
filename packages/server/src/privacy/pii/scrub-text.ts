import {
  mayHoldAssignedSecret,
  mayHoldCard,
  mayHoldEmail,
  mayHoldIban,
  mayHoldIpv4,
  mayHoldIpv6,
  mayHoldNationalId,
  mayHoldPhone,
  mayHoldRandomToken,
  mayHoldSecret,
  redactAssignedSecrets,
  redactCards,
  redactEmails,
  redactIbans,
  redactIpv4,
  redactIpv6,
  redactNationalIds,
  redactPhones,
  redactRandomTokens,
  redactSecrets,
} from './detectors.ts';
import type { Redactions } from './redactions.ts';
import { profileText } from './text-profile.ts';

/** Nothing shorter can hold a detectable value (the shortest is an e-mail like "a@b.co"). */
const MIN_DETECTABLE_LENGTH = 6;

/**
 * Replaces every detected identifier in free text (props values, titles, error messages, stack
 * traces) by `[redacted:<kind>]` and counts it in `r`. Returns `s` itself when nothing was found.
 *
 * Runs the detectors of detectors.ts in the order of `DETECTORS`, written out: a direct call per
 * gate is several times cheaper than a loop over closures, and most strings stop at the gates.
 */
export function scrubText(s: string, r: Redactions): string {
  if (s.length < MIN_DETECTABLE_LENGTH) return s;
  const p = profileText(s);
  let out = s;
  if (mayHoldEmail(p)) out = redactEmails(out, r);
  if (mayHoldSecret(p, s)) out = redactSecrets(out, r);
  if (mayHoldAssignedSecret(p)) out = redactAssignedSecrets(out, r);
  if (mayHoldRandomToken(p)) out = redactRandomTokens(out, r);
  if (mayHoldIban(p)) out = redactIbans(out, r);
  if (mayHoldCard(p)) out = redactCards(out, r);
  if (mayHoldNationalId(p)) out = redactNationalIds(out, r);
  if (mayHoldIpv6(p)) out = redactIpv6(out, r);
  if (mayHoldIpv4(p)) out = redactIpv4(out, r);
  if (mayHoldPhone(p)) out = redactPhones(out, r);
  return out;
}
