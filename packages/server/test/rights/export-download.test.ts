import { readFileSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { unzipSync } from 'fflate';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createManualClock } from '../../src/core/clock.ts';
import { INVENTORY, subjectTables, type TableEntry } from '../../src/privacy/inventory.ts';
import { startTestServer, type TestServer } from '../helpers/harness.ts';
import { plantPerson } from './rights-fixtures.ts';

const clock = createManualClock('2026-05-04T08:00:00Z');
const A = 'learner-export-1';
const B = 'learner-export-2';

/** A value as DuckDB writes it to JSON, compared with the value read from the store. */
function same(stored: unknown, exported: unknown): boolean {
  if (stored === null || stored === undefined) return exported === null || exported === undefined;
  if (stored instanceof Date) {
    const text = String(exported);
    const iso = text.includes(' ') ? text.replace(' ', 'T').replace(/([+-]\d\d)$/, '$1:00') : text;
    return new Date(iso).getTime() === stored.getTime();
  }
  if (typeof stored === 'bigint') return BigInt(exported as number) === stored;
  if (typeof stored === 'string' && (stored.startsWith('{') || stored.startsWith('['))) return JSON.stringify(JSON.parse(stored)) === JSON.stringify(exported);
  if (typeof stored === 'object') return JSON.stringify(stored) === JSON.stringify(exported);
  return stored === exported;
}

