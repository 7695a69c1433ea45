export { REDACTION_KINDS, addRedaction, redactionMarker } from './redactions.ts';
export type { RedactionKind, Redactions } from './redactions.ts';
export {
  DETECTORS,
  isCardNumber,
  looksLikeRandomToken,
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
export type { Detector } from './detectors.ts';
export { scrubText } from './scrub-text.ts';
export { createKeyDenyList, keyWords } from './deny-list.ts';
export type { KeyDenyList } from './deny-list.ts';
export { scrubJson } from './scrub-json.ts';
export { isUtmKey, maskPath, referrerHost, scrubUrl } from './scrub-url.ts';
export type { ScrubUrlOptions } from './scrub-url.ts';
