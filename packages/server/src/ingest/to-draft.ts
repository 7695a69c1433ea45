import { createHash } from 'node:crypto';
import { categoryFor, type EventInput } from '@ebb/contracts';
import { uuidv7 } from '../core/ids.ts';
import type { DataCategory } from '../privacy/inventory.ts';
import type { Draft, IngestContext } from './draft.ts';

const dataCategoryOf = (e: EventInput): DataCategory => (e.error ? 'errors' : e.learning ? 'learning_events' : 'events');

/** A 64-bit key for the client's event id within its tenant. */
export function dedupeKeyOf(tenantId: string, clientId: string): bigint {
  return createHash('sha256').update(tenantId).update('\0').update(clientId).digest().readBigUInt64BE(0);
}

/** Turns a validated wire event into a draft; nothing is scrubbed yet. */
export function toDraft(input: EventInput, index: number, ctx: IngestContext, request: { ip: string | null; userAgent: string | null; privacySignal: boolean }): Draft {
  const occurredAt = input.occurredAt === undefined ? ctx.receivedAt : new Date(input.occurredAt);
  const e = input.error;
  const l = input.learning;
  return {
    index,
    input,
    id: uuidv7(ctx.receivedAt.getTime()),
    dedupeKey: input.id ? dedupeKeyOf(ctx.tenant.id, input.id) : null,
    category: categoryFor(input.type, input.category),
    type: input.type,
    dataCategory: dataCategoryOf(input),
    occurredAt,
    subject: null,
    sessionId: null,
    anonymousId: null,
    pagePath: input.page?.path ?? null,
    pageTitle: input.page?.title ?? null,
    referrerHost: null,
    props: input.props ?? null,
    browser: null,
    os: null,
    deviceType: null,
    locale: input.context?.locale ?? null,
    ipPrefix: null,
    anonymous: null,
    error: e ? { type: e.type, message: e.message ?? null, stack: e.stack ?? null, component: e.component ?? null, endpoint: e.endpoint ?? null, status: e.status ?? null } : null,
    learning: l
      ? {
          course: l.course ?? null, activity: l.activity ?? null, subjectArea: l.subject ?? null, score: l.score ?? null,
          maxScore: l.maxScore ?? null, goalId: l.goal?.goalId ?? null, goalBaseline: l.goal?.baseline ?? null,
          goalCurrent: l.goal?.current ?? null, goalTarget: l.goal?.target ?? null,
        }
      : null,
    transient: {
      userId: input.userId ?? null,
      // A server forwards its end user's address in context.ip; a browser is the end user itself.
      ip: input.context?.ip ?? (ctx.source === 'browser' ? request.ip : null),
      userAgent: input.context?.userAgent ?? (ctx.source === 'browser' ? request.userAgent : null),
      clientSessionId: input.sessionId ?? null,
      clientAnonymousId: input.anonymousId ?? null,
      privacySignal: request.privacySignal || input.context?.gpc === true || input.context?.dnt === true,
    },
  };
}
