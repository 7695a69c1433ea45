import { IDENTIFYING_PROP_KEY } from '../../privacy/inventory.ts';
import type { Draft } from '../draft.ts';

/** An event that may not be linked to a person (past its detail window, anonymous-only by consent or
 * privacy signal) loses every link before the write, as the retention job would strip it later. */
export function anonymize(d: Draft): Draft {
  if (d.anonymous === null) return d;
  d.subject = null;
  d.sessionId = null;
  d.anonymousId = null;
  d.ipPrefix = null;
  if (d.props) {
    const kept = Object.entries(d.props).filter(([k]) => !IDENTIFYING_PROP_KEY.test(k));
    if (kept.length !== Object.keys(d.props).length) d.props = Object.fromEntries(kept);
  }
  return d;
}
