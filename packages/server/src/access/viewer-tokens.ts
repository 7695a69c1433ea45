import { createHash, createPublicKey, randomBytes, type KeyObject } from 'node:crypto';
import { LIMITS } from '@ebb/contracts';
import type { Clock } from '../core/clock.ts';
import { EbbError } from '../core/errors.ts';
import { uuidv7 } from '../core/ids.ts';
import type { AuditLog } from '../audit/audit-log.ts';
import type { AccessStore, ControlStore, ViewerKeyRecord, ViewerTokenAlg } from '../store/ports.ts';
import { decodeJwt, verifyJwtSignature } from './jwt.ts';
import type { ViewerRole } from './principal.ts';
import type { SecretBox } from './secret-box.ts';

/** Viewer tokens live at most an hour: they are minted per page view by the app's server. */
export const VIEWER_TOKEN_MAX_LIFETIME_SECONDS = 3600;
/** Clock difference tolerated between the app's server and Ebb. */
export const VIEWER_TOKEN_SKEW_SECONDS = 60;

export interface ViewerClaims {
  tenantId: string;
  /** The app's own user id; pseudonymised by the caller before it goes anywhere. */
  sub: string;
  role: ViewerRole;
  issuedAt: Date;
  expiresAt: Date;
  keyId: string;
}

export interface ViewerKeyInfo {
  id: string;
  tenantId: string;
  alg: ViewerTokenAlg;
  name: string;
  /** SHA-256 of the public key (DER), for RS256/ES256 keys. */
  fingerprint: string | null;
  createdAt: string;
  revokedAt: string | null;
}

export interface ViewerTokenService {
  /** HS256: Ebb generates the secret and returns it this once. RS256/ES256: the app's public key (PEM). */
  createKey(input: { tenantId: string; alg: ViewerTokenAlg; name?: string; publicKey?: string; actor: string }): Promise<{ info: ViewerKeyInfo; secret: string | null }>;
  listKeys(tenantId: string): Promise<ViewerKeyInfo[]>;
  revokeKey(input: { tenantId: string; id: string; actor: string }): Promise<ViewerKeyInfo>;
  /** The claims of a token that verifies with one of its tenant's keys, or an error saying why not. */
  verify(token: string): Promise<ViewerClaims>;
}

/** `key` is null for an HS256 secret sealed under another signing secret (the server's was rotated). */
type LoadedKey = { record: ViewerKeyRecord; key: Buffer | KeyObject | null };

const invalid = (why: string) => new EbbError('EBB_TOKEN_INVALID', `The viewer token is refused: ${why}.`);

function publicKeyFor(alg: ViewerTokenAlg, pem: string): KeyObject {
  let key: KeyObject;
  try {
    key = createPublicKey(pem);
  } catch {
    throw new EbbError('EBB_VALIDATION_FAILED', 'publicKey is not a PEM public key ("-----BEGIN PUBLIC KEY-----...").');
  }
  const d = key.asymmetricKeyDetails;
  if (alg === 'RS256' && (key.asymmetricKeyType !== 'rsa' || (d?.modulusLength ?? 0) < 2048)) {
    throw new EbbError('EBB_VALIDATION_FAILED', 'An RS256 key must be an RSA public key of at least 2048 bits.');
  }
  if (alg === 'ES256' && (key.asymmetricKeyType !== 'ec' || d?.namedCurve !== 'prime256v1')) {
    throw new EbbError('EBB_VALIDATION_FAILED', 'An ES256 key must be an EC public key on curve P-256.');
  }
  return key;
}

const fingerprint = (r: ViewerKeyRecord): string | null =>
  r.publicKey ? createHash('sha256').update(createPublicKey(r.publicKey).export({ type: 'spki', format: 'der' })).digest('hex') : null;

const toInfo = (r: ViewerKeyRecord): ViewerKeyInfo => ({
  id: r.id,
  tenantId: r.tenantId,
  alg: r.alg,
  name: r.name,
  fingerprint: fingerprint(r),
  createdAt: r.createdAt.toISOString(),
  revokedAt: r.revokedAt?.toISOString() ?? null,
});

const seconds = (v: unknown, claim: string, required: boolean): number | null => {
  if (v === undefined && !required) return null;
  if (typeof v !== 'number' || !Number.isFinite(v)) throw invalid(`claim "${claim}" must be a number of seconds since 1970`);
  return v;
};

/** The tenant a token is bound to: `tid`, or a single `aud`; when both are given they must agree. */
function tenantOf(payload: Record<string, unknown>): string {
  const tid = payload.tid;
  const aud = payload.aud;
  const auds = aud === undefined ? [] : Array.isArray(aud) ? aud : [aud];
  if (!auds.every((a) => typeof a === 'string')) throw invalid('claim "aud" must be a string or a list of strings');
  if (tid !== undefined) {
    if (typeof tid !== 'string' || tid.length === 0) throw invalid('claim "tid" must be the tenant id');
    if (auds.length > 0 && !auds.includes(tid)) throw invalid('claims "tid" and "aud" name different tenants');
    return tid;
  }
  if (auds.length !== 1) throw invalid('it names no tenant: set "tid" (or a single "aud") to the tenant id');
  return auds[0] as string;
}

