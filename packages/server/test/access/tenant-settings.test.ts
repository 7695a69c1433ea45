import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createManualClock } from '../../src/core/clock.ts';
import { startTestServer, type TestServer } from '../helpers/harness.ts';
import { bearer, populateTenant, sessionHeaders, type TenantFixture } from './access-fixtures.ts';

describe('tenant privacy settings: GET and PUT /api/v1/tenant/settings', () => {
  const clock = createManualClock('2026-06-01T09:00:00Z');
  let t: TestServer;
  let A: TenantFixture;
  let n = 0;

  const put = async (body: unknown, headers?: Record<string, string>) => {
    const res = await t.app.inject({ method: 'PUT', url: '/api/v1/tenant/settings', headers: headers ?? (await sessionHeaders(t, A.accounts.owner)), payload: body as object });
    return { status: res.statusCode, body: res.json() };
  };
  const consentState = async (userId: string) => (await t.services.subjectRows.find(A.tenant.tenantId, userId))!.consentState;
  /** Sends one event for the user; true when it was stored. */
  const stored = async (userId: string) => {
    const r = await t.send([{ id: `e-${++n}`, type: 'page_view', userId, occurredAt: clock.now().toISOString() }]);
    expect(r.status).toBe(200);
    return r.body.accepted === 1;
  };

  beforeAll(async () => {
    t = await startTestServer({ clock });
    A = await populateTenant(t, t.tenant, 'a');
    await t.services.consents.record({ tenantId: A.tenant.tenantId, userId: 'kid', ageBand: 'under_13', actor: 'test' });
    await t.services.consents.record({ tenantId: A.tenant.tenantId, userId: 'kid-with-consent', ageBand: 'under_13', parental: { state: 'granted', method: 'signed_form' }, actor: 'test' });
    await t.services.consents.record({ tenantId: A.tenant.tenantId, userId: 'teen', ageBand: '13_15', actor: 'test' });
  });
  afterAll(() => t?.close());

  it('shows the settings to staff and to keys that record consent', async () => {
    for (const headers of [await sessionHeaders(t, A.accounts.analyst), bearer(A.tenant.keys.admin)]) {
      const res = await t.app.inject({ method: 'GET', url: '/api/v1/tenant/settings', headers });
      expect(res.statusCode).toBe(200);
      expect(res.json().settings).toMatchObject({ parentalConsentUnder: 13, withoutParentalConsent: 'anonymous_only', privacySignals: 'anonymous' });
    }
    expect((await t.app.inject({ method: 'GET', url: '/api/v1/tenant/settings', headers: bearer(A.tenant.keys.server) })).statusCode).toBe(403);
  });

  it('lets only owners change them', async () => {
    expect((await put({ withoutParentalConsent: 'refuse' }, await sessionHeaders(t, A.accounts.admin))).body.error.code).toBe('EBB_FORBIDDEN');
    expect((await put({ withoutParentalConsent: 'refuse' }, bearer(A.tenant.keys.admin))).body.error.code).toBe('EBB_FORBIDDEN');
    expect((await t.services.tenants.get(A.tenant.tenantId)).settings.withoutParentalConsent).toBe('anonymous_only');
  });

  it('refuses unknown settings and values', async () => {
    for (const body of [{}, { parentalConsentUnder: 12 }, { withoutParentalConsent: 'track' }, { denyKeys: ['x'] }, { privacySignals: 'keep' }]) {
      const r = await put(body);
      expect({ status: r.status, code: r.body.error?.code }, JSON.stringify(body)).toEqual({ status: 400, code: 'EBB_VALIDATION_FAILED' });
    }
  });

  it('re-decides recorded children when the consent rules change, and ingest obeys at once', async () => {
    expect(await consentState('kid')).toBe('anonymous_only');
    expect(await stored('kid')).toBe(true);

    const refuse = await put({ withoutParentalConsent: 'refuse' });
    expect(refuse.status).toBe(200);
    expect(refuse.body).toMatchObject({ settings: { withoutParentalConsent: 'refuse' }, changed: ['withoutParentalConsent'], consentStatesChanged: 1 });
    expect(await consentState('kid')).toBe('refused');
    expect(await consentState('kid-with-consent')).toBe('granted');
    expect(await stored('kid')).toBe(false);
    expect(await stored('kid-with-consent')).toBe(true);

    // GDPR art. 8 at 16: the 13-15 band now needs a guardian too.
    const sixteen = await put({ parentalConsentUnder: 16, withoutParentalConsent: 'anonymous_only' });
    expect(sixteen.body.consentStatesChanged).toBe(2);
    expect(await consentState('teen')).toBe('anonymous_only');
    expect(await consentState('kid')).toBe('anonymous_only');

    const same = await put({ parentalConsentUnder: 16 });
    expect(same.body).toMatchObject({ changed: [], consentStatesChanged: 0 });

    const audit = (await t.services.store.control.readAudit(1, 100_000)).filter((e) => e.tenantId === A.tenant.tenantId);
    const changes = audit.filter((e) => e.action === 'tenant.settings_changed');
    expect(changes.map((e) => [e.actor, e.details])).toEqual([
      [`account:${A.accounts.owner}`, { from: { withoutParentalConsent: 'anonymous_only' }, to: { withoutParentalConsent: 'refuse' } }],
      [`account:${A.accounts.owner}`, { from: { parentalConsentUnder: 13, withoutParentalConsent: 'refuse' }, to: { parentalConsentUnder: 16, withoutParentalConsent: 'anonymous_only' } }],
    ]);
    expect(audit.filter((e) => e.action === 'consent.reapplied').map((e) => e.details)).toEqual([{ changed: 1 }, { changed: 2 }]);
  });

  it('writes the change to the store', async () => {
    const tenant = await t.services.store.control.getTenant(A.tenant.tenantId);
    expect(tenant!.settings).toMatchObject({ parentalConsentUnder: 16, withoutParentalConsent: 'anonymous_only' });
  });
});
