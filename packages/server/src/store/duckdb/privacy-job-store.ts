import type { DuckDBValue } from '@duckdb/node-api';
import type { Db, Row } from './connection.ts';
import type { PrivacyJobKind, PrivacyJobRecord, PrivacyJobState, PrivacyJobStore } from '../ports.ts';

const date = (v: unknown): Date | null => (v == null ? null : v instanceof Date ? v : new Date(String(v)));
const text = (v: unknown): string | null => (v == null ? null : String(v));
const json = (v: unknown): Record<string, unknown> | null => (v == null ? null : typeof v === 'string' ? (JSON.parse(v) as Record<string, unknown>) : (v as Record<string, unknown>));

const toJob = (r: Row): PrivacyJobRecord => ({
  id: String(r.id),
  tenantId: text(r.tenant_id),
  kind: String(r.kind) as PrivacyJobKind,
  state: String(r.state) as PrivacyJobState,
  requester: String(r.requester),
  subjectId: text(r.subject_id),
  params: json(r.params) ?? {},
  graceDeadline: date(r.grace_deadline),
  result: json(r.result),
  file: text(r.file),
  fileDeletedAt: date(r.file_deleted_at),
  expiresAt: date(r.expires_at),
  error: text(r.error),
  attempts: Number(r.attempts),
  createdAt: date(r.created_at)!,
  startedAt: date(r.started_at),
  finishedAt: date(r.finished_at),
  runAfter: date(r.run_after),
});

/** Column and SQL cast of every field an update may change. */
const CHANGEABLE: Record<string, { column: string; cast?: string; encode?: (v: unknown) => DuckDBValue }> = {
  state: { column: 'state' },
  requester: { column: 'requester' },
  subjectId: { column: 'subject_id' },
  params: { column: 'params', encode: (v) => JSON.stringify(v ?? {}) },
  graceDeadline: { column: 'grace_deadline', cast: '::TIMESTAMPTZ' },
  result: { column: 'result', encode: (v) => (v == null ? null : JSON.stringify(v)) },
  file: { column: 'file' },
  fileDeletedAt: { column: 'file_deleted_at', cast: '::TIMESTAMPTZ' },
  expiresAt: { column: 'expires_at', cast: '::TIMESTAMPTZ' },
  error: { column: 'error' },
  attempts: { column: 'attempts' },
  startedAt: { column: 'started_at', cast: '::TIMESTAMPTZ' },
  finishedAt: { column: 'finished_at', cast: '::TIMESTAMPTZ' },
  runAfter: { column: 'run_after', cast: '::TIMESTAMPTZ' },
};

/** `SET` clauses of a change, with their parameters appended to `params`. */
function setClauses(change: Record<string, unknown>, params: DuckDBValue[]): string[] {
  const sets: string[] = [];
  for (const [field, value] of Object.entries(change)) {
    const spec = CHANGEABLE[field];
    if (!spec || value === undefined) continue;
    params.push(spec.encode ? spec.encode(value) : encode(value));
    sets.push(`${spec.column} = $${params.length}${spec.cast ?? ''}`);
  }
  return sets;
}

const encode = (v: unknown): DuckDBValue => (v instanceof Date ? v.toISOString() : (v as DuckDBValue));

/** Privacy jobs in DuckDB. */
export function createDuckDbPrivacyJobStore(db: Db): PrivacyJobStore {
  return {
    async insertJob(j) {
      await db.run(
        `INSERT INTO privacy_jobs (id, tenant_id, kind, state, requester, subject_id, params, grace_deadline, result, file,
           file_deleted_at, expires_at, error, attempts, created_at, started_at, finished_at, run_after)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8::TIMESTAMPTZ, $9, $10, $11::TIMESTAMPTZ,
           $12::TIMESTAMPTZ, $13, $14, $15::TIMESTAMPTZ, $16::TIMESTAMPTZ, $17::TIMESTAMPTZ, $18::TIMESTAMPTZ)`,
        [
          j.id, j.tenantId, j.kind, j.state, j.requester, j.subjectId, JSON.stringify(j.params), encode(j.graceDeadline),
          j.result == null ? null : JSON.stringify(j.result), j.file, encode(j.fileDeletedAt), encode(j.expiresAt), j.error,
          j.attempts, encode(j.createdAt), encode(j.startedAt), encode(j.finishedAt), encode(j.runAfter ?? null),
        ],
      );
    },
    async getJob(id) {
      const r = await db.one('SELECT * FROM privacy_jobs WHERE id = $1', [id]);
      return r ? toJob(r) : null;
    },
    async updateJob(id, change) {
      const params: DuckDBValue[] = [id];
      const sets = setClauses(change, params);
      if (sets.length === 0) return;
      await db.run(`UPDATE privacy_jobs SET ${sets.join(', ')} WHERE id = $1`, params);
    },
    async transitionJob(id, from, change) {
      const params: DuckDBValue[] = [id];
      const sets = setClauses(change, params);
      const states = from.map((s) => `$${params.push(s)}`).join(', ');
      const r = await db.one(`UPDATE privacy_jobs SET ${sets.join(', ')} WHERE id = $1 AND state IN (${states}) RETURNING id`, params);
      return r !== null;
    },
    async listJobs(filter) {
      const where: string[] = [];
      const params: DuckDBValue[] = [];
      if (filter.tenantId === null) where.push('tenant_id IS NULL');
      else if (filter.tenantId !== undefined) where.push(`tenant_id = $${params.push(filter.tenantId)}`);
      if (filter.kind) where.push(`kind = $${params.push(filter.kind)}`);
      if (filter.kinds?.length) where.push(`kind IN (${filter.kinds.map((k) => `$${params.push(k)}`).join(', ')})`);
      if (filter.subjectId === null) where.push('subject_id IS NULL');
      else if (filter.subjectId !== undefined) where.push(`subject_id = $${params.push(filter.subjectId)}`);
      if (filter.before) {
        const t = `$${params.push(filter.before.createdAt.toISOString())}::TIMESTAMPTZ`;
        where.push(`(created_at < ${t} OR (created_at = ${t} AND id < $${params.push(filter.before.id)}))`);
      }
      if (filter.states?.length) where.push(`state IN (${filter.states.map((s) => `$${params.push(s)}`).join(', ')})`);
      const limit = Math.max(1, Math.min(filter.limit ?? 100, 10_000));
      const sql = `SELECT * FROM privacy_jobs ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY created_at DESC, id DESC LIMIT ${limit}`;
      return (await db.all(sql, params)).map(toJob);
    },
    async jobsWithFilesBefore(tenantId, before) {
      const rows = await db.all(
        `SELECT * FROM privacy_jobs WHERE tenant_id = $1 AND file IS NOT NULL AND file_deleted_at IS NULL
           AND coalesce(finished_at, created_at) <= $2::TIMESTAMPTZ ORDER BY created_at`,
        [tenantId, before.toISOString()],
      );
      return rows.map(toJob);
    },
    async trackedFiles() {
      const rows = await db.all<{ file: string }>('SELECT DISTINCT file FROM privacy_jobs WHERE file IS NOT NULL');
      return new Set(rows.map((r) => r.file));
    },
  };
}
