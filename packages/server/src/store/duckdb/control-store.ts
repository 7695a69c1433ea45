import type { Db, Row } from './connection.ts';
import {
  DEFAULT_TENANT_SETTINGS,
  type ApiKeyKind, type ApiKeyRecord, type AuditEntry, type ConsentState, type ControlStore, type KeyScope,
  type NewAuditEntry, type SubjectRecord, type Tenant,
} from '../ports.ts';

const date = (v: unknown): Date | null => (v == null ? null : v instanceof Date ? v : new Date(String(v)));
const json = <T>(v: unknown, fallback: T): T => (v == null ? fallback : typeof v === 'string' ? (JSON.parse(v) as T) : (v as T));

const toTenant = (r: Row): Tenant => ({
  id: String(r.id),
  name: String(r.name),
  createdAt: date(r.created_at)!,
  settings: { ...DEFAULT_TENANT_SETTINGS, ...json(r.settings, {}) },
});

const toKey = (r: Row): ApiKeyRecord => ({
  id: String(r.id),
  tenantId: String(r.tenant_id),
  kind: String(r.kind) as ApiKeyKind,
  name: String(r.name),
  prefix: String(r.prefix),
  hash: String(r.hash),
  allowedOrigins: json<string[]>(r.allowed_origins, []),
  scopes: json<KeyScope[]>(r.scopes, []),
  createdAt: date(r.created_at)!,
  lastUsedAt: date(r.last_used_at),
  revokedAt: date(r.revoked_at),
});

const toAudit = (r: Row): AuditEntry => ({
  seq: Number(r.seq),
  at: date(r.recorded_at)!,
  tenantId: r.tenant_id == null ? null : String(r.tenant_id),
  actor: String(r.actor),
  action: String(r.action),
  target: r.target == null ? null : String(r.target),
  details: json(r.details, {}),
  prevHash: String(r.prev_hash),
  hash: String(r.hash),
});

export function createDuckDbControlStore(db: Db): ControlStore {
  // Appends must see the previous entry's hash: one at a time, in this process.
  let auditTail: Promise<unknown> = Promise.resolve();

  return {
    async createTenant(t) {
      await db.run('INSERT INTO tenants VALUES ($1, $2, $3::TIMESTAMPTZ, $4)', [t.id, t.name, t.createdAt.toISOString(), JSON.stringify(t.settings)]);
    },
    async getTenant(id) {
      const r = await db.one('SELECT * FROM tenants WHERE id = $1', [id]);
      return r ? toTenant(r) : null;
    },
    async findTenantByName(name) {
      const r = await db.one('SELECT * FROM tenants WHERE name = $1', [name]);
      return r ? toTenant(r) : null;
    },
    async listTenants() {
      return (await db.all('SELECT * FROM tenants ORDER BY created_at, id')).map(toTenant);
    },
    async updateTenantSettings(id, settings) {
      await db.run('UPDATE tenants SET settings = $1 WHERE id = $2', [JSON.stringify(settings), id]);
    },

    async insertApiKey(k) {
      await db.run(
        `INSERT INTO api_keys (id, tenant_id, kind, name, prefix, hash, allowed_origins, scopes, created_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9::TIMESTAMPTZ)`,
        [k.id, k.tenantId, k.kind, k.name, k.prefix, k.hash, JSON.stringify(k.allowedOrigins), JSON.stringify(k.scopes), k.createdAt.toISOString()],
      );
    },
    async findApiKeyByPrefix(prefix) {
      const r = await db.one('SELECT * FROM api_keys WHERE prefix = $1', [prefix]);
      return r ? toKey(r) : null;
    },
    async listApiKeys(tenantId) {
      return (await db.all('SELECT * FROM api_keys WHERE tenant_id = $1 ORDER BY created_at, id', [tenantId])).map(toKey);
    },
    async getApiKey(tenantId, id) {
      const r = await db.one('SELECT * FROM api_keys WHERE tenant_id = $1 AND id = $2', [tenantId, id]);
      return r ? toKey(r) : null;
    },
    async revokeApiKey(tenantId, id, at) {
      const r = await db.all(
        'UPDATE api_keys SET revoked_at = $3::TIMESTAMPTZ WHERE tenant_id = $1 AND id = $2 AND revoked_at IS NULL RETURNING id',
        [tenantId, id, at.toISOString()],
      );
      return r.length > 0;
    },
    async touchApiKeys(lastUsed) {
      if (lastUsed.size === 0) return;
      await db.transaction(async () => {
        for (const [id, at] of lastUsed) {
          await db.run('UPDATE api_keys SET last_used_at = $2::TIMESTAMPTZ WHERE id = $1', [id, at.toISOString()]);
        }
      });
    },

    async findSubjects(tenantId, pseudonyms) {
      if (pseudonyms.length === 0) return [];
      const rows = await db.all(
        'SELECT id, tenant_id, pseudonym, kind, consent_state FROM subjects WHERE tenant_id = $1 AND list_contains($2::VARCHAR[], pseudonym)',
        [tenantId, pseudonyms as never],
      );
      return rows.map((r): SubjectRecord => ({
        id: String(r.id),
        tenantId: String(r.tenant_id),
        pseudonym: String(r.pseudonym),
        kind: String(r.kind) as SubjectRecord['kind'],
        consentState: String(r.consent_state) as ConsentState,
      }));
    },

    async getSalt(day) {
      const r = await db.one<{ salt: Uint8Array }>('SELECT salt FROM salts WHERE day = $1::DATE', [day]);
      return r ? Buffer.from(r.salt) : null;
    },
    async putSalt(day, salt, at) {
      await db.run(
        'INSERT INTO salts VALUES ($1::DATE, from_hex($2), $3::TIMESTAMPTZ) ON CONFLICT (day) DO NOTHING',
        [day, salt.toString('hex'), at.toISOString()],
      );
      const r = await db.one<{ salt: Uint8Array }>('SELECT salt FROM salts WHERE day = $1::DATE', [day]);
      return Buffer.from(r!.salt);
    },
    async deleteSaltsBefore(day) {
      const r = await db.all('DELETE FROM salts WHERE day < $1::DATE RETURNING day', [day]);
      return r.length;
    },

    appendAudit(entry: NewAuditEntry, at: Date, seal) {
      const next = auditTail.then(() =>
        db.transaction(async () => {
          const last = await db.one<{ seq: bigint; hash: string }>('SELECT seq, hash FROM audit_log ORDER BY seq DESC LIMIT 1');
          const base: Omit<AuditEntry, 'hash'> = {
            seq: last ? Number(last.seq) + 1 : 1,
            at,
            tenantId: entry.tenantId,
            actor: entry.actor,
            action: entry.action,
            target: entry.target,
            details: entry.details,
            prevHash: last ? last.hash : '',
          };
          const hash = seal(base);
          await db.run(
            'INSERT INTO audit_log VALUES ($1, $2::TIMESTAMPTZ, $3, $4, $5, $6, $7, $8, $9)',
            [base.seq, at.toISOString(), base.tenantId, base.actor, base.action, base.target, JSON.stringify(base.details), base.prevHash, hash],
          );
          return { ...base, hash };
        }),
      );
      auditTail = next.catch(() => undefined);
      return next;
    },
    async readAudit(fromSeq, limit) {
      return (await db.all('SELECT * FROM audit_log WHERE seq >= $1 ORDER BY seq LIMIT $2', [fromSeq, limit])).map(toAudit);
    },
  };
}
