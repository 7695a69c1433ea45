import { generateKeyPairSync } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signJwt } from '../../src/access/jwt.ts';
import { createManualClock } from '../../src/core/clock.ts';
import { startTestServer, type TestServer } from '../helpers/harness.ts';
import { bearer, PEOPLE, populateTenant, strangerSecret, type TenantFixture } from './access-fixtures.ts';

const b64 = (v: unknown) => Buffer.from(JSON.stringify(v)).toString('base64url');

describe('viewer tokens', () => {
  const clock = createManualClock('2026-06-01T09:00:00Z');
  let t: TestServer;
  let A: TenantFixture;
  let B: TenantFixture;
  const now = () => Math.floor(clock.now().getTime() / 1000);

  /** What the server answers to a token on a route that reads one learner. */
  const readLearner = async (token: string, extra: Record<string, string> = {}) => {
    const res = await t.app.inject({ method: 'GET', url: `/api/v1/subjects/${PEOPLE.learner}`, headers: { ...bearer(token), ...extra } });
    return { status: res.statusCode, code: res.json().error?.code as string | undefined, body: res.json() };
  };

  beforeAll(async () => {
    t = await startTestServer({ clock });
    A = await populateTenant(t, t.tenant, 'a');
    B = await populateTenant(t, await t.services.tenants.create({ name: 'Other Tenant', actor: 'test' }), 'b');
  });
  afterAll(() => t?.close());

  it('lets a learner read their own data and a guardian their child\'s', async () => {
    expect((await readLearner(A.viewer.token(PEOPLE.learner, 'learner'))).status).toBe(200);
    expect((await readLearner(A.viewer.token(PEOPLE.guardian, 'guardian'))).status).toBe(200);
    expect((await readLearner(A.viewer.token(PEOPLE.otherLearner, 'learner'))).code).toBe('EBB_FORBIDDEN');
    expect((await readLearner(A.viewer.token(PEOPLE.otherGuardian, 'guardian'))).code).toBe('EBB_FORBIDDEN');
  });

  it('never echoes the app\'s user id back', async () => {
    const res = await t.app.inject({ method: 'GET', url: '/api/v1/auth/me', headers: bearer(A.viewer.token(PEOPLE.guardian, 'guardian')) });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ kind: 'viewer', role: 'guardian', tenantId: A.tenant.tenantId });
    expect(res.json().wards).toHaveLength(1);
    expect(res.body).not.toContain(PEOPLE.guardian);
    expect(res.body).not.toContain(PEOPLE.learner);
  });

  it('refuses an expired token, and accepts one within the minute of clock skew', async () => {
    const expired = A.viewer.token(PEOPLE.learner, 'learner', { iat: now() - 900, exp: now() - 61 });
    expect(await readLearner(expired)).toMatchObject({ status: 401, code: 'EBB_TOKEN_EXPIRED' });
    const justExpired = A.viewer.token(PEOPLE.learner, 'learner', { iat: now() - 900, exp: now() - 30 });
    expect((await readLearner(justExpired)).status).toBe(200);
    const token = A.viewer.token(PEOPLE.learner, 'learner');
    clock.advance(11 * 60_000);
    try {
      expect(await readLearner(token)).toMatchObject({ status: 401, code: 'EBB_TOKEN_EXPIRED' });
    } finally {
      clock.advance(-11 * 60_000);
    }
  });

  it('refuses a tampered token: changed claims, changed signature', async () => {
    const [h, , s] = A.viewer.token(PEOPLE.otherLearner, 'learner').split('.');
    const claims = { tid: A.tenant.tenantId, sub: PEOPLE.learner, role: 'learner', iat: now(), exp: now() + 600 };
    expect(await readLearner(`${h}.${b64(claims)}.${s}`)).toMatchObject({ status: 401, code: 'EBB_TOKEN_INVALID' });
    const [h2, p2, s2] = A.viewer.token(PEOPLE.learner, 'learner').split('.');
    const sig = Buffer.from(s2!, 'base64url');
    sig[0] = sig[0]! ^ 1;
    expect(await readLearner(`${h2}.${p2}.${sig.toString('base64url')}`)).toMatchObject({ status: 401, code: 'EBB_TOKEN_INVALID' });
    const guardian = A.viewer.token(PEOPLE.learner, 'learner').split('.');
    const asGuardian = { ...JSON.parse(Buffer.from(guardian[1]!, 'base64url').toString()), role: 'guardian' };
    expect((await readLearner(`${guardian[0]}.${b64(asGuardian)}.${guardian[2]}`)).code).toBe('EBB_TOKEN_INVALID');
  });

  it('refuses a token signed by another tenant, or with a secret nobody registered', async () => {
    // Signed with B's key but claiming tenant A: A has no such key.
    const forged = signJwt({ tid: A.tenant.tenantId, sub: PEOPLE.learner, role: 'learner', iat: now(), exp: now() + 600 }, { alg: 'HS256', key: B.viewer.secret, kid: B.viewer.keyId });
    expect(await readLearner(forged)).toMatchObject({ status: 401, code: 'EBB_TOKEN_INVALID' });
    const noKid = signJwt({ tid: A.tenant.tenantId, sub: PEOPLE.learner, role: 'learner', iat: now(), exp: now() + 600 }, { alg: 'HS256', key: B.viewer.secret });
    expect(await readLearner(noKid)).toMatchObject({ status: 401, code: 'EBB_TOKEN_INVALID' });
    const stranger = signJwt({ tid: A.tenant.tenantId, sub: PEOPLE.learner, role: 'learner', iat: now(), exp: now() + 600 }, { alg: 'HS256', key: strangerSecret(), kid: A.viewer.keyId });
    expect(await readLearner(stranger)).toMatchObject({ status: 401, code: 'EBB_TOKEN_INVALID' });
    // B's genuine token for a learner with the same app user id, used against tenant A.
    const fromB = B.viewer.token(PEOPLE.learner, 'learner');
    expect(await readLearner(fromB, { 'x-ebb-tenant': A.tenant.tenantId })).toMatchObject({ status: 403, code: 'EBB_TENANT_MISMATCH' });
    // Without naming a tenant it acts in B, about B's person of that id: never A's row.
    const inB = await readLearner(fromB);
    expect(inB.status).toBe(200);
    const aSubject = await t.services.subjectRows.find(A.tenant.tenantId, PEOPLE.learner);
    expect(inB.body.subjectId).not.toBe(aSubject!.id);
    const unknownTenant = signJwt({ tid: 't_nope', sub: PEOPLE.learner, role: 'learner', iat: now(), exp: now() + 600 }, { alg: 'HS256', key: A.viewer.secret });
    expect((await readLearner(unknownTenant)).code).toBe('EBB_TOKEN_INVALID');
    const noTenant = signJwt({ sub: PEOPLE.learner, role: 'learner', iat: now(), exp: now() + 600 }, { alg: 'HS256', key: A.viewer.secret });
    expect((await readLearner(noTenant)).code).toBe('EBB_TOKEN_INVALID');
  });

  it('refuses unsigned tokens (alg "none", any spelling)', async () => {
    const claims = b64({ tid: A.tenant.tenantId, sub: PEOPLE.learner, role: 'learner', iat: now(), exp: now() + 600 });
    for (const alg of ['none', 'None', 'NONE']) {
      for (const sig of ['', 'AA']) {
        const r = await readLearner(`${b64({ alg, typ: 'JWT' })}.${claims}.${sig}`);
        expect(r, `${alg} / "${sig}"`).toMatchObject({ status: 401, code: 'EBB_TOKEN_INVALID' });
      }
    }
    // A valid signature under a header that then says "none" does not help either.
    const [, p, s] = A.viewer.token(PEOPLE.learner, 'learner').split('.');
    expect((await readLearner(`${b64({ alg: 'none' })}.${p}.${s}`)).code).toBe('EBB_TOKEN_INVALID');
  });

  it('refuses algorithms other than the key\'s: HS256 signed with an RS256 public key, unknown algorithms', async () => {
    const { publicKey, privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const pem = publicKey.export({ type: 'spki', format: 'pem' }).toString();
    const tenant = await t.services.tenants.create({ name: 'RSA Tenant', actor: 'test' });
    const rs = await t.services.viewerTokens.createKey({ tenantId: tenant.tenantId, alg: 'RS256', publicKey: pem, actor: 'test' });
    const claims = { tid: tenant.tenantId, sub: 'someone', role: 'learner', iat: now(), exp: now() + 600 };
    const me = async (token: string) => (await t.app.inject({ method: 'GET', url: '/api/v1/auth/me', headers: bearer(token) })).json();

    expect((await me(signJwt(claims, { alg: 'RS256', key: privateKey, kid: rs.info.id }))).kind).toBe('viewer');
    // The classic confusion: the public key (known to anyone) used as an HMAC secret.
    const confused = signJwt(claims, { alg: 'HS256', key: Buffer.from(pem), kid: rs.info.id });
    expect((await me(confused)).error.code).toBe('EBB_TOKEN_INVALID');
    const confusedDer = signJwt(claims, { alg: 'HS256', key: publicKey.export({ type: 'spki', format: 'der' }) });
    expect((await me(confusedDer)).error.code).toBe('EBB_TOKEN_INVALID');
    // An RS256 signature presented as ES256, and algorithms Ebb does not take.
    const [, p, s] = signJwt(claims, { alg: 'RS256', key: privateKey, kid: rs.info.id }).split('.');
    expect((await me(`${b64({ alg: 'ES256', kid: rs.info.id })}.${p}.${s}`)).error.code).toBe('EBB_TOKEN_INVALID');
    for (const alg of ['HS512', 'RS512', 'PS256', 'EdDSA']) {
      expect((await me(`${b64({ alg, kid: rs.info.id })}.${p}.${s}`)).error.code, alg).toBe('EBB_TOKEN_INVALID');
    }
    // Keys named or embedded in the token are never used.
    expect((await me(`${b64({ alg: 'RS256', jwk: publicKey.export({ format: 'jwk' }) })}.${p}.${s}`)).error.code).toBe('EBB_TOKEN_INVALID');
  });

  it('accepts ES256 tokens from a registered P-256 key', async () => {
    const { publicKey, privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    const tenant = await t.services.tenants.create({ name: 'EC Tenant', actor: 'test' });
    const es = await t.services.viewerTokens.createKey({ tenantId: tenant.tenantId, alg: 'ES256', publicKey: publicKey.export({ type: 'spki', format: 'pem' }).toString(), actor: 'test' });
    const token = signJwt({ tid: tenant.tenantId, sub: 'someone', role: 'guardian', iat: now(), exp: now() + 600 }, { alg: 'ES256', key: privateKey, kid: es.info.id });
    const res = await t.app.inject({ method: 'GET', url: '/api/v1/auth/me', headers: bearer(token) });
    expect(res.json()).toMatchObject({ kind: 'viewer', role: 'guardian' });
    const other = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    const wrong = signJwt({ tid: tenant.tenantId, sub: 'someone', role: 'guardian', iat: now(), exp: now() + 600 }, { alg: 'ES256', key: other.privateKey, kid: es.info.id });
    expect((await t.app.inject({ method: 'GET', url: '/api/v1/auth/me', headers: bearer(wrong) })).json().error.code).toBe('EBB_TOKEN_INVALID');
  });

  it('refuses tokens that live longer than an hour, or are issued in the future', async () => {
    expect((await readLearner(A.viewer.token(PEOPLE.learner, 'learner', { exp: now() + 3600 }))).status).toBe(200);
    expect(await readLearner(A.viewer.token(PEOPLE.learner, 'learner', { exp: now() + 3601 }))).toMatchObject({ status: 401, code: 'EBB_TOKEN_INVALID' });
    expect((await readLearner(A.viewer.token(PEOPLE.learner, 'learner', { exp: now() + 30 * 86400 }))).code).toBe('EBB_TOKEN_INVALID');
    // Without iat the lifetime cannot be bounded.
    expect((await readLearner(A.viewer.token(PEOPLE.learner, 'learner', { iat: undefined }))).code).toBe('EBB_TOKEN_INVALID');
    expect((await readLearner(A.viewer.token(PEOPLE.learner, 'learner', { iat: now() + 600, exp: now() + 1200 }))).code).toBe('EBB_TOKEN_INVALID');
    expect((await readLearner(A.viewer.token(PEOPLE.learner, 'learner', { nbf: now() + 600 }))).code).toBe('EBB_TOKEN_INVALID');
  });

  it('refuses an unknown key id, a revoked key, and wrong claims', async () => {
    const claims = { tid: A.tenant.tenantId, sub: PEOPLE.learner, role: 'learner', iat: now(), exp: now() + 600 };
    const unknownKid = signJwt(claims, { alg: 'HS256', key: A.viewer.secret, kid: 'vk_not_registered' });
    expect(await readLearner(unknownKid)).toMatchObject({ status: 401, code: 'EBB_TOKEN_INVALID' });
    expect((await readLearner(A.viewer.token(PEOPLE.learner, 'teacher' as 'learner'))).code).toBe('EBB_TOKEN_INVALID');
    expect((await readLearner(A.viewer.token('', 'learner'))).code).toBe('EBB_TOKEN_INVALID');
    expect((await readLearner(A.viewer.token(PEOPLE.learner, 'learner', { sub: 42 }))).code).toBe('EBB_TOKEN_INVALID');

    const tenant = await t.services.tenants.create({ name: 'Revoking Tenant', actor: 'test' });
    const key = await t.services.viewerTokens.createKey({ tenantId: tenant.tenantId, alg: 'HS256', actor: 'test' });
    const token = signJwt({ ...claims, tid: tenant.tenantId }, { alg: 'HS256', key: Buffer.from(key.secret!, 'base64url'), kid: key.info.id });
    const me = async () => (await t.app.inject({ method: 'GET', url: '/api/v1/auth/me', headers: bearer(token) })).statusCode;
    expect(await me()).toBe(200);
    const revoked = await t.app.inject({ method: 'POST', url: `/api/v1/viewer-keys/${key.info.id}/revoke`, headers: bearer(tenant.keys.admin) });
    expect(revoked.json().key.revokedAt).not.toBeNull();
    expect(await me()).toBe(401);
  });

  it('refuses malformed tokens without trying them', async () => {
    for (const token of ['a.b.c', `${b64({ alg: 'HS256' })}.e30=.AA`, `${b64({ alg: 'HS256', crit: ['x'] })}.${b64({})}.AA`, `${'a'.repeat(9000)}.b.c`]) {
      expect((await readLearner(token)).code, token.slice(0, 40)).toBe('EBB_TOKEN_INVALID');
    }
    expect((await readLearner('not-a-token')).code).toBe('EBB_UNAUTHENTICATED');
  });

  it('follows guardianships as they change: an unlinked guardian loses access at once', async () => {
    const token = A.viewer.token(PEOPLE.guardian, 'guardian');
    expect((await readLearner(token)).status).toBe(200);
    await t.services.guardianships.unlink({ tenantId: A.tenant.tenantId, guardianUserId: PEOPLE.guardian, learnerUserId: PEOPLE.learner, actor: 'test' });
    try {
      expect((await readLearner(token)).code).toBe('EBB_FORBIDDEN');
    } finally {
      await t.services.guardianships.link({ tenantId: A.tenant.tenantId, guardianUserId: PEOPLE.guardian, learnerUserId: PEOPLE.learner, actor: 'test' });
    }
  });
});
