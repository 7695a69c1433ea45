import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { subjectTables } from '../../src/privacy/inventory.ts';
import { startTestServer, type TestServer } from '../helpers/harness.ts';
import { filesContaining, findEverywhere, identifyingValuesOf, plantPerson, rowsOf } from './rights-fixtures.ts';

const A = 'learner-erased-7731';
const B = 'learner-kept-4410';

describe('erasure of one person', () => {
  let t: TestServer;
  let adminKey: string;
  let subjectA = '';
  let subjectB = '';
  let pseudonymA = '';
  let valuesA = new Set<string>();
  let before: Record<string, string[]>;
  let job: any;

  const post = async (url: string, payload: unknown) => {
    const r = await t.app.inject({ method: 'POST', url, headers: { authorization: `Bearer ${adminKey}` }, payload: payload as object });
    return { status: r.statusCode, body: r.json() };
  };

  beforeAll(async () => {
    t = await startTestServer();
    adminKey = t.tenant.keys.admin;
    await plantPerson(t, A, 'guardian-of-a');
    await plantPerson(t, B, 'guardian-of-b');
    const tenantId = t.tenant.tenantId;
    subjectA = (await t.services.subjectRows.find(tenantId, A))!.id;
    subjectB = (await t.services.subjectRows.find(tenantId, B))!.id;
    pseudonymA = t.services.subjectRows.pseudonym(tenantId, A);
    // Exports of both people, and of the whole tenant: files on disk that hold A's rows.
    for (const body of [{ subject: A, format: 'both' }, { subject: B }]) expect((await post('/api/v1/privacy/export', body)).status).toBe(202);
    await t.services.rights.worker.runDue();
    valuesA = await identifyingValuesOf(t, subjectA);
    before = await rowsOf(t, subjectB);
  });
  afterAll(() => t?.close());

  it('had planted the first person in every table the inventory links to a person', async () => {
    for (const { table, column } of subjectTables()) {
      if (table === 'privacy_jobs' || column !== subjectTables().find((x) => x.table === table)!.column) continue;
      const n = await t.query<{ n: bigint }>(`SELECT count(*) AS n FROM "${table}" WHERE "${column}" = $1`, [subjectA]);
      expect(Number(n[0]!.n), `${table}.${column} has no row of the planted person: plant one in rights-fixtures.ts`).toBeGreaterThan(0);
    }
    const guardianships = await t.query<{ n: bigint }>('SELECT count(*) AS n FROM guardianships WHERE learner_subject_id = $1', [subjectA]);
    expect(Number(guardianships[0]!.n)).toBe(1);
    const jobs = await t.query<{ n: bigint }>("SELECT count(*) AS n FROM privacy_jobs WHERE subject_id = $1 AND file IS NOT NULL", [subjectA]);
    expect(Number(jobs[0]!.n)).toBe(1);
    expect(valuesA.size).toBeGreaterThanOrEqual(2);
  });

  it('refuses a confirmation that does not repeat the user id, storing nothing', async () => {
    const jobsBefore = await t.query('SELECT id FROM privacy_jobs');
    const r = await post('/api/v1/privacy/delete', { subject: A, confirm: A.toUpperCase(), grace_period_days: 0 });
    expect(r.status).toBe(400);
    expect(r.body.error.code).toBe('EBB_CONFIRMATION_MISMATCH');
    expect(await t.query('SELECT id FROM privacy_jobs')).toHaveLength(jobsBefore.length);
  });

  it('erases every row, file and link of the person, and the job records a clean scan', async () => {
    const r = await post('/api/v1/privacy/delete', { subject: A, confirm: A, grace_period_days: 0 });
    expect(r.status).toBe(202);
    expect(r.body.job.state).toBe('pending');
    await t.services.rights.worker.runDue();
    job = (await t.app.inject({ method: 'GET', url: `/api/v1/privacy/jobs/${r.body.job.id}`, headers: { authorization: `Bearer ${adminKey}` } })).json().job;
    expect(job.state, JSON.stringify(job)).toBe('succeeded');
    expect(job.result.verification.clean).toBe(true);
    expect(job.result.verification.tablesScanned).toBeGreaterThan(10);
    expect(job.result.exportFilesDeleted).toBeGreaterThanOrEqual(1);
    expect(job.result.kept).toMatch(/differentially private stay/);
    expect(job.subjectId).toBeNull();
  });

  it('leaves nothing of the person in any column of any table', async () => {
    for (const value of [A, pseudonymA, ...valuesA]) {
      const where = await findEverywhere(t, value);
      // The audit log keeps internal ids by design (no pseudonym, no user id): the subject id alone may stay there.
      const allowed = value === subjectA ? where.filter((w) => !w.startsWith('audit_log.')) : where;
      expect(allowed, `${value === A ? 'user id' : value === pseudonymA ? 'pseudonym' : 'identifying value'} found`).toEqual([]);
    }
    expect(await findEverywhere(t, subjectA).then((w) => w.filter((x) => !x.startsWith('audit_log.')))).toEqual([]);
  });

  it('leaves nothing of the person in any file of the data directory', () => {
    // The database file itself is left out: DuckDB marks deleted rows and reuses their blocks, so
    // bytes of deleted rows can sit in free blocks until overwritten (docs/rights.md says so). The
    // write-ahead log, which would hold them as inserted, is checked: erasure checkpoints it away.
    const skip = (f: string) => path.basename(f) === 'ebb.duckdb';
    for (const value of [A, pseudonymA, subjectA, ...valuesA]) expect(filesContaining(t.dataDir, value, skip), value).toEqual([]);
  });

  it('leaves the other person exactly as they were, and their export file', async () => {
    expect(await rowsOf(t, subjectB)).toEqual(before);
    const exportsOfB = await t.query<{ file: string; file_deleted_at: unknown }>('SELECT file, file_deleted_at FROM privacy_jobs WHERE subject_id = $1', [subjectB]);
    expect(exportsOfB).toHaveLength(1);
    expect(exportsOfB[0]!.file_deleted_at).toBeNull();
  });

  it('forgets the person in ingest: a new event makes a new subject, not the erased one', async () => {
    const r = await t.send([{ type: 'page_view', userId: A, page: { path: '/home' } }]);
    expect(r.status).toBe(200);
    const again = await t.services.subjectRows.find(t.tenant.tenantId, A);
    expect(again).not.toBeNull();
    expect(again!.id).not.toBe(subjectA);
  });

  it('audits the request and every state change', async () => {
    const rows = await t.query<{ action: string }>('SELECT action FROM audit_log WHERE target = $1 ORDER BY seq', [job.id]);
    expect(rows.map((r) => r.action)).toEqual(['rights.erase.requested', 'rights.job.started', 'rights.job.succeeded']);
    expect((await t.services.audit.verify()).ok).toBe(true);
  });
});
