import { createHash, timingSafeEqual } from 'node:crypto';
import type { Clock } from '../core/clock.ts';
import { EbbError } from '../core/errors.ts';
import { randomToken, uuidv7 } from '../core/ids.ts';
import type { AuditLog } from '../audit/audit-log.ts';
import type { ApiKeyKind, ApiKeyRecord, ControlStore, KeyScope } from '../store/ports.ts';
import { ALLOWED_SCOPES, DEFAULT_SCOPES } from './roles.ts';

/** What a caller learns about a key; never the hash. */
export interface ApiKeyInfo {
  id: string;
  tenantId: string;
  kind: ApiKeyKind;
  name: string;
  prefix: string;
  allowedOrigins: string[];
  scopes: KeyScope[];
  createdAt: string;
  lastUsedAt: string | null;
  revokedAt: string | null;
}

export interface ApiKeyService {
  /** Creates a key and returns it whole, the only time it is ever shown. */
  create(input: {
    tenantId: string; kind: ApiKeyKind; name?: string; allowedOrigins?: string[];
    /** Admin and read keys only; defaults per kind (access/roles.ts). */
    scopes?: KeyScope[];
    /** Scopes the creator may hand out (a key creating a key cannot give more than it holds); all when absent. */
    grantable?: ReadonlySet<KeyScope>;
    actor: string;
  }): Promise<{ key: string; info: ApiKeyInfo }>;
  /** The key record for a presented secret, or an error saying why it is refused. */
  authenticate(presented: string | undefined): Promise<ApiKeyRecord>;
  list(tenantId: string): Promise<ApiKeyInfo[]>;
  revoke(input: { tenantId: string; id: string; actor: string }): Promise<ApiKeyInfo>;
  /** Writes last-used times gathered in memory. */
  flushLastUsed(): Promise<void>;
}

const KIND_TAG: Record<ApiKeyKind, string> = { server: 'srv', browser: 'brw', admin: 'adm', read: 'red' };
const KEY_PATTERN = /^ebb_(srv|brw|adm|red)_([A-Za-z0-9_-]{43})$/;
const PREFIX_LENGTH = 16;

const sha256 = (s: string): Buffer => createHash('sha256').update(s).digest();

export const toKeyInfo = (k: ApiKeyRecord): ApiKeyInfo => ({
  id: k.id,
  tenantId: k.tenantId,
  kind: k.kind,
  name: k.name,
  prefix: k.prefix,
  allowedOrigins: k.allowedOrigins,
  scopes: k.scopes,
  createdAt: k.createdAt.toISOString(),
  lastUsedAt: k.lastUsedAt?.toISOString() ?? null,
  revokedAt: k.revokedAt?.toISOString() ?? null,
});

export function createApiKeyService(deps: { store: ControlStore; audit: AuditLog; clock: Clock }): ApiKeyService {
  const { store, audit, clock } = deps;
  // Keys are checked on every ingest request: keep the records in memory. This process is the
  // only writer, and revocation drops the cached record at once.
  const cache = new Map<string, ApiKeyRecord>();
  const lastUsed = new Map<string, Date>();

  return {
    async create({ tenantId, kind, name, allowedOrigins, scopes, grantable, actor }) {
      const tenant = await store.getTenant(tenantId);
      if (!tenant) throw new EbbError('EBB_TENANT_NOT_FOUND', `No tenant has the id "${tenantId}". List tenants with "ebb tenant list".`);
      const granted = [...new Set(scopes ?? DEFAULT_SCOPES[kind])];
      const notAllowed = granted.filter((sc) => !ALLOWED_SCOPES[kind].includes(sc));
      if (notAllowed.length > 0) {
        throw new EbbError('EBB_VALIDATION_FAILED', `A ${kind} key may not hold ${notAllowed.join(', ')}; it may hold ${ALLOWED_SCOPES[kind].join(', ') || 'no scopes (it can only send events)'}.`);
      }
      if ((kind === 'admin' || kind === 'read') && granted.length === 0) throw new EbbError('EBB_VALIDATION_FAILED', `A ${kind} key needs at least one scope.`);
      const beyond = grantable ? granted.filter((sc) => !grantable.has(sc)) : [];
      if (beyond.length > 0) {
        const may = ALLOWED_SCOPES[kind].filter((sc) => grantable!.has(sc));
        throw new EbbError('EBB_FORBIDDEN', `This credential may not hand out ${beyond.join(', ')}: it may not do that itself. Name the scopes (it may hand out ${may.join(', ') || 'none of this kind\'s scopes'}).`);
      }
      const key = `ebb_${KIND_TAG[kind]}_${randomToken(32)}`;
      const record: ApiKeyRecord = {
        id: uuidv7(clock.now().getTime()),
        tenantId,
        kind,
        name: name ?? `${kind} key`,
        prefix: key.slice(0, PREFIX_LENGTH),
        hash: sha256(key).toString('hex'),
        allowedOrigins: kind === 'browser' ? (allowedOrigins && allowedOrigins.length > 0 ? allowedOrigins : ['*']) : [],
        scopes: granted,
        createdAt: clock.now(),
        lastUsedAt: null,
        revokedAt: null,
      };
      await store.insertApiKey(record);
      await audit.record({ tenantId, actor, action: 'api_key.created', target: record.id, details: { kind, prefix: record.prefix, allowedOrigins: record.allowedOrigins, scopes: granted } });
      return { key, info: toKeyInfo(record) };
    },

    async authenticate(presented) {
      if (!presented) throw new EbbError('EBB_UNAUTHENTICATED');
      if (!KEY_PATTERN.test(presented)) throw new EbbError('EBB_UNAUTHENTICATED', 'The API key is malformed. Keys look like "ebb_srv_..." and are printed once when created.');
      const prefix = presented.slice(0, PREFIX_LENGTH);
      let record = cache.get(prefix);
      if (!record) {
        record = (await store.findApiKeyByPrefix(prefix)) ?? undefined;
        if (record) cache.set(prefix, record);
      }
      const hash = sha256(presented);
      if (!record || !timingSafeEqual(hash, Buffer.from(record.hash, 'hex'))) throw new EbbError('EBB_UNAUTHENTICATED', 'The API key is not known. Check that you copied it whole.');
      if (record.revokedAt) throw new EbbError('EBB_KEY_REVOKED');
      lastUsed.set(record.id, clock.now());
      return record;
    },

    async list(tenantId) {
      return (await store.listApiKeys(tenantId)).map(toKeyInfo);
    },

    async revoke({ tenantId, id, actor }) {
      const existing = await store.getApiKey(tenantId, id);
      if (!existing) throw new EbbError('EBB_KEY_NOT_FOUND', `No API key has the id "${id}" in this tenant. List keys with "ebb keys list".`);
      if (!existing.revokedAt) {
        await store.revokeApiKey(tenantId, id, clock.now());
        cache.delete(existing.prefix);
        await audit.record({ tenantId, actor, action: 'api_key.revoked', target: id, details: { kind: existing.kind, prefix: existing.prefix } });
      }
      return toKeyInfo((await store.getApiKey(tenantId, id))!);
    },

    async flushLastUsed() {
      if (lastUsed.size === 0) return;
      const batch = new Map(lastUsed);
      lastUsed.clear();
      await store.touchApiKeys(batch);
    },
  };
}
