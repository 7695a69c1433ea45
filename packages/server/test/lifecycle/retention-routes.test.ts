import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createManualClock } from '../../src/core/clock.ts';
import type { CreatedTenant } from '../../src/access/tenants.ts';
import { startTestServer, type TestServer } from '../helpers/harness.ts';

describe('retention and legal hold routes', () => {
  const clock = createManualClock('2026-06-01T00:00:00Z');
  let t: TestServer;
  let readKey: string;
  let other: CreatedTenant;
  const call = async (method: 'GET' | 'PUT' | 'POST', url: string, key: string | null, payload?: unknown) => {
    const res = await t.app.inject({ method, url, headers: key ? { authorization: `Bearer ${key}` } : {}, ...(payload === undefined ? {} : { payload: payload as object }) });
    return { status: res.statusCode, body: res.body ? res.json() : null };
  };

  beforeAll(async () => {
    t = await startTestServer({ clock });
    readKey = (await t.services.keys.create({ tenantId: t.tenant.tenantId, kind: 'read', actor: 'test' })).key;
    other = await t.services.tenants.create({ name: 'Other School', actor: 'test' });
  });
  afterAll(() => t?.close());

  it('requires a credential that may read or manage retention', async () => {
    expect((await call('GET', '/api/v1/privacy/retention', null)).body.error.code).toBe('EBB_UNAUTHENTICATED');
    expect((await call('GET', '/api/v1/privacy/retention', t.tenant.keys.server)).status).toBe(403);
    expect((await call('GET', '/api/v1/privacy/retention', readKey)).status).toBe(403);
    expect((await call('PUT', '/api/v1/privacy/retention', t.tenant.keys.server, { policies: { events: { anonymizeAfterDays: 30 } } })).status).toBe(403);
    expect((await call('POST', '/api/v1/privacy/holds', t.tenant.keys.browser, { reason: 'x' })).status).toBe(403);
    for (const [method, url] of [['GET', '/api/v1/privacy/holds'], ['POST', '/api/v1/privacy/holds'], ['POST', '/api/v1/privacy/holds/lh_x/release']] as const) {
      const r = await call(method, url, t.tenant.keys.server, method === 'POST' ? { reason: 'x' } : undefined);
      expect(r.status, `${method} ${url}`).toBe(403);
    }
    expect((await t.services.retention.describe(t.tenant.tenantId)).every((p) => p.source === 'default')).toBe(true);
  });

  it('shows the policies, defaults marked', async () => {
    const r = await call('GET', '/api/v1/privacy/retention', t.tenant.keys.admin);
    expect(r.status).toBe(200);
    expect(r.body.policies).toHaveLength(7);
    expect(r.body.policies[0]).toEqual({ category: 'events', anonymizeAfterDays: 90, deleteAfterDays: 730, source: 'default', updatedAt: null, updatedBy: null });
  });

  it('changes policies for the key\'s own tenant only, and audits who did it', async () => {
    const r = await call('PUT', '/api/v1/privacy/retention', t.tenant.keys.admin, { policies: { events: { anonymizeAfterDays: 30, deleteAfterDays: 365 }, errors: { deleteAfterDays: 180 } } });
    expect(r.status).toBe(200);
    expect(r.body.policies.find((p: { category: string }) => p.category === 'events')).toMatchObject({ anonymizeAfterDays: 30, deleteAfterDays: 365, source: 'tenant' });
    expect(r.body.policies.find((p: { category: string }) => p.category === 'errors')).toMatchObject({ anonymizeAfterDays: 90, deleteAfterDays: 180, source: 'tenant' });
    expect((await t.services.retention.forTenant(other.tenantId)).events.anonymizeAfterDays).toBe(90);
    const [entry] = (await t.services.store.control.readAudit(1, 200)).filter((e) => e.action === 'retention.policy_changed');
    expect(entry!.tenantId).toBe(t.tenant.tenantId);
    expect(entry!.actor).toMatch(/^key:/);
  });

  it('refuses bad bodies and bad policies with their codes', async () => {
    const cases: Array<[unknown, number, string]> = [
      [{ policies: { events: { anonymizeAfterDays: 0 } } }, 400, 'EBB_RETENTION_OUT_OF_RANGE'],
      [{ policies: { events: { deleteAfterDays: 4000 } } }, 400, 'EBB_RETENTION_OUT_OF_RANGE'],
      [{ policies: { events: { anonymizeAfterDays: 12.5 } } }, 400, 'EBB_RETENTION_OUT_OF_RANGE'],
      [{ policies: { events: { anonymizeAfterDays: 400, deleteAfterDays: 300 } } }, 400, 'EBB_RETENTION_ANONYMIZE_AFTER_DELETE'],
      [{ policies: { clicks: { anonymizeAfterDays: 30 } } }, 400, 'EBB_RETENTION_UNKNOWN_CATEGORY'],
      [{ policies: { events: { anonymizeAfterDays: 30, keep: true } } }, 400, 'EBB_VALIDATION_FAILED'],
      [{ events: { anonymizeAfterDays: 30 } }, 400, 'EBB_VALIDATION_FAILED'],
      [{ policies: {} }, 400, 'EBB_VALIDATION_FAILED'],
    ];
    for (const [payload, status, code] of cases) {
      const r = await call('PUT', '/api/v1/privacy/retention', t.tenant.keys.admin, payload);
      expect({ status: r.status, code: r.body.error?.code }, JSON.stringify(payload)).toEqual({ status, code });
    }
    const bad = await call('PUT', '/api/v1/privacy/retention', t.tenant.keys.admin, { policies: { events: { anonymizeAfterDays: 400, deleteAfterDays: 300 } } });
    expect(bad.body.error.details).toEqual({ category: 'events', anonymizeAfterDays: 400, deleteAfterDays: 300 });
    expect((await t.services.retention.forTenant(t.tenant.tenantId)).events).toEqual({ anonymizeAfterDays: 30, deleteAfterDays: 365 });
  });

  it('places, lists and releases legal holds', async () => {
    const placed = await call('POST', '/api/v1/privacy/holds', t.tenant.keys.admin, { userId: 'learner-42', reason: 'Complaint 17' });
    expect(placed.status).toBe(201);
    expect(placed.body.hold).toMatchObject({ scope: 'subject', reason: 'Complaint 17', active: true, tenantId: t.tenant.tenantId });
    expect(JSON.stringify(placed.body)).not.toContain('learner-42');
    const whole = await call('POST', '/api/v1/privacy/holds', t.tenant.keys.admin, { reason: 'Audit by the regulator' });
    expect(whole.body.hold.scope).toBe('tenant');

    expect((await call('POST', '/api/v1/privacy/holds', t.tenant.keys.admin, { userId: 'x' })).body.error.code).toBe('EBB_VALIDATION_FAILED');
    expect((await call('POST', '/api/v1/privacy/holds', t.tenant.keys.admin, { reason: 'x', scope: 'all' })).body.error.code).toBe('EBB_VALIDATION_FAILED');

    const list = await call('GET', '/api/v1/privacy/holds', t.tenant.keys.admin);
    expect(list.body.holds.map((h: { id: string }) => h.id).sort()).toEqual([placed.body.hold.id, whole.body.hold.id].sort());
    const released = await call('POST', `/api/v1/privacy/holds/${whole.body.hold.id}/release`, t.tenant.keys.admin);
    expect(released.status).toBe(200);
    expect(released.body.hold).toMatchObject({ active: false });
    expect((await call('POST', `/api/v1/privacy/holds/${whole.body.hold.id}/release`, t.tenant.keys.admin)).body.error.code).toBe('EBB_HOLD_RELEASED');
    expect((await call('POST', '/api/v1/privacy/holds/lh_unknown/release', t.tenant.keys.admin)).status).toBe(404);
    const active = await call('GET', '/api/v1/privacy/holds?active=true', t.tenant.keys.admin);
    expect(active.body.holds.map((h: { id: string }) => h.id)).toEqual([placed.body.hold.id]);
    // Another tenant's admin key neither sees nor releases them.
    expect((await call('GET', '/api/v1/privacy/holds', other.keys.admin)).body.holds).toEqual([]);
    expect((await call('POST', `/api/v1/privacy/holds/${placed.body.hold.id}/release`, other.keys.admin)).body.error.code).toBe('EBB_HOLD_NOT_FOUND');
  });

  it('declares every route with a named check', () => {
    const mine = t.routes.filter((r) => r.url.startsWith('/api/v1/privacy/retention') || r.url.startsWith('/api/v1/privacy/holds'));
    expect(mine.map((r) => `${r.method} ${r.url} ${r.permission.check}`).sort()).toEqual([
      'GET /api/v1/privacy/holds canReadRetention',
      'GET /api/v1/privacy/retention canReadRetention',
      'POST /api/v1/privacy/holds canManageRetention',
      'POST /api/v1/privacy/holds/:id/release canManageRetention',
      'POST /api/v1/privacy/retention/preview canManageRetention',
      'PUT /api/v1/privacy/retention canManageRetention',
    ]);
  });
});