export function createViewerTokenService(deps: { store: AccessStore; control: ControlStore; audit: AuditLog; clock: Clock; secrets: SecretBox }): ViewerTokenService {
  const { store, control, audit, clock, secrets } = deps;
  // Tokens are checked on every viewer request: keep each tenant's active keys in memory. This
  // process is the only writer, and creating or revoking a key drops the tenant's entry.
  const cache = new Map<string, LoadedKey[]>();
  const openOrNull = (sealed: Buffer): Buffer | null => {
    try {
      return secrets.open(sealed);
    } catch {
      return null;
    }
  };

  const activeKeys = async (tenantId: string): Promise<LoadedKey[]> => {
    let keys = cache.get(tenantId);
    if (!keys) {
      keys = (await store.listViewerKeys(tenantId))
        .filter((r) => r.revokedAt === null)
        .map((r) => ({ record: r, key: r.alg === 'HS256' ? openOrNull(r.secretSealed!) : publicKeyFor(r.alg, r.publicKey!) }));
      cache.set(tenantId, keys);
    }
    return keys;
  };

  return {
    async createKey({ tenantId, alg, name, publicKey, actor }) {
      if (!(await control.getTenant(tenantId))) throw new EbbError('EBB_TENANT_NOT_FOUND', `No tenant has the id "${tenantId}".`);
      let secret: string | null = null;
      let sealed: Buffer | null = null;
      if (alg === 'HS256') {
        if (publicKey) throw new EbbError('EBB_VALIDATION_FAILED', 'HS256 keys are generated by Ebb; do not send publicKey.');
        const raw = randomBytes(32);
        secret = raw.toString('base64url');
        sealed = secrets.seal(raw);
      } else {
        if (!publicKey) throw new EbbError('EBB_VALIDATION_FAILED', `An ${alg} key needs publicKey: the PEM public key the app signs against.`);
        publicKeyFor(alg, publicKey);
      }
      const record: ViewerKeyRecord = {
        id: `vk_${uuidv7(clock.now().getTime()).replaceAll('-', '').slice(0, 24)}`,
        tenantId, alg, name: name ?? `${alg} viewer key`, secretSealed: sealed, publicKey: publicKey ?? null, createdAt: clock.now(), revokedAt: null,
      };
      await store.insertViewerKey(record);
      cache.delete(tenantId);
      const info = toInfo(record);
      await audit.record({ tenantId, actor, action: 'viewer_key.created', target: record.id, details: { alg, fingerprint: info.fingerprint } });
      return { info, secret };
    },

    async listKeys(tenantId) {
      return (await store.listViewerKeys(tenantId)).map(toInfo);
    },

    async revokeKey({ tenantId, id, actor }) {
      const existing = await store.getViewerKey(tenantId, id);
      if (!existing) throw new EbbError('EBB_KEY_NOT_FOUND', `No viewer-token key has the id "${id}" in this tenant.`);
      if (await store.revokeViewerKey(tenantId, id, clock.now())) {
        cache.delete(tenantId);
        await audit.record({ tenantId, actor, action: 'viewer_key.revoked', target: id, details: { alg: existing.alg } });
      }
      return toInfo((await store.getViewerKey(tenantId, id))!);
    },

    async verify(token) {
      const d = decodeJwt(token);
      const tenantId = tenantOf(d.payload);
      if (!(await control.getTenant(tenantId))) throw invalid('no viewer-token key is registered for its tenant');
      const kid = d.header.kid;
      const candidates = (await activeKeys(tenantId)).filter((k) => k.record.alg === d.header.alg && (kid === undefined || k.record.id === kid));
      if (candidates.length === 0) {
        throw invalid(kid === undefined ? `no ${d.header.alg} key is registered for its tenant` : `key "${kid.slice(0, 40)}" is not an active ${d.header.alg} key of its tenant`);
      }
      const readable = candidates.filter((k) => k.key !== null);
      if (readable.length === 0) {
        throw invalid('its key was registered under another signing secret of this server, which was rotated since; register a new viewer-token key');
      }
      const match = readable.find((k) => verifyJwtSignature(d, k.record.alg, k.key!));
      if (!match) throw invalid('the signature does not verify');

      const p = d.payload;
      const now = clock.now().getTime() / 1000;
      const exp = seconds(p.exp, 'exp', true)!;
      const iat = seconds(p.iat, 'iat', true)!;
      const nbf = seconds(p.nbf, 'nbf', false);
      if (exp - iat > VIEWER_TOKEN_MAX_LIFETIME_SECONDS) throw invalid(`it lives longer than ${VIEWER_TOKEN_MAX_LIFETIME_SECONDS / 60} minutes (exp - iat)`);
      if (exp <= iat) throw invalid('it expires before it was issued');
      if (iat > now + VIEWER_TOKEN_SKEW_SECONDS) throw invalid('it was issued in the future (check the app server\'s clock)');
      if (nbf !== null && nbf > now + VIEWER_TOKEN_SKEW_SECONDS) throw invalid('it is not valid yet (nbf)');
      if (exp + VIEWER_TOKEN_SKEW_SECONDS <= now) throw new EbbError('EBB_TOKEN_EXPIRED');
      if (typeof p.sub !== 'string' || p.sub.length === 0 || p.sub.length > LIMITS.userIdMaxLength) {
        throw invalid(`claim "sub" must be the app's user id (1-${LIMITS.userIdMaxLength} characters)`);
      }
      if (p.role !== 'learner' && p.role !== 'guardian') throw invalid('claim "role" must be "learner" or "guardian"');
      return { tenantId, sub: p.sub, role: p.role, issuedAt: new Date(iat * 1000), expiresAt: new Date(exp * 1000), keyId: match.record.id };
    },
  };
}
