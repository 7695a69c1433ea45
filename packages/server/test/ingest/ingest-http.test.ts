import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../helpers/harness.ts';

let t: TestServer;
beforeAll(async () => {
  t = await startTestServer();
});
afterAll(() => t.close());

const count = async (table = 'events') => Number((await t.query<{ n: bigint }>(`SELECT count(*) AS n FROM ${table}`))[0]!.n);

describe('POST /api/v1/events', () => {
  it('stores a valid event, pseudonymised and scrubbed, and answers once committed', async () => {
    const before = await count();
    const res = await t.send([{
      id: 'evt-happy-1', type: 'page_view', userId: 'learner-42', occurredAt: new Date().toISOString(),
      page: { path: '/quests/7?utm_source=news&email=a@b.org#top', title: 'Quest seven', referrer: 'https://www.search.example/q?x=1', loadTimeMs: 420 },
      context: { ip: '203.0.113.77', userAgent: 'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0 Safari/537.36', locale: 'en-GB' },
      props: { quest_id: 'q7', recipient_id: 'learner-99' },
    }]);
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ accepted: 1, duplicates: 0, dropped: 0, rejected: [] });
    expect(await count()).toBe(before + 1);
    const [row] = await t.query<Record<string, unknown>>("SELECT * FROM events WHERE type = 'page_view' ORDER BY received_at DESC LIMIT 1");
    expect(row!.category).toBe('navigation');
    expect(row!.ip_prefix).toBe('203.0.113.0/24');
    expect(row!.browser).toBe('Chrome');
    expect(row!.device_type).toBe('desktop');
    expect(row!.referrer_host).toBe('www.search.example');
    expect(String(row!.page_path)).toContain('utm_source=news');
    expect(String(row!.page_path)).not.toContain('a@b.org');
    expect(String(row!.page_path)).not.toContain('#top');
    const text = JSON.stringify(row, (_k, v) => (typeof v === 'bigint' ? String(v) : v));
    expect(text).not.toContain('learner-42');
    expect(text).not.toContain('learner-99');
    expect(text).not.toContain('203.0.113.77');
    const [subject] = await t.query<{ id: string; pseudonym: string }>('SELECT id, pseudonym FROM subjects');
    expect(row!.subject_id).toBe(subject!.id);
    expect(subject!.pseudonym).toBe(t.services.pseudonyms.subject(t.tenant.tenantId, 'learner-42'));
    const sessions = await t.query<{ page_views: number; entry_page: string }>('SELECT page_views, entry_page FROM sessions WHERE id = $1', [row!.session_id]);
    expect(sessions).toHaveLength(1);
  });

  it('stores a repeated event id once, within a batch and across requests', async () => {
    const before = await count();
    const e = { id: 'evt-dup-1', type: 'quest_started', props: { quest_id: 'q1' } };
    const first = await t.send([e, e]);
    expect(first.body).toMatchObject({ accepted: 1, duplicates: 1 });
    const again = await t.send([e]);
    expect(again.status).toBe(200);
    expect(again.body).toMatchObject({ accepted: 0, duplicates: 1 });
    expect(await count()).toBe(before + 1);
  });

  it('stores the valid events of a batch and reports the others by index', async () => {
    const before = await count();
    const res = await t.send([{ type: 'badge_earned' }, { type: 42 }, { type: 'quest_viewed', occurredAt: new Date(Date.now() + 3600_000).toISOString() }]);
    expect(res.status).toBe(200);
    expect(res.body.accepted).toBe(1);
    expect(res.body.rejected.map((r: { index: number; code: string }) => [r.index, r.code])).toEqual([[1, 'EBB_EVENT_INVALID'], [2, 'EBB_EVENT_IN_FUTURE']]);
    expect(await count()).toBe(before + 1);
  });

  it('writes error and learning payloads to their tables', async () => {
    const res = await t.send([
      { type: 'api_error', error: { type: 'TypeError', message: 'failed for jane.doe@example.com', stack: 'at x (app.js:1:2)', status: 500, endpoint: '/api/users/123456789?token=abc' } },
      { type: 'assessment_submitted', userId: 'learner-42', learning: { course: 'AAA-2013J', activity: 'TMA1', subject: 'maths', score: 78, maxScore: 100 } },
    ]);
    expect(res.body.accepted).toBe(2);
    const [err] = await t.query<Record<string, unknown>>('SELECT * FROM error_events');
    expect(err!.message).toBe('failed for [redacted:email]');
    expect(String(err!.endpoint)).not.toContain('123456789');
    expect(String(err!.endpoint)).not.toContain('token');
    const [l] = await t.query<Record<string, unknown>>('SELECT * FROM learning_events');
    expect(l).toMatchObject({ course: 'AAA-2013J', score: 78, max_score: 100, subject_area: 'maths' });
  });

  it('stores an event older than its detail window already anonymised', async () => {
    const old = new Date(Date.now() - 120 * 86400_000).toISOString();
    const res = await t.send([{ id: 'evt-old-1', type: 'quest_completed', userId: 'learner-old', occurredAt: old, sessionId: 'sess-1', context: { ip: '198.51.100.9' } }]);
    expect(res.body.accepted).toBe(1);
    const [row] = await t.query<Record<string, unknown>>("SELECT * FROM events WHERE type = 'quest_completed'");
    expect(row).toMatchObject({ subject_id: null, session_id: null, anonymous_id: null, ip_prefix: null });
    expect(row!.anonymized_at).not.toBeNull();
  });
});

