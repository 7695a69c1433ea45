import { createHmac } from 'node:crypto';
import type { Draft, IngestContext } from '../draft.ts';

/**
 * An anonymous visitor id for events without a subject: the client's own anonymous id under a
 * keyed pseudonym, or else a cookieless id hashed from address and user agent with the day's
 * random salt, so it cannot be followed across days. An event with a subject needs none: keeping
 * a second identifier would only be more to forget.
 */
export function visitorId(d: Draft, ctx: IngestContext): Draft {
  const t = d.transient;
  if (d.subject !== null) return d;
  if (t.clientAnonymousId !== null) {
    d.anonymousId = `a_${ctx.pseudonyms.other(ctx.tenant.id, 'anonymous', t.clientAnonymousId)}`;
  } else if (t.ip !== null && t.userAgent !== null) {
    d.anonymousId = `v_${createHmac('sha256', ctx.salt).update(ctx.tenant.id).update('\0').update(t.ip).update('\0').update(t.userAgent).digest('base64url').slice(0, 24)}`;
  }
  return d;
}
