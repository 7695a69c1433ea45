import { randomUUID } from 'node:crypto';
import type { TestServer } from '../helpers/harness.ts';

/**
 * Rows written straight into the event tables, so metric tests state exactly what is stored
 * (including rows retention has already anonymised: no subject, no session, anonymized_at set).
 */
export interface EventFixture {
  at: string;
  type: string;
  category?: string;
  subject?: string | null;
  anonymous?: string | null;
  session?: string | null;
  page?: string | null;
  durationMs?: number | null;
  loadTimeMs?: number | null;
  props?: Record<string, unknown> | null;
  anonymized?: boolean;
}

const lit = (v: unknown): string => {
  if (v === null || v === undefined) return 'NULL';
  if (typeof v === 'number') return String(v);
  return `'${String(v).replaceAll("'", "''")}'`;
};

export async function insertEvents(t: TestServer, tenantId: string, rows: EventFixture[]): Promise<void> {
  if (rows.length === 0) return;
  const values = rows.map((r) => {
    const anonymized = r.anonymized ?? false;
    return `(${lit(randomUUID())}, ${lit(tenantId)}, ${lit(r.at)}::TIMESTAMPTZ, ${lit(r.at)}::TIMESTAMPTZ, ${lit(r.category ?? 'custom')}, ${lit(r.type)},
      ${lit(anonymized ? null : r.subject ?? null)}, ${lit(anonymized ? null : r.session ?? null)}, ${lit(anonymized ? null : r.anonymous ?? null)},
      ${lit(r.page ?? null)}, ${lit(r.durationMs ?? null)}, ${lit(r.loadTimeMs ?? null)}, ${r.props ? `${lit(JSON.stringify(r.props))}::JSON` : 'NULL'},
      ${anonymized ? `${lit(r.at)}::TIMESTAMPTZ` : 'NULL'})`;
  });
  await t.query(`INSERT INTO events (id, tenant_id, occurred_at, received_at, category, type, subject_id, session_id, anonymous_id, page_path, duration_ms, load_time_ms, props, anonymized_at) VALUES ${values.join(',\n')}`);
}

export interface SessionFixture {
  id?: string;
  subject?: string | null;
  start: string;
  durationMs: number;
  pageViews?: number;
  entryPage?: string | null;
  anonymized?: boolean;
}

export async function insertSessions(t: TestServer, tenantId: string, rows: SessionFixture[]): Promise<void> {
  if (rows.length === 0) return;
  const values = rows.map((r) => {
    const end = new Date(Date.parse(r.start) + r.durationMs).toISOString();
    const id = lit(r.id ?? randomUUID());
    return `(${id}, md5_number(${id}), ${lit(tenantId)}, ${lit(r.anonymized ? null : r.subject ?? null)}, ${lit(r.start)}::TIMESTAMPTZ, ${lit(end)}::TIMESTAMPTZ, ${r.durationMs},
      ${r.pageViews ?? 1}, ${r.pageViews ?? 1}, ${lit(r.entryPage ?? null)}, ${lit(r.entryPage ?? null)}, ${r.anonymized ? `${lit(r.start)}::TIMESTAMPTZ` : 'NULL'})`;
  });
  await t.query(`INSERT INTO sessions (id, key, tenant_id, subject_id, started_at, ended_at, duration_ms, page_views, event_count, entry_page, exit_page, anonymized_at) VALUES ${values.join(',\n')}`);
}

export interface LearningFixture {
  at: string;
  subject: string | null;
  type?: string;
  area?: string | null;
  score?: number | null;
  maxScore?: number | null;
  goal?: { id: string; baseline: number; current: number; target: number };
  anonymized?: boolean;
}

export async function insertLearning(t: TestServer, tenantId: string, rows: LearningFixture[]): Promise<void> {
  if (rows.length === 0) return;
  const values = rows.map((r) => `(${lit(randomUUID())}, ${lit(randomUUID())}, ${lit(tenantId)}, ${lit(r.at)}::TIMESTAMPTZ, ${lit(r.at)}::TIMESTAMPTZ, ${lit(r.anonymized ? null : r.subject)},
    ${lit(r.type ?? (r.goal ? 'goal_progress' : 'assessment_submitted'))}, ${lit(r.area ?? null)}, ${lit(r.score ?? null)}, ${lit(r.maxScore ?? null)},
    ${lit(r.goal?.id ?? null)}, ${lit(r.goal?.baseline ?? null)}, ${lit(r.goal?.current ?? null)}, ${lit(r.goal?.target ?? null)}, ${r.anonymized ? `${lit(r.at)}::TIMESTAMPTZ` : 'NULL'})`);
  await t.query(`INSERT INTO learning_events (id, event_id, tenant_id, occurred_at, received_at, subject_id, type, subject_area, score, max_score, goal_id, goal_baseline, goal_current, goal_target, anonymized_at) VALUES ${values.join(',\n')}`);
}

export interface ErrorFixture {
  at: string;
  type: string;
  subject?: string | null;
  message?: string | null;
  component?: string | null;
  anonymized?: boolean;
}

export async function insertErrors(t: TestServer, tenantId: string, rows: ErrorFixture[]): Promise<void> {
  if (rows.length === 0) return;
  const values = rows.map((r) => `(${lit(randomUUID())}, ${lit(randomUUID())}, ${lit(tenantId)}, ${lit(r.at)}::TIMESTAMPTZ, ${lit(r.at)}::TIMESTAMPTZ, ${lit(r.anonymized ? null : r.subject ?? null)},
    ${lit(r.type)}, ${lit(r.message ?? null)}, ${lit(r.component ?? null)}, ${r.anonymized ? `${lit(r.at)}::TIMESTAMPTZ` : 'NULL'})`);
  await t.query(`INSERT INTO error_events (id, event_id, tenant_id, occurred_at, received_at, subject_id, error_type, message, component, anonymized_at) VALUES ${values.join(',\n')}`);
}

/** Subjects rows (learners by default) with the given internal ids. */
export async function insertSubjects(t: TestServer, tenantId: string, ids: string[], kind = 'learner', createdAt = '2026-01-01T00:00:00Z'): Promise<void> {
  if (ids.length === 0) return;
  const values = ids.map((id) => `(${lit(id)}, ${lit(tenantId)}, ${lit(`p-${id}`)}, ${lit(kind)}, ${lit(createdAt)}::TIMESTAMPTZ)`);
  await t.query(`INSERT INTO subjects (id, tenant_id, pseudonym, kind, created_at) VALUES ${values.join(',')}`);
}

/** The metric connection of the server (what the analytics service reads with). */
export async function metricDb(t: TestServer) {
  return t.services.store.connect();
}
