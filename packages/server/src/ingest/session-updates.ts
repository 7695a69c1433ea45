import type { SessionUpdate } from '../store/ports.ts';
import type { PreparedEvent } from './to-rows.ts';

/** Folds a group's events into one update per session: span, counts, entry and exit page. */
export function sessionUpdates(events: PreparedEvent[]): SessionUpdate[] {
  const byId = new Map<string, SessionUpdate>();
  for (const { row, isPageView } of events) {
    if (row.sessionId === null) continue;
    let s = byId.get(row.sessionId);
    if (!s) {
      s = {
        id: row.sessionId, tenantId: row.tenantId, subjectId: row.subjectId, anonymousId: row.anonymousId,
        startedAt: row.occurredAt, endedAt: row.occurredAt, pageViews: 0, eventCount: 0,
        entryPage: row.pagePath, exitPage: row.pagePath, deviceType: row.deviceType, browser: row.browser, os: row.os,
      };
      byId.set(row.sessionId, s);
    }
    s.eventCount++;
    if (isPageView) s.pageViews++;
    s.subjectId ??= row.subjectId;
    s.anonymousId ??= row.anonymousId;
    s.deviceType ??= row.deviceType;
    s.browser ??= row.browser;
    s.os ??= row.os;
    if (row.occurredAt < s.startedAt) {
      s.startedAt = row.occurredAt;
      if (row.pagePath !== null) s.entryPage = row.pagePath;
    }
    if (row.occurredAt >= s.endedAt) {
      s.endedAt = row.occurredAt;
      if (row.pagePath !== null) s.exitPage = row.pagePath;
    }
  }
  return [...byId.values()];
}
