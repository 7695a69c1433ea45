import { LIMITS } from '@ebb/contracts';
import { DAY_MS } from '../../core/clock.ts';
import { Reject } from '../drop-reasons.ts';
import type { Draft, IngestContext } from '../draft.ts';

/** Refuses events from the future or past their category's deletion age; marks those past the
 * detail window to be stored already anonymised. */
export function checkTime(d: Draft, ctx: IngestContext): Draft | Reject {
  const now = ctx.receivedAt.getTime();
  const t = d.occurredAt.getTime();
  if (t > now + LIMITS.futureSkewMs) {
    return new Reject('EBB_EVENT_IN_FUTURE', `occurredAt ${d.occurredAt.toISOString()} lies more than 5 minutes in the future; check the client clock`);
  }
  const window = ctx.retention[d.dataCategory];
  const ageDays = (now - t) / DAY_MS;
  if (ageDays >= window.deleteAfterDays) {
    return new Reject('EBB_EVENT_TOO_OLD', `occurredAt ${d.occurredAt.toISOString()} is older than the ${window.deleteAfterDays}-day deletion age of ${d.dataCategory}; it would be deleted at once`);
  }
  if (ageDays >= window.anonymizeAfterDays) d.anonymous = 'past_detail_window';
  return d;
}