describe('bad input: answered 4xx with its code, nothing stored', () => {
  const raw = (payload: string, headers: Record<string, string> = {}) =>
    t.app.inject({ method: 'POST', url: '/api/v1/events', headers: { authorization: `Bearer ${t.tenant.keys.server}`, 'content-type': 'application/json', ...headers }, payload });
  const deep = (n: number): unknown => (n === 0 ? 1 : { a: deep(n - 1) });
  const cases: Array<[string, () => Promise<{ statusCode: number; json(): any }>, number, string]> = [
    ['invalid JSON', () => raw('{"events": [ {"type": "x"'), 400, 'EBB_INVALID_JSON'],
    ['NaN literal', () => raw('{"events":[{"type":"x","props":{"n":NaN}}]}'), 400, 'EBB_INVALID_JSON'],
    ['empty body', () => raw(''), 400, 'EBB_INVALID_JSON'],
    ['not an object', () => raw('[1,2,3]'), 400, 'EBB_VALIDATION_FAILED'],
    ['no events', () => raw('{"events": []}'), 400, 'EBB_VALIDATION_FAILED'],
    ['unknown top-level key', () => raw('{"events":[{"type":"x"}],"extra":1}'), 400, 'EBB_VALIDATION_FAILED'],
    ['wrong types', () => raw('{"events":[{"type":"x","occurredAt":true,"page":{"path":5}}]}'), 400, 'EBB_EVENT_INVALID'],
    ['unknown event key', () => raw('{"events":[{"type":"x","email":"a@b.org"}]}'), 400, 'EBB_EVENT_INVALID'],
    ['__proto__ key', () => raw('{"events":[{"type":"x","props":{"__proto__":{"polluted":true}}}]}'), 400, 'EBB_INVALID_JSON'],
    ['constructor.prototype', () => raw('{"events":[{"type":"x","props":{"constructor":{"prototype":{"p":1}}}}]}'), 400, 'EBB_INVALID_JSON'],
    ['deep nesting', () => raw(JSON.stringify({ events: [{ type: 'x', props: deep(12) }] })), 400, 'EBB_EVENT_INVALID'],
    ['huge string', () => raw(JSON.stringify({ events: [{ type: 'x', props: { s: 'y'.repeat(5000) } }] })), 400, 'EBB_EVENT_INVALID'],
    ['oversize body', () => raw(JSON.stringify({ events: [{ type: 'x', props: { s: 'y'.repeat(1024 * 1024) } }] })), 413, 'EBB_PAYLOAD_TOO_LARGE'],
    ['too many events', () => raw(JSON.stringify({ events: Array.from({ length: 1001 }, () => ({ type: 'x' })) })), 413, 'EBB_BATCH_TOO_LARGE'],
    ['date out of range', () => raw('{"events":[{"type":"x","occurredAt":"1899-01-01T00:00:00Z"}]}'), 400, 'EBB_EVENT_INVALID'],
    ['date too old for its category', () => raw(JSON.stringify({ events: [{ type: 'x', occurredAt: new Date(Date.now() - 800 * 86400_000).toISOString() }] })), 400, 'EBB_EVENT_TOO_OLD'],
    ['date in the future', () => raw(JSON.stringify({ events: [{ type: 'x', occurredAt: new Date(Date.now() + 3600_000).toISOString() }] })), 400, 'EBB_EVENT_IN_FUTURE'],
    ['date without zone', () => raw('{"events":[{"type":"x","occurredAt":"2025-01-01 10:00"}]}'), 400, 'EBB_EVENT_INVALID'],
    ['score above maxScore', () => raw('{"events":[{"type":"x","learning":{"score":11,"maxScore":10}}]}'), 400, 'EBB_EVENT_INVALID'],
    ['wrong content type', () => raw('type=x', { 'content-type': 'application/x-www-form-urlencoded' }), 415, 'EBB_UNSUPPORTED_MEDIA_TYPE'],
    ['no key', () => t.app.inject({ method: 'POST', url: '/api/v1/events', payload: { events: [{ type: 'x' }] } }), 401, 'EBB_UNAUTHENTICATED'],
    ['malformed key', () => raw('{"events":[{"type":"x"}]}', { authorization: 'Bearer nope' }), 401, 'EBB_UNAUTHENTICATED'],
    ['unknown key', () => raw('{"events":[{"type":"x"}]}', { authorization: `Bearer ebb_srv_${'A'.repeat(43)}` }), 401, 'EBB_UNAUTHENTICATED'],
    ['browser key on /events', () => raw('{"events":[{"type":"x"}]}', { authorization: `Bearer ${t.tenant.keys.browser}` }), 403, 'EBB_WRONG_KEY_KIND'],
    ['admin key on /events', () => raw('{"events":[{"type":"x"}]}', { authorization: `Bearer ${t.tenant.keys.admin}` }), 403, 'EBB_WRONG_KEY_KIND'],
  ];

  it.each(cases)('%s', async (_name, send, status, code) => {
    const before = await count();
    const res = await send();
    expect(res.statusCode).toBe(status);
    expect(res.json().error.code).toBe(code);
    expect(typeof res.json().error.message).toBe('string');
    expect(await count()).toBe(before);
  });

  it('answers an unknown route with EBB_NOT_FOUND', async () => {
    const res = await t.app.inject({ method: 'GET', url: '/api/v1/nothing-here' });
    expect(res.statusCode).toBe(404);
    expect(res.json().error.code).toBe('EBB_NOT_FOUND');
  });

  it('refuses a revoked key', async () => {
    const { key, info } = await t.services.keys.create({ tenantId: t.tenant.tenantId, kind: 'server', actor: 'test' });
    expect((await t.send([{ type: 'x' }], key)).status).toBe(200);
    await t.services.keys.revoke({ tenantId: t.tenant.tenantId, id: info.id, actor: 'test' });
    const res = await t.send([{ type: 'x' }], key);
    expect(res.status).toBe(401);
    expect(res.body.error.code).toBe('EBB_KEY_REVOKED');
  });
});