describe('export of one person, and its download link', () => {
  let t: TestServer;
  let key: string;
  let subjectA = '';
  let job: any;
  let zip: Record<string, Uint8Array>;
  const get = (url: string) => t.app.inject({ method: 'GET', url, headers: { authorization: `Bearer ${key}` } });

  beforeAll(async () => {
    t = await startTestServer({ clock });
    key = t.tenant.keys.admin;
    await plantPerson(t, A, 'guardian-export');
    await plantPerson(t, B, 'guardian-export');
    subjectA = (await t.services.subjectRows.find(t.tenant.tenantId, A))!.id;
    const r = await t.app.inject({ method: 'POST', url: '/api/v1/privacy/export', headers: { authorization: `Bearer ${key}` }, payload: { subject: A, format: 'both' } });
    expect(r.statusCode).toBe(202);
    await t.services.rights.worker.runDue();
    job = (await get(`/api/v1/privacy/jobs/${r.json().job.id}`)).json().job;
    expect(job.state, JSON.stringify(job)).toBe('succeeded');
    const dl = await t.app.inject({ method: 'GET', url: job.download.url });
    expect(dl.statusCode).toBe(200);
    expect(dl.headers['content-type']).toBe('application/zip');
    zip = unzipSync(dl.rawPayload);
  });
  afterAll(() => t?.close());

  it('holds a README and one JSON and one CSV file per table the inventory links to a person', () => {
    const exportedTables = [...new Set(subjectTables().filter((s) => s.entry.exported === undefined).map((s) => s.table))];
    expect(Object.keys(zip).sort()).toEqual(['README.txt', ...exportedTables.flatMap((tb) => [`${tb}.csv`, `${tb}.json`])].sort());
    const readme = Buffer.from(zip['README.txt']!).toString('utf8');
    expect(readme).toMatch(/everything Ebb.*stores about you/);
    expect(readme).toMatch(/keyed pseudonym \(HMAC-SHA256/);
    expect(readme).toMatch(/- events \(\d+ rows\).*\n  Kept: full detail for 90 days, then anonymised.*deleted after 730 days/);
    expect(readme).toMatch(/- error_events .*\n  Kept: .*deleted after 365 days/);
    expect(readme).toMatch(/deleted from the server 7 days after/);
  });

  it('equals what the store holds about the person, row for row and column for column', async () => {
    for (const [table, entry] of Object.entries(INVENTORY) as Array<[string, TableEntry]>) {
      if (!zip[`${table}.json`]) continue;
      const columns = [entry.subjectColumn, ...(entry.otherSubjectColumns ?? [])].filter(Boolean) as string[];
      const stored = await t.query(`SELECT * FROM "${table}" WHERE ${columns.map((c) => `"${c}" = $1`).join(' OR ')}`, [subjectA]);
      const exported = JSON.parse(Buffer.from(zip[`${table}.json`]!).toString('utf8')) as Array<Record<string, unknown>>;
      expect(exported.length, table).toBe(stored.length);
      expect(stored.length, `${table} was planted`).toBeGreaterThan(0);
      const csvLines = Buffer.from(zip[`${table}.csv`]!).toString('utf8').trim().split('\n');
      expect(csvLines.length - 1, `${table}.csv rows`).toBeGreaterThanOrEqual(stored.length);
      const left = [...stored];
      for (const row of exported) {
        // Each exported row matches one stored row in every exported column.
        const i = left.findIndex((s) => Object.entries(row).every(([c, v]) => same(s[c], v)));
        expect(i, `${table}: ${JSON.stringify(row)} matches no stored row`).toBeGreaterThanOrEqual(0);
        left.splice(i, 1);
        const hidden = entry.notExportedColumns ?? [];
        expect(Object.keys(row).sort()).toEqual(Object.keys(stored[0]!).filter((c) => !hidden.includes(c)).sort());
      }
    }
  });

  it('holds nothing of the other person, nor the pseudonym', async () => {
    const subjectB = (await t.services.subjectRows.find(t.tenant.tenantId, B))!.id;
    const pseudonymA = t.services.subjectRows.pseudonym(t.tenant.tenantId, A);
    for (const [name, data] of Object.entries(zip)) {
      const text = Buffer.from(data).toString('utf8');
      expect(text.includes(subjectB), name).toBe(false);
      expect(text.includes(pseudonymA), name).toBe(false);
      expect(text.includes(A), `${name} holds the app's user id`).toBe(false);
    }
  });

  it('is stored private (0600) under <dataDir>/exports/<tenant>/', async () => {
    const [row] = await t.query<{ file: string }>('SELECT file FROM privacy_jobs WHERE id = $1', [job.id]);
    expect(row!.file).toBe(`${t.tenant.tenantId}/${job.id}.zip`);
    const full = path.join(t.dataDir, 'exports', row!.file);
    expect(statSync(full).mode & 0o777).toBe(0o600);
    expect(statSync(path.dirname(full)).mode & 0o777).toBe(0o700);
    expect(job.result).toMatchObject({ scope: 'subject', format: 'both', linkExpiresAfterHours: 24 });
  });

  it('audits the download', async () => {
    const rows = await t.query<{ action: string; actor: string }>('SELECT action, actor FROM audit_log WHERE target = $1 ORDER BY seq', [job.id]);
    expect(rows.map((r) => r.action)).toEqual(['rights.export.requested', 'rights.job.started', 'rights.job.succeeded', 'rights.export.downloaded']);
  });

  it('refuses a tampered link with 403', async () => {
    const token = job.download.url.split('/').pop() as string;
    const [id, expires, sig] = token.split('.') as [string, string, string];
    const flip = (s: string) => (s[0] === 'A' ? 'B' : 'A') + s.slice(1);
    for (const bad of [`${id}.${expires}.${flip(sig)}`, `${id}.${Number(expires) + 3600}.${sig}`, `rj_${'0'.repeat(32)}.${expires}.${sig}`, `${id}.${expires}`, 'x']) {
      const r = await t.app.inject({ method: 'GET', url: `/api/v1/privacy/downloads/${bad}` });
      expect(r.statusCode, bad).toBe(403);
      expect(r.json().error.code).toBe('EBB_DOWNLOAD_LINK_INVALID');
    }
  });

  it('refuses a link signed for another tenant', async () => {
    const other = t.services.rights.links.sign({ id: job.id, tenantId: 't_someone_else' }, new Date(clock.now().getTime() + 3600_000));
    const r = await t.app.inject({ method: 'GET', url: `/api/v1/privacy/downloads/${other}` });
    expect(r.statusCode).toBe(403);
  });

  it('cannot be led outside the exports folder', async () => {
    const secrets = readFileSync(path.join(t.dataDir, 'secrets.json'), 'utf8');
    for (const url of ['/api/v1/privacy/downloads/..%2F..%2Fsecrets.json', '/api/v1/privacy/downloads/..%2f..%2fsecrets.json', '/api/v1/privacy/downloads/%2e%2e%2f%2e%2e%2fsecrets.json', '/api/v1/privacy/downloads/../../secrets.json']) {
      const r = await t.app.inject({ method: 'GET', url });
      expect([403, 404], url).toContain(r.statusCode);
      expect(r.body.includes(secrets.slice(10, 40)), url).toBe(false);
    }
    // A job record pointing outside the folder (a damaged store) is not served either.
    const [row] = await t.query<{ file: string }>('SELECT file FROM privacy_jobs WHERE id = $1', [job.id]);
    await t.services.store.privacyJobs.updateJob(job.id, { file: '../secrets.json' });
    try {
      const r = await t.app.inject({ method: 'GET', url: job.download.url });
      expect(r.statusCode).toBe(403);
      expect(r.body.includes(secrets.slice(10, 40))).toBe(false);
    } finally {
      await t.services.store.privacyJobs.updateJob(job.id, { file: row!.file });
    }
  });

  it('answers 410 once the link has expired, and once the file is gone', async () => {
    clock.advance(24 * 3600_000 - 1000);
    expect((await t.app.inject({ method: 'GET', url: job.download.url })).statusCode).toBe(200);
    clock.advance(1000);
    const expired = await t.app.inject({ method: 'GET', url: job.download.url });
    expect(expired.statusCode).toBe(410);
    expect(expired.json().error.code).toBe('EBB_DOWNLOAD_LINK_EXPIRED');
    expect((await get(`/api/v1/privacy/jobs/${job.id}`)).json().job.download).toBeNull();
    const fresh = t.services.rights.links.sign({ id: job.id, tenantId: t.tenant.tenantId }, new Date(clock.now().getTime() + 3600_000));
    writeFileSync(path.join(t.dataDir, 'exports', t.tenant.tenantId, `${job.id}.zip`), '');
    await t.services.store.privacyJobs.updateJob(job.id, { fileDeletedAt: clock.now() });
    const gone = await t.app.inject({ method: 'GET', url: `/api/v1/privacy/downloads/${fresh}` });
    expect(gone.statusCode).toBe(410);
    expect(gone.json().error.code).toBe('EBB_EXPORT_FILE_GONE');
  });

  it('falls under retention: the export_files policy deletes the file', async () => {
    const r = await t.app.inject({ method: 'POST', url: '/api/v1/privacy/export', headers: { authorization: `Bearer ${key}` }, payload: { subject: B } });
    await t.services.rights.worker.runDue();
    const done = (await get(`/api/v1/privacy/jobs/${r.json().job.id}`)).json().job;
    const full = path.join(t.dataDir, 'exports', t.tenant.tenantId, `${done.id}.zip`);
    expect(statSync(full).size).toBeGreaterThan(0);
    clock.advance(8 * 24 * 3600_000);
    await t.services.retentionRunner.run({ tenantId: t.tenant.tenantId, actor: 'test' });
    expect(() => statSync(full)).toThrow();
    const after = (await get(`/api/v1/privacy/jobs/${done.id}`)).json().job;
    expect(after.download).toBeNull();
  });
});

describe('export of a whole tenant', () => {
  it('holds every person of the tenant in the tenant\'s tables, and no keys', async () => {
    const t = await startTestServer();
    try {
      await plantPerson(t, 'tenant-a', 'tenant-g');
      await plantPerson(t, 'tenant-b', 'tenant-g');
      const { populateTenant, sessionHeaders } = await import('../access/access-fixtures.ts');
      const fixture = await populateTenant(t, t.tenant, 'export');
      const headers = await sessionHeaders(t, fixture.accounts.owner);
      const r = await t.app.inject({ method: 'POST', url: '/api/v1/privacy/export', headers, payload: { scope: 'tenant', format: 'json' } });
      expect(r.statusCode).toBe(202);
      await t.services.rights.worker.runDue();
      const job = (await t.app.inject({ method: 'GET', url: `/api/v1/privacy/jobs/${r.json().job.id}`, headers })).json().job;
      expect(job.state).toBe('succeeded');
      const zip = unzipSync((await t.app.inject({ method: 'GET', url: job.download.url })).rawPayload);
      const events = JSON.parse(Buffer.from(zip['events.json']!).toString('utf8')) as unknown[];
      const [n] = await t.query<{ n: bigint }>('SELECT count(*) AS n FROM events WHERE tenant_id = $1', [t.tenant.tenantId]);
      expect(events.length).toBe(Number(n!.n));
      expect(zip['subjects.json']).toBeDefined();
      expect(zip['api_keys.json']).toBeUndefined();
      expect(zip['privacy_jobs.json']).toBeUndefined();
      expect(Buffer.from(zip['README.txt']!).toString('utf8')).toMatch(/whole tenant/);
    } finally {
      await t.close();
    }
  });
});
