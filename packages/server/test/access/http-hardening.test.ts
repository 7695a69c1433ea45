import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createManualClock } from '../../src/core/clock.ts';
import { API_CSP, DASHBOARD_CSP, DOCS_CSP } from '../../src/http/security-headers.ts';
import { startTestServer, type TestServer } from '../helpers/harness.ts';
import { bearer, populateTenant, sessionHeaders, type TenantFixture } from './access-fixtures.ts';

const DASHBOARD_ORIGIN = 'https://dash.example.org';
const APP_ORIGIN = 'https://app.example.org';
const EVIL_ORIGIN = 'https://evil.example.net';
const event = { type: 'page_view', occurredAt: '2026-06-01T08:00:00Z', page: { path: '/home' } };

describe('security headers, CORS, body limits, ingest rate limit', () => {
  const clock = createManualClock('2026-06-01T09:00:00Z');
  let t: TestServer;
  let A: TenantFixture;
  let browserKey: string;

  beforeAll(async () => {
    t = await startTestServer({ clock, env: { EBB_DASHBOARD_ORIGINS: DASHBOARD_ORIGIN, EBB_INGEST_RATE_LIMIT: '2' } });
    A = await populateTenant(t, t.tenant, 'a');
    browserKey = (await t.services.keys.create({ tenantId: A.tenant.tenantId, kind: 'browser', allowedOrigins: [APP_ORIGIN], actor: 'test' })).key;
  });
  afterAll(() => t?.close());

  it('sends the security headers on every kind of answer', async () => {
    const answers = [
      await t.app.inject({ method: 'GET', url: '/api/v1/health' }),
      await t.app.inject({ method: 'GET', url: '/api/v1/keys' }),
      await t.app.inject({ method: 'GET', url: '/api/v1/keys', headers: bearer(A.tenant.keys.admin) }),
      await t.app.inject({ method: 'GET', url: '/api/v1/nothing-here' }),
      await t.app.inject({ method: 'POST', url: '/api/v1/events', headers: bearer(A.tenant.keys.server), payload: '{bad json', }),
    ];
    for (const res of answers) {
      const where = `${res.statusCode} ${res.body.slice(0, 80)}`;
      expect(res.headers['x-content-type-options'], where).toBe('nosniff');
      expect(res.headers['referrer-policy'], where).toBe('no-referrer');
      expect(res.headers['x-frame-options'], where).toBe('DENY');
      expect(res.headers['content-security-policy'], where).toBe(API_CSP);
      expect(res.headers['cross-origin-opener-policy'], where).toBe('same-origin');
      expect(res.headers['strict-transport-security'], where).toBeUndefined();
    }
    // Answers to a known caller may hold personal data: never cached.
    expect(answers[2]!.headers['cache-control']).toBe('no-store');
    const dashboard = await t.app.inject({ method: 'GET', url: '/some/view' });
    expect(dashboard.headers['content-security-policy']).toBe(DASHBOARD_CSP);
    const docs = await t.app.inject({ method: 'GET', url: '/docs/json' });
    expect(docs.headers['content-security-policy']).toBe(DOCS_CSP);
  });

  it('allows cross-origin API calls from the dashboard origins only, with credentials', async () => {
    const owner = await sessionHeaders(t, A.accounts.owner);
    const fromDash = await t.app.inject({ method: 'GET', url: '/api/v1/keys', headers: { ...owner, origin: DASHBOARD_ORIGIN } });
    expect(fromDash.headers['access-control-allow-origin']).toBe(DASHBOARD_ORIGIN);
    expect(fromDash.headers['access-control-allow-credentials']).toBe('true');
    expect(fromDash.headers.vary).toContain('Origin');
    for (const origin of [EVIL_ORIGIN, APP_ORIGIN, 'null', `${DASHBOARD_ORIGIN}.evil.example.net`]) {
      const res = await t.app.inject({ method: 'GET', url: '/api/v1/keys', headers: { ...owner, origin } });
      expect(res.headers['access-control-allow-origin'], origin).toBeUndefined();
      expect(res.headers['access-control-allow-credentials'], origin).toBeUndefined();
    }
    const preflight = (origin: string) => t.app.inject({ method: 'OPTIONS', url: '/api/v1/keys', headers: { origin, 'access-control-request-method': 'POST' } });
    const ok = await preflight(DASHBOARD_ORIGIN);
    expect(ok.statusCode).toBe(204);
    expect(ok.headers['access-control-allow-origin']).toBe(DASHBOARD_ORIGIN);
    expect(ok.headers['access-control-allow-headers']).toContain('X-Ebb-CSRF');
    const evil = await preflight(EVIL_ORIGIN);
    expect(evil.headers['access-control-allow-origin']).toBeUndefined();
    expect(evil.headers['access-control-allow-methods']).toBeUndefined();
  });

  it('allows browser ingest from the browser key\'s origins only', async () => {
    const collect = (origin: string | undefined, key = browserKey) =>
      t.app.inject({ method: 'POST', url: `/api/v1/collect?key=${key}`, headers: origin ? { origin } : {}, payload: { events: [event] } });
    const ok = await collect(APP_ORIGIN);
    expect(ok.statusCode).toBe(200);
    expect(ok.headers['access-control-allow-origin']).toBe(APP_ORIGIN);
    expect(ok.headers['access-control-allow-credentials']).toBeUndefined();
    for (const origin of [EVIL_ORIGIN, DASHBOARD_ORIGIN, undefined]) {
      const res = await collect(origin);
      expect(res.json().error?.code, String(origin)).toBe('EBB_ORIGIN_NOT_ALLOWED');
      expect(res.headers['access-control-allow-origin'], String(origin)).toBeUndefined();
    }
    const preflight = (origin: string) => t.app.inject({ method: 'OPTIONS', url: `/api/v1/collect?key=${browserKey}`, headers: { origin, 'access-control-request-method': 'POST' } });
    expect((await preflight(APP_ORIGIN)).headers['access-control-allow-origin']).toBe(APP_ORIGIN);
    expect((await preflight(EVIL_ORIGIN)).headers['access-control-allow-origin']).toBeUndefined();
    // A browser origin gets no CORS on the rest of the API.
    const admin = await t.app.inject({ method: 'GET', url: '/api/v1/keys', headers: { ...bearer(A.tenant.keys.admin), origin: APP_ORIGIN } });
    expect(admin.headers['access-control-allow-origin']).toBeUndefined();
  });

  it('limits request bodies: 64 KiB outside ingest, more on ingest', async () => {
    const big = { policies: { events: { anonymizeAfterDays: 30 } }, padding: 'x'.repeat(70 * 1024) };
    const res = await t.app.inject({ method: 'PUT', url: '/api/v1/privacy/retention', headers: bearer(A.tenant.keys.admin), payload: big });
    expect(res.statusCode).toBe(413);
    expect(res.json().error.code).toBe('EBB_PAYLOAD_TOO_LARGE');
    const batch = { events: Array.from({ length: 300 }, (_, i) => ({ ...event, type: `big_${i}`, props: { note: 'y'.repeat(300) } })) };
    expect(JSON.stringify(batch).length).toBeGreaterThan(64 * 1024);
    clock.advance(10_000);
    const ingest = await t.app.inject({ method: 'POST', url: '/api/v1/events', headers: bearer(A.tenant.keys.server), payload: batch });
    expect(ingest.statusCode).toBe(200);
    const huge = await t.app.inject({ method: 'POST', url: '/api/v1/events', headers: bearer(A.tenant.keys.server), payload: { events: [{ ...event, props: { note: 'z'.repeat(2 * 1024 * 1024) } }] } });
    expect(huge.statusCode).toBe(413);
  });

  it('refuses prototype poisoning in JSON bodies', async () => {
    const res = await t.app.inject({
      method: 'PUT', url: '/api/v1/privacy/retention', headers: { ...bearer(A.tenant.keys.admin), 'content-type': 'application/json' },
      payload: '{"policies": {}, "__proto__": {"admin": true}}',
    });
    expect(res.statusCode).toBe(400);
    expect(res.json().error.code).toBe('EBB_INVALID_JSON');
  });

  it('limits ingest per key with 429 and Retry-After, other keys unaffected', async () => {
    clock.advance(60_000);
    const key = (await t.services.keys.create({ tenantId: A.tenant.tenantId, kind: 'server', actor: 'test' })).key;
    const statuses: number[] = [];
    let last: Awaited<ReturnType<TestServer['app']['inject']>> | undefined;
    for (let i = 0; i < 6; i++) {
      last = await t.app.inject({ method: 'POST', url: '/api/v1/events', headers: bearer(key), payload: { events: [event] } });
      statuses.push(last.statusCode);
    }
    expect(statuses.slice(0, 4)).toEqual([200, 200, 200, 200]);
    expect(statuses.at(-1)).toBe(429);
    expect(last!.json().error.code).toBe('EBB_RATE_LIMITED');
    expect(Number(last!.headers['retry-after'])).toBeGreaterThanOrEqual(1);
    const other = await t.app.inject({ method: 'POST', url: '/api/v1/events', headers: bearer(A.tenant.keys.server), payload: { events: [event] } });
    expect(other.statusCode).toBe(200);
    clock.advance(Number(last!.headers['retry-after']) * 1000);
    expect((await t.app.inject({ method: 'POST', url: '/api/v1/events', headers: bearer(key), payload: { events: [event] } })).statusCode).toBe(200);
  });
});
