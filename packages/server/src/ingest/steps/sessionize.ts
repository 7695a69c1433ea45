import type { Draft, IngestContext } from '../draft.ts';

/** The client's session id (pseudonymised), or else 30 minutes of inactivity per visitor. */
export function sessionize(d: Draft, ctx: IngestContext): Draft {
  if (d.transient.clientSessionId !== null) {
    d.sessionId = `ss_${ctx.pseudonyms.other(ctx.tenant.id, 'session', d.transient.clientSessionId)}`;
    return d;
  }
  const visitor = d.subject?.subject.id ?? d.anonymousId;
  if (visitor !== null) d.sessionId = ctx.sessions.assign(ctx.tenant.id, visitor, d.occurredAt);
  return d;
}
