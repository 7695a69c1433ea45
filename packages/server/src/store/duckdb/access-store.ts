import type { Db, Row } from './connection.ts';
import type {
  AccessStore, AccountRecord, AccountSessionRecord, AgeBand, ConsentRecord, ConsentState, MembershipRecord, Role,
  SubjectDetails, SubjectRecord, ViewerKeyRecord, ViewerTokenAlg,
} from '../ports.ts';

const date = (v: unknown): Date | null => (v == null ? null : v instanceof Date ? v : new Date(String(v)));
const str = (v: unknown): string | null => (v == null ? null : String(v));

const toAccount = (r: Row): AccountRecord => ({
  id: String(r.id),
  email: String(r.email),
  passwordHash: String(r.password_hash),
  mustChangePassword: r.must_change_password === true,
  createdAt: date(r.created_at)!,
  passwordChangedAt: date(r.password_changed_at)!,
});

const toMembership = (r: Row): MembershipRecord => ({
  accountId: String(r.account_id),
  tenantId: String(r.tenant_id),
  role: String(r.role) as Role,
  createdAt: date(r.created_at)!,
});

const toSession = (r: Row): AccountSessionRecord => ({
  id: String(r.id),
  accountId: String(r.account_id),
  createdAt: date(r.created_at)!,
  expiresAt: date(r.expires_at)!,
  lastSeenAt: date(r.last_seen_at)!,
  revokedAt: date(r.revoked_at),
});

const toViewerKey = (r: Row): ViewerKeyRecord => ({
  id: String(r.id),
  tenantId: String(r.tenant_id),
  alg: String(r.alg) as ViewerTokenAlg,
  name: String(r.name),
  secretSealed: r.secret_sealed == null ? null : Buffer.from(r.secret_sealed as Uint8Array),
  publicKey: str(r.public_key),
  createdAt: date(r.created_at)!,
  revokedAt: date(r.revoked_at),
});

const toSubject = (r: Row): SubjectDetails => ({
  id: String(r.id),
  tenantId: String(r.tenant_id),
  pseudonym: String(r.pseudonym),
  kind: String(r.kind) as SubjectRecord['kind'],
  consentState: String(r.consent_state) as ConsentState,
  ageBand: str(r.age_band) as AgeBand | null,
  createdAt: date(r.created_at)!,
  erasedAt: date(r.erased_at),
});

const toConsent = (r: Row): ConsentRecord => ({
  id: String(r.id),
  tenantId: String(r.tenant_id),
  subjectId: String(r.subject_id),
  kind: String(r.kind) as ConsentRecord['kind'],
  state: String(r.state) as ConsentRecord['state'],
  method: str(r.method),
  givenAt: date(r.given_at),
  recordedAt: date(r.recorded_at)!,
  recordedBy: String(r.recorded_by),
});

