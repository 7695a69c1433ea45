import type { DuckDBAppender } from '@duckdb/node-api';
import { micros, type Db } from './connection.ts';
import type { ErrorRow, EventRow, EventStore, IngestWrite, LearningRow, SessionUpdate } from '../ports.ts';

type Cell = string | number | bigint | Date | null;

/** Appends one row; each column in table order. */
function appendRow(a: DuckDBAppender, cells: Cell[]): void {
  for (const c of cells) {
    if (c === null) a.appendNull();
    else if (typeof c === 'string') a.appendVarchar(c);
    else if (typeof c === 'bigint') a.appendUBigInt(c);
    else if (typeof c === 'number') Number.isInteger(c) ? a.appendBigInt(BigInt(c)) : a.appendDouble(c);
    else a.appendVarchar(c.toISOString());
  }
  a.endRow();
}

const eventCells = (e: EventRow): Cell[] => [
  e.id, e.tenantId, e.occurredAt, e.receivedAt, e.category, e.type, e.subjectId, e.sessionId, e.anonymousId,
  e.pagePath, e.pageTitle, e.referrerHost, e.durationMs, e.loadTimeMs, e.props, e.browser, e.os, e.deviceType,
  e.locale, e.ipPrefix, e.dedupeKey, e.anonymizedAt, e.dataCategory, e.identifyingProps,
];

const errorCells = (e: ErrorRow): Cell[] => [
  e.id, e.eventId, e.tenantId, e.occurredAt, e.receivedAt, e.subjectId, e.sessionId, e.errorType, e.message, e.stack,
  e.component, e.endpoint, e.status, e.pagePath, e.browser, e.os, e.anonymizedAt,
];

const learningCells = (e: LearningRow): Cell[] => [
  e.id, e.eventId, e.tenantId, e.occurredAt, e.receivedAt, e.subjectId, e.sessionId, e.type, e.course, e.activity,
  e.subjectArea, e.score, e.maxScore, e.goalId, e.goalBaseline, e.goalCurrent, e.goalTarget, e.anonymizedAt,
];

const sessionCells = (s: SessionUpdate): Cell[] => [
  s.id, s.tenantId, s.subjectId, s.anonymousId, s.startedAt, s.endedAt, s.pageViews, s.eventCount, s.entryPage, s.exitPage,
  s.deviceType, s.browser, s.os,
];

const SUBJECT_STAGING = `CREATE TEMP TABLE IF NOT EXISTS new_subjects (
  id VARCHAR, tenant_id VARCHAR, pseudonym VARCHAR, kind VARCHAR, consent_state VARCHAR, created_at TIMESTAMPTZ)`;

const SESSION_STAGING = `CREATE TEMP TABLE IF NOT EXISTS session_updates (
  id VARCHAR, tenant_id VARCHAR, subject_id VARCHAR, anonymous_id VARCHAR, started_at TIMESTAMPTZ, ended_at TIMESTAMPTZ,
  page_views INTEGER, event_count INTEGER, entry_page VARCHAR, exit_page VARCHAR, device_type VARCHAR, browser VARCHAR, os VARCHAR)`;

/** Merge a batch's session state into the stored session: widen the time span, add counts,
 * keep the entry page of the earliest and the exit page of the latest event. An anonymised
 * session is never linked to a person again. */
