import type { AgeBand, ConsentRecord, ConsentState, TenantSettings } from '../store/ports.ts';

const BAND_UPPER_AGE: Record<AgeBand, number | null> = { under_13: 13, '13_15': 16, '16_17': 18, adult: null, unknown: null };

/** True when a learner in this band needs a guardian's consent under the tenant's setting. */
export function needsParentalConsent(ageBand: AgeBand | null, settings: Pick<TenantSettings, 'parentalConsentUnder'>): boolean {
  const upper = ageBand ? BAND_UPPER_AGE[ageBand] : null;
  return upper !== null && upper <= settings.parentalConsentUnder;
}

/**
 * The consent state ingest obeys, from the age band and the newest parental and own decisions:
 * a refusal always wins; a child who needs a guardian's consent and lacks it is counted
 * anonymously only (or not at all, per tenant setting); otherwise the subject's own answer.
 */
export function effectiveConsent(
  input: { ageBand: AgeBand | null; parental: ConsentRecord['state'] | null; own: ConsentRecord['state'] | null },
  settings: Pick<TenantSettings, 'parentalConsentUnder' | 'withoutParentalConsent'>,
): ConsentState {
  if (input.own === 'refused' || input.own === 'withdrawn') return 'refused';
  if (needsParentalConsent(input.ageBand, settings)) {
    if (input.parental === 'refused' || input.parental === 'withdrawn') return 'refused';
    if (input.parental === 'granted') return 'granted';
    return settings.withoutParentalConsent === 'refuse' ? 'refused' : 'anonymous_only';
  }
  return input.own === 'granted' ? 'granted' : 'unknown';
}