/** Every query names its tenant where the table has one: a caller of one tenant never reads another's rows. */
export function createDuckDbAccessStore(db: Db): AccessStore {
  return {
    async insertAccount(a) {
      await db.run(
        `INSERT INTO accounts (id, email, password_hash, must_change_password, created_at, password_changed_at)
         VALUES ($1, $2, $3, $4, $5::TIMESTAMPTZ, $6::TIMESTAMPTZ)`,
        [a.id, a.email, a.passwordHash, a.mustChangePassword, a.createdAt.toISOString(), a.passwordChangedAt.toISOString()],
      );
    },
    async getAccount(id) {
      const r = await db.one('SELECT * FROM accounts WHERE id = $1', [id]);
      return r ? toAccount(r) : null;
    },
    async findAccountByEmail(email) {
      const r = await db.one('SELECT * FROM accounts WHERE email = $1', [email]);
      return r ? toAccount(r) : null;
    },
    async listAccounts() {
      return (await db.all('SELECT * FROM accounts ORDER BY created_at, id')).map(toAccount);
    },
    async setPassword(accountId, passwordHash, mustChange, at) {
      await db.run(
        'UPDATE accounts SET password_hash = $2, must_change_password = $3, password_changed_at = $4::TIMESTAMPTZ WHERE id = $1',
        [accountId, passwordHash, mustChange, at.toISOString()],
      );
    },

    async putMembership(m) {
      await db.transaction(async () => {
        // The role is not part of the key, so an update in place is safe; insert when new.
        const existing = await db.one('SELECT role FROM memberships WHERE account_id = $1 AND tenant_id = $2', [m.accountId, m.tenantId]);
        if (existing) await db.run('UPDATE memberships SET role = $3 WHERE account_id = $1 AND tenant_id = $2', [m.accountId, m.tenantId, m.role]);
        else await db.run('INSERT INTO memberships VALUES ($1, $2, $3, $4::TIMESTAMPTZ)', [m.accountId, m.tenantId, m.role, m.createdAt.toISOString()]);
      });
    },
    async getMembership(accountId, tenantId) {
      const r = await db.one('SELECT * FROM memberships WHERE account_id = $1 AND tenant_id = $2', [accountId, tenantId]);
      return r ? toMembership(r) : null;
    },
    async listMembershipsOf(accountId) {
      return (await db.all('SELECT * FROM memberships WHERE account_id = $1 ORDER BY created_at', [accountId])).map(toMembership);
    },
    async listMembers(tenantId) {
      const rows = await db.all(
        `SELECT m.*, a.email FROM memberships m JOIN accounts a ON a.id = m.account_id
         WHERE m.tenant_id = $1 ORDER BY m.created_at, m.account_id`,
        [tenantId],
      );
      return rows.map((r) => ({ ...toMembership(r), email: String(r.email) }));
    },
    async deleteMembership(accountId, tenantId) {
      const r = await db.all('DELETE FROM memberships WHERE account_id = $1 AND tenant_id = $2 RETURNING account_id', [accountId, tenantId]);
      return r.length > 0;
    },

    async insertSession(s) {
      await db.run(
        'INSERT INTO account_sessions VALUES ($1, $2, $3::TIMESTAMPTZ, $4::TIMESTAMPTZ, $5::TIMESTAMPTZ, NULL)',
        [s.id, s.accountId, s.createdAt.toISOString(), s.expiresAt.toISOString(), s.lastSeenAt.toISOString()],
      );
    },
    async getSession(id) {
      const r = await db.one('SELECT * FROM account_sessions WHERE id = $1', [id]);
      return r ? toSession(r) : null;
    },
    async touchSession(id, at) {
      await db.run('UPDATE account_sessions SET last_seen_at = $2::TIMESTAMPTZ WHERE id = $1', [id, at.toISOString()]);
    },
    async revokeSession(id, at) {
      await db.run('UPDATE account_sessions SET revoked_at = $2::TIMESTAMPTZ WHERE id = $1 AND revoked_at IS NULL', [id, at.toISOString()]);
    },
    async revokeSessionsOf(accountId, at, except) {
      const r = await db.all(
        `UPDATE account_sessions SET revoked_at = $2::TIMESTAMPTZ
         WHERE account_id = $1 AND revoked_at IS NULL AND id <> $3 RETURNING id`,
        [accountId, at.toISOString(), except ?? ''],
      );
      return r.length;
    },
    async deleteSessionsExpiredBefore(at) {
      const r = await db.all(
        'DELETE FROM account_sessions WHERE expires_at < $1::TIMESTAMPTZ OR revoked_at < $1::TIMESTAMPTZ RETURNING id',
        [at.toISOString()],
      );
      return r.length;
    },

    async insertLoginAttempt(a) {
      await db.run('INSERT INTO login_attempts VALUES ($1::TIMESTAMPTZ, $2, $3, $4)', [a.at.toISOString(), a.emailKey, a.accountId, a.outcome]);
    },
    async recentFailures(emailKey, since) {
      const r = await db.one<{ n: bigint; last: Date | null }>(
        `SELECT count(*) AS n, max(attempted_at) AS last FROM login_attempts
         WHERE email_key = $1 AND outcome = 'failure' AND attempted_at >= $2::TIMESTAMPTZ
           AND attempted_at > coalesce((SELECT max(attempted_at) FROM login_attempts WHERE email_key = $1 AND outcome IN ('success', 'reset')), '-infinity'::TIMESTAMPTZ)`,
        [emailKey, since.toISOString()],
      );
      return { count: Number(r?.n ?? 0), last: date(r?.last) };
    },
    async deleteLoginAttemptsBefore(at) {
      const r = await db.all('DELETE FROM login_attempts WHERE attempted_at < $1::TIMESTAMPTZ RETURNING email_key', [at.toISOString()]);
      return r.length;
    },

    async insertViewerKey(k) {
      await db.run(
        `INSERT INTO viewer_token_keys VALUES ($1, $2, $3, $4, ${k.secretSealed ? 'from_hex($5)' : '$5::BLOB'}, $6, $7::TIMESTAMPTZ, NULL)`,
        [k.id, k.tenantId, k.alg, k.name, k.secretSealed ? k.secretSealed.toString('hex') : null, k.publicKey, k.createdAt.toISOString()],
      );
    },
    async listViewerKeys(tenantId) {
      return (await db.all('SELECT * FROM viewer_token_keys WHERE tenant_id = $1 ORDER BY created_at, id', [tenantId])).map(toViewerKey);
    },
    async getViewerKey(tenantId, id) {
      const r = await db.one('SELECT * FROM viewer_token_keys WHERE tenant_id = $1 AND id = $2', [tenantId, id]);
      return r ? toViewerKey(r) : null;
    },
    async revokeViewerKey(tenantId, id, at) {
      const r = await db.all(
        'UPDATE viewer_token_keys SET revoked_at = $3::TIMESTAMPTZ WHERE tenant_id = $1 AND id = $2 AND revoked_at IS NULL RETURNING id',
        [tenantId, id, at.toISOString()],
      );
      return r.length > 0;
    },

    async getSubject(tenantId, pseudonym) {
      const r = await db.one('SELECT * FROM subjects WHERE tenant_id = $1 AND pseudonym = $2', [tenantId, pseudonym]);
      return r ? toSubject(r) : null;
    },
    async listAgeBandedSubjects(tenantId) {
      return (await db.all('SELECT * FROM subjects WHERE tenant_id = $1 AND age_band IS NOT NULL AND erased_at IS NULL ORDER BY id', [tenantId])).map(toSubject);
    },
    async insertSubject(s, at) {
      await db.run(
        `INSERT INTO subjects (id, tenant_id, pseudonym, kind, consent_state, created_at)
         VALUES ($1, $2, $3, $4, $5, $6::TIMESTAMPTZ) ON CONFLICT DO NOTHING`,
        [s.id, s.tenantId, s.pseudonym, s.kind, s.consentState, at.toISOString()],
      );
    },
    async updateSubject(tenantId, id, change) {
      const sets: string[] = [];
      const params: Array<string> = [tenantId, id];
      const add = (column: string, value: string | undefined) => {
        if (value === undefined) return;
        params.push(value);
        sets.push(`${column} = $${params.length}`);
      };
      add('kind', change.kind);
      add('age_band', change.ageBand);
      add('consent_state', change.consentState);
      if (sets.length === 0) return;
      await db.run(`UPDATE subjects SET ${sets.join(', ')} WHERE tenant_id = $1 AND id = $2`, params);
    },

    async putGuardianship(tenantId, guardianId, learnerId, at) {
      const r = await db.all(
        'INSERT INTO guardianships VALUES ($1, $2, $3, $4::TIMESTAMPTZ) ON CONFLICT DO NOTHING RETURNING tenant_id',
        [tenantId, guardianId, learnerId, at.toISOString()],
      );
      return r.length > 0;
    },
    async deleteGuardianship(tenantId, guardianId, learnerId) {
      const r = await db.all(
        'DELETE FROM guardianships WHERE tenant_id = $1 AND guardian_subject_id = $2 AND learner_subject_id = $3 RETURNING tenant_id',
        [tenantId, guardianId, learnerId],
      );
      return r.length > 0;
    },
    async wardsOf(tenantId, guardianId) {
      const rows = await db.all('SELECT learner_subject_id FROM guardianships WHERE tenant_id = $1 AND guardian_subject_id = $2', [tenantId, guardianId]);
      return rows.map((r) => String(r.learner_subject_id));
    },
    async guardiansOf(tenantId, learnerId) {
      const rows = await db.all('SELECT guardian_subject_id FROM guardianships WHERE tenant_id = $1 AND learner_subject_id = $2', [tenantId, learnerId]);
      return rows.map((r) => String(r.guardian_subject_id));
    },

    async insertConsent(c) {
      await db.run(
        'INSERT INTO consents VALUES ($1, $2, $3, $4, $5, $6, $7::TIMESTAMPTZ, $8::TIMESTAMPTZ, $9)',
        [c.id, c.tenantId, c.subjectId, c.kind, c.state, c.method, c.givenAt?.toISOString() ?? null, c.recordedAt.toISOString(), c.recordedBy],
      );
    },
    async listConsents(tenantId, subjectId) {
      return (await db.all('SELECT * FROM consents WHERE tenant_id = $1 AND subject_id = $2 ORDER BY recorded_at DESC, id DESC', [tenantId, subjectId])).map(toConsent);
    },
  };
}
