import { existsSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createManualClock, DAY_MS } from '../../src/core/clock.ts';
import { backoffMs, MAX_ATTEMPTS } from '../../src/rights/rights-worker.ts';
import type { RightsStore } from '../../src/store/ports.ts';
import { startTestServer, type TestServer } from '../helpers/harness.ts';
import { sendOk, visit } from '../lifecycle/retention-fixtures.ts';
import { findEverywhere } from './rights-fixtures.ts';

const clock = createManualClock('2026-03-02T10:00:00Z');

describe('rights jobs', () => {
  let t: TestServer;
  let key: string;
  const call = async (method: 'GET' | 'POST', url: string, payload?: unknown) => {
    const r = await t.app.inject({ method, url, headers: { authorization: `Bearer ${key}` }, ...(payload ? { payload: payload as object } : {}) });
    return { status: r.statusCode, body: r.json() };
  };
  const erase = (userId: string, extra: Record<string, unknown> = {}) => call('POST', '/api/v1/privacy/delete', { subject: userId, confirm: userId, ...extra });
  const job = async (id: string) => (await call('GET', `/api/v1/privacy/jobs/${id}`)).body.job;
  const person = async (userId: string) => {
    await sendOk(t, visit(userId, `s-${userId}`));
    return (await t.services.subjectRows.find(t.tenant.tenantId, userId))!.id;
  };

  beforeAll(async () => {
    t = await startTestServer({ clock });
    key = t.tenant.keys.admin;
  });
  afterAll(() => t?.close());

  it('waits out the grace period (7 days by default), and a cancel stops it for good', async () => {
    await person('u-grace');
    const r = await erase('u-grace');
    expect(r.status).toBe(202);
    expect(r.body.job).toMatchObject({ kind: 'erase', state: 'scheduled', scope: 'subject', graceDeadline: new Date(clock.now().getTime() + 7 * DAY_MS).toISOString() });
    clock.advance(6 * DAY_MS);
    await t.services.rights.worker.runDue();
    expect((await job(r.body.job.id)).state).toBe('scheduled');
    const cancelled = await call('POST', `/api/v1/privacy/jobs/${r.body.job.id}/cancel`);
    expect(cancelled.status).toBe(200);
    expect(cancelled.body.job.state).toBe('cancelled');
    clock.advance(2 * DAY_MS);
    await t.services.rights.worker.runDue();
    expect((await job(r.body.job.id)).state).toBe('cancelled');
    expect(await t.services.subjectRows.find(t.tenant.tenantId, 'u-grace')).not.toBeNull();
    const again = await call('POST', `/api/v1/privacy/jobs/${r.body.job.id}/cancel`);
    expect(again.status).toBe(409);
    expect(again.body.error.code).toBe('EBB_RIGHTS_JOB_NOT_CANCELLABLE');
    const audit = await t.query<{ action: string }>('SELECT action FROM audit_log WHERE target = $1 ORDER BY seq', [r.body.job.id]);
    expect(audit.map((a) => a.action)).toEqual(['rights.erase.requested', 'rights.job.cancelled']);
  });

  it('runs the erasure once the grace period is over', async () => {
    await person('u-later');
    const r = await erase('u-later', { grace_period_days: 2 });
    clock.advance(2 * DAY_MS - 1);
    await t.services.rights.worker.runDue();
    expect((await job(r.body.job.id)).state).toBe('scheduled');
    clock.advance(1);
    await t.services.rights.worker.runDue();
    expect((await job(r.body.job.id)).state).toBe('succeeded');
    expect(await t.services.subjectRows.find(t.tenant.tenantId, 'u-later')).toBeNull();
  });

  it('refuses grace periods outside 0-30 days and people Ebb does not know, storing nothing', async () => {
    await person('u-range');
    const before = (await t.query('SELECT id FROM privacy_jobs')).length;
    for (const days of [31, -1, 1.5, '7']) {
      const r = await erase('u-range', { grace_period_days: days });
      expect(r.status, String(days)).toBe(400);
      expect(r.body.error.code).toBe('EBB_VALIDATION_FAILED');
    }
    const unknown = await erase('u-never-seen');
    expect(unknown.status).toBe(404);
    expect(unknown.body.error.code).toBe('EBB_SUBJECT_NOT_FOUND');
    const both = await call('POST', '/api/v1/privacy/export', { subject: 'u-range', scope: 'tenant' });
    expect(both.body.error.code).toBe('EBB_VALIDATION_FAILED');
    expect((await t.query('SELECT id FROM privacy_jobs')).length).toBe(before);
  });

  it('answers a second request for the same person and kind with the active job', async () => {
    await person('u-twice');
    const [a, b] = await Promise.all([erase('u-twice'), erase('u-twice', { grace_period_days: 0 })]);
    expect([a.status, b.status].sort()).toEqual([200, 202]);
    expect(a.body.job.id).toBe(b.body.job.id);
    expect([a.body.existing, b.body.existing].sort()).toEqual([false, true]);
    const exports = await Promise.all([1, 2, 3].map(() => call('POST', '/api/v1/privacy/export', { subject: 'u-twice' })));
    expect(new Set(exports.map((e) => e.body.job.id)).size).toBe(1);
    // A different kind is a different job.
    expect(exports[0]!.body.job.id).not.toBe(a.body.job.id);
    await t.services.rights.worker.runDue();
    // Once finished, a new request makes a new job.
    const next = await call('POST', '/api/v1/privacy/export', { subject: 'u-twice' });
    expect(next.status).toBe(202);
    expect(next.body.job.id).not.toBe(exports[0]!.body.job.id);
    await call('POST', `/api/v1/privacy/jobs/${a.body.job.id}/cancel`);
    await call('POST', `/api/v1/privacy/jobs/${next.body.job.id}/cancel`);
  });

  it('defers an erasure under a legal hold, says why, and runs it once the hold is released', async () => {
    await person('u-held');
    const hold = await t.services.holds.place({ tenantId: t.tenant.tenantId, userId: 'u-held', reason: 'Case 77', actor: 'test' });
    const r = await erase('u-held', { grace_period_days: 0 });
    await t.services.rights.worker.runDue();
    const deferred = await job(r.body.job.id);
    expect(deferred.state).toBe('scheduled');
    expect(deferred.result.deferred.holdIds).toEqual([hold.id]);
    expect(deferred.result.deferred.reason).toContain(hold.id);
    expect(deferred.nextAttemptAt).not.toBeNull();
    expect(await t.services.subjectRows.find(t.tenant.tenantId, 'u-held')).not.toBeNull();
    await t.services.holds.release({ tenantId: t.tenant.tenantId, id: hold.id, actor: 'test' });
    clock.advance(3600_000);
    await t.services.rights.worker.runDue();
    expect((await job(r.body.job.id)).state).toBe('succeeded');
  });

  it('retries a passing failure with backoff, and gives up after the last attempt', async () => {
    const store = t.services.store.rights as RightsStore;
    const original = store.eraseSubject;
    let failures = 1;
    store.eraseSubject = async (...args) => {
      if (failures-- > 0) throw new Error('TransactionContext Error: Conflict on update');
      return original.apply(store, args);
    };
    try {
      await person('u-retry');
      const r = await erase('u-retry', { grace_period_days: 0 });
      await t.services.rights.worker.runDue();
      const waiting = await job(r.body.job.id);
      expect(waiting).toMatchObject({ state: 'pending', attempts: 1, nextAttemptAt: new Date(clock.now().getTime() + backoffMs(1)).toISOString() });
      expect(waiting.error).toMatch(/attempt 1 failed.*Conflict/);
      await t.services.rights.worker.runDue();
      expect((await job(r.body.job.id)).attempts).toBe(1); // not due yet
      clock.advance(backoffMs(1));
      await t.services.rights.worker.runDue();
      expect(await job(r.body.job.id)).toMatchObject({ state: 'succeeded', attempts: 2 });

      failures = 100;
      await person('u-broken');
      const broken = await erase('u-broken', { grace_period_days: 0 });
      for (let i = 1; i <= MAX_ATTEMPTS; i++) {
        await t.services.rights.worker.runDue();
        clock.advance(backoffMs(i));
      }
      const failed = await job(broken.body.job.id);
      expect(failed).toMatchObject({ state: 'failed', attempts: MAX_ATTEMPTS });
      const audit = await t.query<{ action: string }>('SELECT action FROM audit_log WHERE target = $1 ORDER BY seq', [broken.body.job.id]);
      expect(audit.filter((a) => a.action === 'rights.job.retry_scheduled')).toHaveLength(MAX_ATTEMPTS - 1);
      expect(audit.at(-1)!.action).toBe('rights.job.failed');
    } finally {
      store.eraseSubject = original;
    }
  });

  it('fails the job loudly when the verification scan finds something, naming where', async () => {
    const store = t.services.store.rights as RightsStore;
    const original = store.scan;
    store.scan = async (needles) => {
      const scan = await original.apply(store, [needles]);
      return { ...scan, findings: [...scan.findings, { table: 'events', column: 'props', needle: 0, rows: 2 }] };
    };
    try {
      await person('u-leftover');
      const r = await erase('u-leftover', { grace_period_days: 0 });
      await t.services.rights.worker.runDue();
      const failed = await job(r.body.job.id);
      expect(failed.state).toBe('failed');
      expect(failed.error).toMatch(/^EBB_ERASURE_NOT_VERIFIED: .*events\.props/);
      expect(failed.result.verification.clean).toBe(false);
      expect(failed.result.verification.leftovers).toEqual([{ where: 'events.props', what: 'internal subject id', rows: 2 }]);
    } finally {
      store.scan = original;
    }
  });

  it('finds the person where a row the inventory does not link to them still names them', async () => {
    const id = await person('u-named-elsewhere');
    const pseudonym = t.services.subjectRows.pseudonym(t.tenant.tenantId, 'u-named-elsewhere');
    await person('u-neighbour');
    // Rows that erasure cannot reach by a subject column: another person's event naming this one, a key's name.
    await t.query(`UPDATE events SET props = '{"mentor": "${id}"}' WHERE id = (SELECT id FROM events WHERE subject_id <> '${id}' AND subject_id IS NOT NULL LIMIT 1)`);
    await t.query(`UPDATE api_keys SET name = '${pseudonym}' WHERE id = (SELECT id FROM api_keys WHERE tenant_id = '${t.tenant.tenantId}' AND kind = 'browser' LIMIT 1)`);
    const r = await erase('u-named-elsewhere', { grace_period_days: 0 });
    await t.services.rights.worker.runDue();
    const failed = await job(r.body.job.id);
    expect(failed.state).toBe('failed');
    expect(failed.result.verification.leftovers).toEqual([
      { where: 'api_keys.name', what: 'pseudonym', rows: 1 },
      { where: 'events.props', what: 'internal subject id', rows: 1 },
    ]);
    await t.query(`UPDATE events SET props = NULL WHERE props::VARCHAR LIKE '%${id}%'`);
  });

  it('restarts a job left running by a stopped process', async () => {
    await person('u-crash');
    const r = await erase('u-crash', { grace_period_days: 0 });
    // What a process killed mid-job leaves: the job marked running, its work not committed.
    await t.services.store.privacyJobs.updateJob(r.body.job.id, { state: 'running', attempts: 1, startedAt: clock.now() });
    expect(await t.services.rights.worker.recover()).toBe(1);
    const resumed = await job(r.body.job.id);
    expect(resumed.state).toBe('pending');
    expect(resumed.error).toMatch(/interrupted/);
    await t.services.rights.worker.runDue();
    expect(await job(r.body.job.id)).toMatchObject({ state: 'succeeded', attempts: 2 });
  });

  it('lists jobs newest first with kind and status filters and paging', async () => {
    const all = (await call('GET', '/api/v1/privacy/jobs?limit=100')).body.jobs;
    expect(all.length).toBeGreaterThan(8);
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const page: any = (await call('GET', `/api/v1/privacy/jobs?limit=3${cursor ? `&cursor=${cursor}` : ''}`)).body;
      seen.push(...page.jobs.map((j: { id: string }) => j.id));
      cursor = page.nextCursor;
    } while (cursor);
    expect(seen).toEqual(all.map((j: { id: string }) => j.id));
    const failed = (await call('GET', '/api/v1/privacy/jobs?kind=erase&status=failed')).body.jobs;
    expect(failed.length).toBe(3);
    expect(failed.every((j: { kind: string; state: string }) => j.kind === 'erase' && j.state === 'failed')).toBe(true);
    expect((await call('GET', '/api/v1/privacy/jobs?status=done')).body.error.code).toBe('EBB_VALIDATION_FAILED');
    expect((await call('GET', '/api/v1/privacy/jobs/rj_00000000000000000000000000000000')).body.error.code).toBe('EBB_RIGHTS_JOB_NOT_FOUND');
  });

  it('offboards a tenant: confirmed by its name, every row, key and file gone', async () => {
    const other = await t.services.tenants.create({ name: 'Leaving School', actor: 'test' });
    await sendOk(t, visit('u-leaving', 's-leaving'), other.keys.server);
    await t.services.guardianships.link({ tenantId: other.tenantId, guardianUserId: 'g-leaving', learnerUserId: 'u-leaving', actor: 'test' });
    const asOther = async (url: string, payload: unknown) => {
      const r = await t.app.inject({ method: 'POST', url, headers: { authorization: `Bearer ${other.keys.admin}` }, payload: payload as object });
      return { status: r.statusCode, body: r.json() };
    };
    // Whole-tenant requests are for owners; an owner account of that tenant makes them.
    const owner = await t.services.memberships.add({ tenantId: other.tenantId, email: 'owner@leaving.example.org', role: 'owner', password: 'correct horse battery staple', actor: 'test' });
    expect((await asOther('/api/v1/privacy/delete', { scope: 'tenant', confirm: 'Leaving School' })).status).toBe(403);
    const { sessionHeaders } = await import('../access/access-fixtures.ts');
    const headers = { ...(await sessionHeaders(t, owner.member.accountId)), 'x-ebb-tenant': other.tenantId };
    const send = async (url: string, payload: unknown) => {
      const r = await t.app.inject({ method: 'POST', url, headers, payload: payload as object });
      return { status: r.statusCode, body: r.json() };
    };
    const exp = await send('/api/v1/privacy/export', { scope: 'tenant' });
    expect(exp.status).toBe(202);
    await t.services.rights.worker.runDue();
    const wrong = await send('/api/v1/privacy/delete', { scope: 'tenant', confirm: 'Test School' });
    expect(wrong.body.error.code).toBe('EBB_CONFIRMATION_MISMATCH');
    const r = await send('/api/v1/privacy/delete', { scope: 'tenant', confirm: 'Leaving School', grace_period_days: 0 });
    expect(r.status).toBe(202);
    await t.services.rights.worker.runDue();
    const done = await t.services.rights.requests.get(other.tenantId, r.body.job.id);
    expect(done.state, done.error ?? '').toBe('succeeded');
    expect((done.result as any).verification.clean).toBe(true);
    expect(existsSync(path.join(t.dataDir, 'exports', other.tenantId))).toBe(false);
    const where = await findEverywhere(t, other.tenantId);
    expect(where.filter((w) => !w.startsWith('audit_log.') && !w.startsWith('privacy_jobs.'))).toEqual([]);
    expect((await t.send(visit('u-late', 's-late'), other.keys.server)).status).toBe(401);
    // The other tenant is untouched.
    expect((await t.services.tenants.get(t.tenant.tenantId)).name).toBe('Test School');
    expect(await t.services.subjectRows.find(t.tenant.tenantId, 'u-twice')).not.toBeNull();
  });
});
