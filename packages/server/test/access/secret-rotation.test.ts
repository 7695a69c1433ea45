import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { rmSync } from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { signJwt } from '../../src/access/jwt.ts';
import type { FastifyInstance } from 'fastify';
import { createServices, type Services } from '../../src/app/services.ts';
import { loadConfig } from '../../src/core/config.ts';
import { createLogger } from '../../src/core/logger.ts';
import { createHttpApp } from '../../src/http/app.ts';
import { startTestServer, tempDataDir } from '../helpers/harness.ts';
import { bearer, cookieFrom, populateTenant, TEST_PASSWORD } from './access-fixtures.ts';

/**
 * What a restart with a new signing or pseudonym secret does, as docs/security.md describes it:
 * the test keeps the document honest.
 */
describe('rotating server secrets', () => {
  const dataDir = tempDataDir();
  afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

  /** State made before the rotation. */
  let before: {
    tenantId: string; adminKey: string; ownerEmail: string; cookie: string; csrf: string;
    hsToken: (now: number) => string; rsToken: (now: number) => string;
  };

  /** The server again on the same data directory (the harness would add a second tenant of the same name). */
  const restart = async (env: Record<string, string>): Promise<{ app: FastifyInstance; services: Services; close(): Promise<void> }> => {
    const services = await createServices(loadConfig({ 'data-dir': dataDir, 'log-level': 'silent' }, env), { logger: createLogger('silent') });
    const { app } = await createHttpApp(services);
    await app.ready();
    return { app, services, close: async () => { await app.close(); await services.close(); } };
  };
  const now = () => Math.floor(Date.now() / 1000);

  it('prepares a tenant with viewer keys, a session and a person', async () => {
    const t = await startTestServer({ dataDir, env: { EBB_SIGNING_SECRET: 'the first signing secret, long enough' } });
    try {
      const f = await populateTenant(t, t.tenant, 'a');
      const { publicKey, privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
      const rs = await t.services.viewerTokens.createKey({ tenantId: t.tenant.tenantId, alg: 'RS256', publicKey: publicKey.export({ type: 'spki', format: 'pem' }).toString(), actor: 'test' });
      const login = await t.app.inject({ method: 'POST', url: '/api/v1/auth/login', payload: { email: f.emails.owner, password: TEST_PASSWORD } });
      const claims = (n: number) => ({ tid: t.tenant.tenantId, sub: 'learner-self', role: 'learner', iat: n, exp: n + 600 });
      before = {
        tenantId: t.tenant.tenantId, adminKey: t.tenant.keys.admin, ownerEmail: f.emails.owner,
        cookie: cookieFrom(login.headers['set-cookie']), csrf: login.json().csrfToken,
        hsToken: (n) => signJwt(claims(n), { alg: 'HS256', key: f.viewer.secret, kid: f.viewer.keyId }),
        rsToken: (n) => signJwt(claims(n), { alg: 'RS256', key: privateKey, kid: rs.info.id }),
      };
      expect((await t.app.inject({ method: 'GET', url: '/api/v1/subjects/learner-self', headers: bearer(before.hsToken(now())) })).statusCode).toBe(200);
    } finally {
      await t.close();
    }
  });

  it('a new signing secret: HS256 viewer keys and CSRF tokens stop working, API keys, RS256 keys and sessions keep working', async () => {
    const t = await restart({ EBB_SIGNING_SECRET: 'a second signing secret, also long enough' });
    try {
      const hs = await t.app.inject({ method: 'GET', url: '/api/v1/subjects/learner-self', headers: bearer(before.hsToken(now())) });
      expect(hs.statusCode).toBe(401);
      expect(hs.json().error.code).toBe('EBB_TOKEN_INVALID');
      expect(hs.json().error.message).toMatch(/signing secret/);
      const rs = await t.app.inject({ method: 'GET', url: '/api/v1/subjects/learner-self', headers: bearer(before.rsToken(now())) });
      expect(rs.statusCode).toBe(200);
      expect((await t.app.inject({ method: 'GET', url: '/api/v1/keys', headers: bearer(before.adminKey) })).statusCode).toBe(200);
      // The session still reads, but its CSRF token was derived from the old secret: sign in again to change anything.
      expect((await t.app.inject({ method: 'GET', url: '/api/v1/keys', headers: { cookie: before.cookie } })).statusCode).toBe(200);
      const change = await t.app.inject({ method: 'POST', url: '/api/v1/keys', headers: { cookie: before.cookie, 'x-ebb-csrf': before.csrf }, payload: { kind: 'read' } });
      expect(change.json().error.code).toBe('EBB_CSRF_FAILED');
      // A new HS256 key works at once.
      const fresh = await t.services.viewerTokens.createKey({ tenantId: before.tenantId, alg: 'HS256', actor: 'test' });
      const token = signJwt({ tid: before.tenantId, sub: 'learner-self', role: 'learner', iat: now(), exp: now() + 600 }, { alg: 'HS256', key: Buffer.from(fresh.secret!, 'base64url'), kid: fresh.info.id });
      expect((await t.app.inject({ method: 'GET', url: '/api/v1/subjects/learner-self', headers: bearer(token) })).statusCode).toBe(200);
    } finally {
      await t.close();
    }
  });

  it('a new pseudonym secret: people recorded before can no longer be found by their app user id', async () => {
    const t = await restart({ EBB_SIGNING_SECRET: 'a second signing secret, also long enough', EBB_PSEUDONYM_SECRET: randomBytes(32).toString('base64url') });
    try {
      const r = await t.app.inject({ method: 'GET', url: '/api/v1/subjects/learner-self', headers: bearer(before.adminKey) });
      expect(r.json().error.code).toBe('EBB_SUBJECT_NOT_FOUND');
    } finally {
      await t.close();
    }
  });
});
