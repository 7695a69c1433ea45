import type { Db, Row } from './connection.ts';
import type { DataCategory } from '../../privacy/inventory.ts';
import type { LegalHoldRecord, LegalHoldScope, RetentionPolicyRecord, RetentionStore } from '../ports.ts';

const date = (v: unknown): Date | null => (v == null ? null : v instanceof Date ? v : new Date(String(v)));
const text = (v: unknown): string | null => (v == null ? null : String(v));

const toPolicy = (r: Row): RetentionPolicyRecord => ({
  tenantId: String(r.tenant_id),
  category: String(r.category) as DataCategory,
  anonymizeAfterDays: Number(r.anonymize_after_days),
  deleteAfterDays: Number(r.delete_after_days),
  updatedAt: date(r.updated_at)!,
  updatedBy: String(r.updated_by),
});

const toHold = (r: Row): LegalHoldRecord => ({
  id: String(r.id),
  tenantId: String(r.tenant_id),
  scope: String(r.scope) as LegalHoldScope,
  subjectId: text(r.subject_id),
  pseudonym: text(r.pseudonym),
  reason: String(r.reason),
  placedBy: String(r.placed_by),
  placedAt: date(r.placed_at)!,
  releasedBy: text(r.released_by),
  releasedAt: date(r.released_at),
});

/** Retention policies and legal holds in DuckDB. */
export function createDuckDbRetentionStore(db: Db): RetentionStore {
  return {
    async listPolicies(tenantId) {
      return (await db.all('SELECT * FROM retention_policies WHERE tenant_id = $1 ORDER BY category', [tenantId])).map(toPolicy);
    },
    async savePolicies(tenantId, put, reset) {
      await db.transaction(async () => {
        for (const category of reset) await db.run('DELETE FROM retention_policies WHERE tenant_id = $1 AND category = $2', [tenantId, category]);
        for (const p of put) {
          await db.run(
            `INSERT INTO retention_policies VALUES ($1, $2, $3, $4, $5::TIMESTAMPTZ, $6)
             ON CONFLICT (tenant_id, category) DO UPDATE SET anonymize_after_days = excluded.anonymize_after_days,
               delete_after_days = excluded.delete_after_days, updated_at = excluded.updated_at, updated_by = excluded.updated_by`,
            [tenantId, p.category, p.anonymizeAfterDays, p.deleteAfterDays, p.updatedAt.toISOString(), p.updatedBy],
          );
        }
      });
    },

    async insertHold(h) {
      await db.run(
        'INSERT INTO legal_holds VALUES ($1, $2, $3, $4, $5, $6, $7, $8::TIMESTAMPTZ, NULL, NULL)',
        [h.id, h.tenantId, h.scope, h.subjectId, h.pseudonym, h.reason, h.placedBy, h.placedAt.toISOString()],
      );
    },
    async listHolds(tenantId, options = {}) {
      const where: string[] = [];
      const params: string[] = [];
      if (tenantId !== null) where.push(`tenant_id = $${params.push(tenantId)}`);
      if (options.activeOnly) where.push('released_at IS NULL');
      const sql = `SELECT * FROM legal_holds ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY placed_at DESC, id DESC`;
      return (await db.all(sql, params)).map(toHold);
    },
    async getHold(tenantId, id) {
      const r = await db.one('SELECT * FROM legal_holds WHERE tenant_id = $1 AND id = $2', [tenantId, id]);
      return r ? toHold(r) : null;
    },
    async releaseHold(tenantId, id, at, by) {
      const r = await db.all(
        `UPDATE legal_holds SET released_at = $3::TIMESTAMPTZ, released_by = $4
         WHERE tenant_id = $1 AND id = $2 AND released_at IS NULL RETURNING id`,
        [tenantId, id, at.toISOString(), by],
      );
      return r.length > 0;
    },
  };
}