describe('POST /api/v1/collect', () => {
  const collect = (payload: string, headers: Record<string, string> = {}, key = t.tenant.keys.browser) =>
    t.app.inject({ method: 'POST', url: `/api/v1/collect?key=${key}`, headers: { 'content-type': 'text/plain', origin: 'https://app.example', 'user-agent': 'Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.0 Mobile/15E148 Safari/604.1', ...headers }, payload, remoteAddress: '192.0.2.55' });

  it('accepts text/plain JSON from a browser, with CORS for the origin', async () => {
    const res = await collect(JSON.stringify({ events: [{ type: 'page_view', page: { path: '/home' } }] }));
    expect(res.statusCode).toBe(200);
    expect(res.headers['access-control-allow-origin']).toBe('https://app.example');
    const [row] = await t.query<Record<string, unknown>>("SELECT * FROM events WHERE page_path = '/home'");
    expect(row).toMatchObject({ ip_prefix: '192.0.2.0/24', device_type: 'mobile', os: 'iOS' });
    expect(String(row!.anonymous_id)).toMatch(/^v_/);
  });

  it('keeps a Global Privacy Control visitor anonymous by default', async () => {
    const res = await collect(JSON.stringify({ events: [{ type: 'page_view', userId: 'gpc-user', page: { path: '/gpc' } }] }), { 'sec-gpc': '1' });
    expect(res.statusCode).toBe(200);
    const [row] = await t.query<Record<string, unknown>>("SELECT * FROM events WHERE page_path = '/gpc'");
    expect(row).toMatchObject({ subject_id: null, anonymous_id: null, session_id: null, ip_prefix: null });
  });

  it('refuses a server key and an origin off the allow-list', async () => {
    expect((await collect('{"events":[{"type":"x"}]}', {}, t.tenant.keys.server)).json().error.code).toBe('EBB_WRONG_KEY_KIND');
    const { key } = await t.services.keys.create({ tenantId: t.tenant.tenantId, kind: 'browser', allowedOrigins: ['https://only.example'], actor: 'test' });
    const res = await collect('{"events":[{"type":"x"}]}', {}, key);
    expect(res.statusCode).toBe(403);
    expect(res.json().error.code).toBe('EBB_ORIGIN_NOT_ALLOWED');
  });

  it('drops bots', async () => {
    const res = await collect(JSON.stringify({ events: [{ type: 'page_view', page: { path: '/bot' } }] }), { 'user-agent': 'Googlebot/2.1 (+http://www.google.com/bot.html)' });
    expect(res.json()).toMatchObject({ accepted: 0, dropped: 1 });
  });
});

describe('operations endpoints', () => {
  it('serves health, metrics and the OpenAPI description', async () => {
    expect((await t.app.inject({ method: 'GET', url: '/api/v1/health' })).json().status).toBe('ok');
    const metrics = await t.app.inject({ method: 'GET', url: '/metrics' });
    expect(metrics.body).toContain('ebb_ingest_events_accepted_total');
    expect(metrics.body).toContain('ebb_ingest_redactions_total{kind="email"}');
    const spec = await t.app.inject({ method: 'GET', url: '/docs/json' });
    expect(spec.json().paths).toHaveProperty('/api/v1/events');
  });
});
