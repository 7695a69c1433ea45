import { Drop } from '../drop-reasons.ts';
import type { Draft } from '../draft.ts';

/** A subject who refused is not tracked; one who may only be counted anonymously loses the link. */
export function consent(d: Draft): Draft | Drop {
  const state = d.subject?.subject.consentState;
  if (state === 'refused') return new Drop('consent_refused');
  if (state === 'anonymous_only') {
    d.subject = null;
    d.anonymous ??= 'consent';
  }
  return d;
}
