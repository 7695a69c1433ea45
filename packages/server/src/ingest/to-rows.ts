import { uuidv7 } from '../core/ids.ts';
import { IDENTIFYING_PROP_KEY } from '../privacy/inventory.ts';
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

const toJson = (o: Record<string, unknown>): string | null => (Object.keys(o).length > 0 ? JSON.stringify(o) : null);

/**
 * Properties as stored: the top-level keys that name a person (already pseudonymised) apart
 * from the others, so anonymisation clears a column instead of rewriting JSON.
 */
export function splitProps(props: Record<string, unknown> | null): { props: string | null; identifyingProps: string | null } {
  if (!props) return { props: null, identifyingProps: null };
  let identifying: Record<string, unknown> | null = null;
  let rest: Record<string, unknown> | null = null;
  for (const [k, v] of Object.entries(props)) {
    if (!IDENTIFYING_PROP_KEY.test(k)) continue;
    identifying ??= {};
    rest ??= { ...props };
    identifying[k] = v;
    delete rest[k];
  }
  return { props: toJson(rest ?? props), identifyingProps: identifying ? toJson(identifying) : null };
}

/** The rows a finished draft becomes. Only named fields are copied: `transient` never is. */
export function toRows(d: Draft, ctx: IngestContext): PreparedEvent {
  const anonymizedAt = d.anonymous === null ? null : ctx.receivedAt;
  const subjectId = d.subject?.subject.id ?? null;
  const { props, identifyingProps } = splitProps(d.props);
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
    props,
    browser: d.browser,
    os: d.os,
    deviceType: d.deviceType,
    locale: d.locale,
    ipPrefix: d.ipPrefix,
    dedupeKey: d.dedupeKey,
    anonymizedAt,
    // The category whose policy the row follows: errors or learning_events when such a row shares the event.
    dataCategory: d.dataCategory,
    identifyingProps,
  };
  const base = { eventId: d.id, tenantId: ctx.tenant.id, occurredAt: d.occurredAt, receivedAt: ctx.receivedAt, subjectId, sessionId: d.sessionId, anonymizedAt };
  const error: ErrorRow | null = d.error
    ? { id: uuidv7(), ...base, errorType: d.error.type, message: d.error.message, stack: d.error.stack, component: d.error.component, endpoint: d.error.endpoint, status: d.error.status, pagePath: d.pagePath, browser: d.browser, os: d.os }
    : null;
  const learning: LearningRow | null = d.learning ? { id: uuidv7(), ...base, type: d.type, ...d.learning } : null;
  return { row, error, learning, subject: d.subject, isPageView: PAGE_VIEW_TYPES.has(d.type) };
}
