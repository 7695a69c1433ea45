import { uuidv7 } from '../core/ids.ts';
import type { ErrorRow, EventRow, LearningRow } from '../store/ports.ts';
import type { Draft, IngestContext } from './draft.ts';
import type { DirectoryEntry } from './subject-directory.ts';

export interface PreparedEvent {
  row: EventRow;
  error: ErrorRow | null;
  learning: LearningRow | null;
  subject: DirectoryEntry | null;
  isPageView: boolean;
}

const PAGE_VIEW_TYPES = new Set(['page_view', 'route_change']);

/** The rows a finished draft becomes. Only named fields are copied: `transient` never is. */
export function toRows(d: Draft, ctx: IngestContext): PreparedEvent {
  const anonymizedAt = d.anonymous === null ? null : ctx.receivedAt;
  const subjectId = d.subject?.subject.id ?? null;
  const row: EventRow = {
    id: d.id,
    tenantId: ctx.tenant.id,
    occurredAt: d.occurredAt,
    receivedAt: ctx.receivedAt,
    category: d.category,
    type: d.type,
    subjectId,
    sessionId: d.sessionId,
    anonymousId: d.anonymousId,
    pagePath: d.pagePath,
    pageTitle: d.pageTitle,
    referrerHost: d.referrerHost,
    durationMs: d.input.page?.durationMs ?? null,
    loadTimeMs: d.input.page?.loadTimeMs ?? null,
    props: d.props && Object.keys(d.props).length > 0 ? JSON.stringify(d.props) : null,
    browser: d.browser,
    os: d.os,
    deviceType: d.deviceType,
    locale: d.locale,
    ipPrefix: d.ipPrefix,
    dedupeKey: d.dedupeKey,
    anonymizedAt,
  };
  const base = { eventId: d.id, tenantId: ctx.tenant.id, occurredAt: d.occurredAt, receivedAt: ctx.receivedAt, subjectId, sessionId: d.sessionId, anonymizedAt };
  const error: ErrorRow | null = d.error
    ? { id: uuidv7(), ...base, errorType: d.error.type, message: d.error.message, stack: d.error.stack, component: d.error.component, endpoint: d.error.endpoint, status: d.error.status, pagePath: d.pagePath, browser: d.browser, os: d.os }
    : null;
  const learning: LearningRow | null = d.learning ? { id: uuidv7(), ...base, type: d.type, ...d.learning } : null;
  return { row, error, learning, subject: d.subject, isPageView: PAGE_VIEW_TYPES.has(d.type) };
}