const SESSION_UPSERT = `
INSERT INTO sessions
SELECT id, tenant_id, subject_id, anonymous_id, started_at, ended_at,
       epoch_ms(ended_at) - epoch_ms(started_at), page_views, event_count, entry_page, exit_page,
       device_type, browser, os, NULL, md5_number(id)
FROM session_updates
ON CONFLICT (key) DO UPDATE SET
  subject_id = CASE WHEN sessions.anonymized_at IS NULL THEN coalesce(sessions.subject_id, excluded.subject_id) END,
  anonymous_id = CASE WHEN sessions.anonymized_at IS NULL THEN coalesce(sessions.anonymous_id, excluded.anonymous_id) END,
  started_at = least(sessions.started_at, excluded.started_at),
  ended_at = greatest(sessions.ended_at, excluded.ended_at),
  duration_ms = epoch_ms(greatest(sessions.ended_at, excluded.ended_at)) - epoch_ms(least(sessions.started_at, excluded.started_at)),
  page_views = sessions.page_views + excluded.page_views,
  event_count = sessions.event_count + excluded.event_count,
  entry_page = CASE WHEN excluded.started_at < sessions.started_at THEN coalesce(excluded.entry_page, sessions.entry_page) ELSE coalesce(sessions.entry_page, excluded.entry_page) END,
  exit_page = CASE WHEN excluded.ended_at >= sessions.ended_at THEN coalesce(excluded.exit_page, sessions.exit_page) ELSE coalesce(sessions.exit_page, excluded.exit_page) END,
  device_type = coalesce(sessions.device_type, excluded.device_type),
  browser = coalesce(sessions.browser, excluded.browser),
  os = coalesce(sessions.os, excluded.os)`;

export function createDuckDbEventStore(db: Db, readDb: Db): EventStore {
  let staged = false;
  const append = async (table: string, rows: Cell[][]) => {
    if (rows.length === 0) return;
    const a = await db.raw.createAppender(table);
    try {
      for (const r of rows) appendRow(a, r);
    } finally {
      a.closeSync();
    }
  };

  return {
    async commitIngest(w: IngestWrite) {
      if (!staged) {
        await db.run(SUBJECT_STAGING);
        await db.run(SESSION_STAGING);
        staged = true;
      }
      await db.transaction(async () => {
        // Rows go through appenders into staging tables, then one statement each: a statement per
        // row costs about a millisecond in DuckDB.
        if (w.newSubjects.length > 0) {
          const now = new Date();
          await append('new_subjects', w.newSubjects.map((s) => [s.id, s.tenantId, s.pseudonym, s.kind, s.consentState, now]));
          await db.run(`INSERT INTO subjects (id, tenant_id, pseudonym, kind, consent_state, created_at)
            SELECT id, tenant_id, pseudonym, kind, consent_state, created_at FROM new_subjects ON CONFLICT DO NOTHING`);
          await db.run('DELETE FROM new_subjects');
        }
        await append('events', w.events.map(eventCells));
        await append('error_events', w.errors.map(errorCells));
        await append('learning_events', w.learning.map(learningCells));
        if (w.sessions.length > 0) {
          await append('session_updates', w.sessions.map(sessionCells));
          await db.run(SESSION_UPSERT);
          await db.run('DELETE FROM session_updates');
        }
      });
    },

    async dedupeKeysSince(since, onChunk) {
      const result = await readDb.raw.stream(
        'SELECT dedupe_key FROM events WHERE received_at >= $1::TIMESTAMPTZ AND dedupe_key IS NOT NULL',
        [since.toISOString()],
      );
      for (;;) {
        const chunk = await result.fetchChunk();
        if (!chunk || chunk.rowCount === 0) break;
        onChunk(chunk.getColumnValues(0) as bigint[]);
      }
    },

    async openSessionsSince(since) {
      const rows = await readDb.all<{ id: string; tenant_id: string; visitor: string | null; ended_at: Date }>(
        `SELECT id, tenant_id, coalesce(subject_id, anonymous_id) AS visitor, ended_at FROM sessions
         WHERE ended_at >= $1::TIMESTAMPTZ AND anonymized_at IS NULL`,
        [since.toISOString()],
      );
      return rows.map((r) => ({ id: r.id, tenantId: r.tenant_id, visitor: r.visitor, endedAt: r.ended_at }));
    },

    async countEvents(tenantId) {
      const r = tenantId
        ? await readDb.one<{ n: bigint }>('SELECT count(*) AS n FROM events WHERE tenant_id = $1', [tenantId])
        : await readDb.one<{ n: bigint }>('SELECT count(*) AS n FROM events');
      return Number(r?.n ?? 0);
    },
  };
}

export { micros };
