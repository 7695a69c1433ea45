import { afterEach, describe, expect, it } from 'vitest';
import type { CreatedTenant } from '../../src/access/tenants.ts';
import { startTestServer, type TestServer } from '../helpers/harness.ts';
import { bearer, populateTenant, sessionHeaders } from './access-fixtures.ts';

describe('audit routes: GET /api/v1/audit and /api/v1/audit/verify', () => {
  let t: TestServer;
  let other: CreatedTenant;
  afterEach(() => t?.close());

  const list = async (query: string, key = t.tenant.keys.admin) => {
    const res = await t.app.inject({ method: 'GET', url: `/api/v1/audit${query}`, headers: bearer(key) });
    return { status: res.statusCode, body: res.json() };
  };
  const verify = async (key = t.tenant.keys.admin) => (await t.app.inject({ method: 'GET', url: '/api/v1/audit/verify', headers: bearer(key) })).json();

  /** A tenant with `n` entries of its own (test.step.i), interleaved with another tenant's and system entries. */
  async function start(n: number) {
    t = await startTestServer();
    other = await t.services.tenants.create({ name: 'Other Tenant', actor: 'test' });
    for (let i = 0; i < n; i++) {
      await t.services.audit.record({ tenantId: t.tenant.tenantId, actor: 'test', action: `test.step${i % 2 === 0 ? '.even' : ''}`, target: `mine-${i}`, details: { i } });
      await t.services.audit.record({ tenantId: other.tenantId, actor: 'test', action: 'test.step', target: `theirs-${i}`, details: { i } });
      await t.services.audit.record({ tenantId: null, actor: 'test', action: 'test.system', target: `system-${i}`, details: { i } });
    }
  }

  it('lists the tenant\'s own entries, newest first, with their hashes', async () => {
    await start(6);
    const r = await list('?limit=500');
    expect(r.status).toBe(200);
    const targets = r.body.entries.map((e: { target: string }) => e.target);
    expect(targets.slice(0, 6)).toEqual(['mine-5', 'mine-4', 'mine-3', 'mine-2', 'mine-1', 'mine-0']);
    // The tenant's creation and first keys come before, and nothing of the other tenant or the system.
    expect(r.body.entries.slice(6).map((e: { action: string }) => e.action)).toEqual(['api_key.created', 'api_key.created', 'api_key.created', 'tenant.created']);
    expect(JSON.stringify(r.body)).not.toMatch(/theirs-|system-/);
    expect(JSON.stringify(r.body)).not.toContain(other.tenantId);
    const seqs = r.body.entries.map((e: { seq: number }) => e.seq);
    expect([...seqs].sort((a, b) => b - a)).toEqual(seqs);
    expect(r.body.entries[0]).toMatchObject({ actor: 'test', action: 'test.step', details: { i: 5 }, hash: expect.stringMatching(/^[0-9a-f]{64}$/) });
    expect(r.body.nextBeforeSeq).toBeNull();
  });

  it('pages with ?limit and ?before until the oldest entry', async () => {
    await start(7);
    const seen: string[] = [];
    let before: number | null = null;
    let pages = 0;
    do {
      const r = await list(`?limit=3&action=test${before ? `&before=${before}` : ''}`);
      expect(r.status).toBe(200);
      expect(r.body.entries.length).toBeLessThanOrEqual(3);
      seen.push(...r.body.entries.map((e: { target: string }) => e.target));
      before = r.body.nextBeforeSeq;
      pages++;
    } while (before !== null && pages < 10);
    expect(pages).toBe(3);
    expect(seen).toEqual(['mine-6', 'mine-5', 'mine-4', 'mine-3', 'mine-2', 'mine-1', 'mine-0']);
  });

  it('filters by a family of actions', async () => {
    await start(4);
    const even = await list('?action=test.step.even');
    expect(even.body.entries.map((e: { target: string }) => e.target)).toEqual(['mine-2', 'mine-0']);
    const keys = await list('?action=api_key');
    expect(keys.body.entries).toHaveLength(3);
    expect((await list('?action=test.st')).body.entries).toHaveLength(0);
  });

  it('refuses bad queries with their codes', async () => {
    await start(1);
    for (const q of ['?limit=0', '?limit=501', '?limit=abc', '?before=0', '?action=DROP%20TABLE', '?extra=1']) {
      const r = await list(q);
      expect({ status: r.status, code: r.body.error?.code }, q).toEqual({ status: 400, code: 'EBB_VALIDATION_FAILED' });
    }
  });

  it('is for owners, admins and keys with audit:read only', async () => {
    await start(1);
    const f = await populateTenant(t, t.tenant, 'a');
    const readAudit = (await t.services.keys.create({ tenantId: t.tenant.tenantId, kind: 'read', scopes: ['audit:read'], actor: 'test' })).key;
    const readOnly = (await t.services.keys.create({ tenantId: t.tenant.tenantId, kind: 'read', actor: 'test' })).key;
    expect((await list('', readAudit)).status).toBe(200);
    expect((await list('', readOnly)).status).toBe(403);
    const analyst = await t.app.inject({ method: 'GET', url: '/api/v1/audit', headers: await sessionHeaders(t, f.accounts.analyst) });
    expect(analyst.statusCode).toBe(403);
    const admin = await t.app.inject({ method: 'GET', url: '/api/v1/audit/verify', headers: await sessionHeaders(t, f.accounts.admin) });
    expect(admin.statusCode).toBe(200);
    // Another tenant's key sees its own tenant's entries only.
    const theirs = await list('?limit=500', other.keys.admin);
    expect(theirs.body.entries.every((e: { target: string }) => !e.target.startsWith('mine-'))).toBe(true);
  });

  it('verifies an untouched chain', async () => {
    await start(3);
    const v = await verify();
    expect(v).toMatchObject({ ok: true, problems: [], problemsElsewhere: 0 });
    expect(v.entries).toBe(3 + 4);
    expect(v.checked).toBeGreaterThanOrEqual(3 * 3 + 8);
  });

  it('reports a tampered entry of the tenant with its sequence number', async () => {
    await start(3);
    const [row] = await t.query<{ seq: bigint }>("SELECT seq FROM audit_log WHERE target = 'mine-1'");
    await t.query("UPDATE audit_log SET details = '{\"i\": 42}' WHERE target = 'mine-1'");
    const v = await verify();
    expect(v.ok).toBe(false);
    expect(v.problems.map((p: { seq: number }) => p.seq)).toContain(Number(row!.seq));
    expect(v.problems[0].problem).toEqual(expect.any(String));
  });

  it('reports a tampered entry of another tenant as a count only', async () => {
    await start(3);
    await t.query("UPDATE audit_log SET actor = 'someone else' WHERE target = 'theirs-1'");
    const v = await verify();
    expect(v.ok).toBe(false);
    expect(v.problems).toEqual([]);
    expect(v.problemsElsewhere).toBeGreaterThan(0);
    expect(JSON.stringify(v)).not.toContain('theirs-1');
    // The other tenant sees it described.
    const theirs = await verify(other.keys.admin);
    expect(theirs.problems.length).toBeGreaterThan(0);
  });

  it('reports removed entries', async () => {
    await start(3);
    await t.query("DELETE FROM audit_log WHERE target = 'mine-1'");
    expect((await verify()).ok).toBe(false);
  });
});
