import { Drop } from '../drop-reasons.ts';
import type { Draft, IngestContext } from '../draft.ts';

/** Global Privacy Control and Do-Not-Track from browsers: drop the event or keep it anonymous, per tenant. */
export function privacySignals(d: Draft, ctx: IngestContext): Draft | Drop {
  if (ctx.source !== 'browser' || !d.transient.privacySignal) return d;
  if (ctx.tenant.settings.privacySignals === 'drop') return new Drop('privacy_signal');
  d.anonymous ??= 'privacy_signal';
  return d;
}
