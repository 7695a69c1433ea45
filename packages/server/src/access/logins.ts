import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import type { Clock } from '../core/clock.ts';
import { EbbError } from '../core/errors.ts';
import { randomToken } from '../core/ids.ts';
import type { AuditLog } from '../audit/audit-log.ts';
import type { AccessStore, Role } from '../store/ports.ts';
import { normalizeEmail } from './accounts.ts';
import type { PasswordHasher } from './passwords.ts';
import type { AccountPrincipal } from './principal.ts';
import { createTokenBuckets } from './token-buckets.ts';

/** A session lasts at most this long, however active. */
export const SESSION_MAX_MS = 12 * 3600_000;
/** A session unused for this long ends. */
export const SESSION_IDLE_MS = 2 * 3600_000;
/** Last-seen times are written at most this often (reads stay reads). */
const TOUCH_EVERY_MS = 5 * 60_000;

/** Five wrong passwords within 15 minutes lock the e-mail for 15 minutes from the last one. */
export const LOCKOUT_THRESHOLD = 5;
export const LOCKOUT_WINDOW_MS = 15 * 60_000;
export const LOCKOUT_MS = 15 * 60_000;

export interface LoginResult {
  /** Goes into the HttpOnly cookie only; never shown to scripts. */
  sessionToken: string;
  /** Sent back in X-Ebb-CSRF on every state-changing request made with the cookie. */
  csrfToken: string;
  expiresAt: Date;
  accountId: string;
  mustChangePassword: boolean;
  memberships: Array<{ tenantId: string; role: Role }>;
}

export interface LoginService {
  login(input: { email: string; password: string; ip: string }): Promise<LoginResult>;
  logout(principal: AccountPrincipal): Promise<void>;
  /** The account behind a session cookie, or an error saying why the cookie is refused. */
  resolveSession(token: string): Promise<AccountPrincipal>;
  csrfTokenFor(sessionId: string): string;
  /** Throws EBB_CSRF_FAILED unless the presented token belongs to this session. */
  checkCsrf(sessionId: string, presented: string | undefined): void;
  /** The keyed hash under which login attempts for an e-mail are counted (and audited for unknown e-mails). */
  emailKey(normalizedEmail: string): string;
}

export const sessionIdOf = (token: string): string => createHash('sha256').update(token).digest('hex');

export function createLoginService(deps: {
  store: AccessStore; audit: AuditLog; clock: Clock; passwords: PasswordHasher;
  /** Derived from the signing secret: keys the e-mail hashes and the CSRF tokens. */
  emailKeySecret: Buffer; csrfSecret: Buffer;
}): LoginService {
  const { store, audit, clock, passwords } = deps;
  // Per address: 20 attempts at once, then one every 30 seconds. Per e-mail: 10, then one a minute.
  const byAddress = createTokenBuckets({ capacity: 20, refillPerSecond: 1 / 30, clock });
  const byEmail = createTokenBuckets({ capacity: 10, refillPerSecond: 1 / 60, clock });
  const emailKey = (email: string) => createHmac('sha256', deps.emailKeySecret).update(email).digest('base64url').slice(0, 32);
  const csrfTokenFor = (sessionId: string) => createHmac('sha256', deps.csrfSecret).update(sessionId).digest('base64url');

  const limited = (retryAfterSeconds: number) =>
    new EbbError('EBB_RATE_LIMITED', 'Too many sign-in attempts. Wait for the time in Retry-After, then try again.', { retryAfterSeconds });

  return {
    async login({ email, password, ip }) {
      const address = byAddress.take(ip);
      if (!address.ok) throw limited(address.retryAfterSeconds);
      const normalized = normalizeEmail(email);
      const key = emailKey(normalized);
      const perEmail = byEmail.take(key);
      if (!perEmail.ok) throw limited(perEmail.retryAfterSeconds);

      const now = clock.now();
      const account = await store.findAccountByEmail(normalized);
      // Unknown e-mails are locked out the same way, so the answers do not tell which e-mails exist.
      const target = account ? account.id : `email:${key}`;
      const failures = await store.recentFailures(key, new Date(now.getTime() - LOCKOUT_WINDOW_MS));
      if (failures.count >= LOCKOUT_THRESHOLD && failures.last && failures.last.getTime() + LOCKOUT_MS > now.getTime()) {
        const retryAfterSeconds = Math.ceil((failures.last.getTime() + LOCKOUT_MS - now.getTime()) / 1000);
        await store.insertLoginAttempt({ at: now, emailKey: key, accountId: account?.id ?? null, outcome: 'locked' });
        await audit.record({ tenantId: null, actor: 'anonymous', action: 'account.login_refused', target, details: { reason: 'locked' } });
        throw new EbbError('EBB_ACCOUNT_LOCKED', undefined, { retryAfterSeconds });
      }

      let ok = false;
      if (account) ok = await passwords.verify(password, account.passwordHash);
      else await passwords.waste(password);
      if (!account || !ok) {
        await store.insertLoginAttempt({ at: now, emailKey: key, accountId: account?.id ?? null, outcome: 'failure' });
        await audit.record({ tenantId: null, actor: 'anonymous', action: 'account.login_failed', target, details: { reason: account ? 'wrong_password' : 'unknown_account' } });
        if (failures.count + 1 >= LOCKOUT_THRESHOLD) {
          await audit.record({ tenantId: null, actor: 'system:login', action: 'account.locked', target, details: { failures: failures.count + 1, minutes: LOCKOUT_MS / 60_000 } });
        }
        throw new EbbError('EBB_INVALID_CREDENTIALS');
      }

      await store.insertLoginAttempt({ at: now, emailKey: key, accountId: account.id, outcome: 'success' });
      const sessionToken = randomToken(32);
      const id = sessionIdOf(sessionToken);
      const expiresAt = new Date(now.getTime() + SESSION_MAX_MS);
      await store.insertSession({ id, accountId: account.id, createdAt: now, expiresAt, lastSeenAt: now, revokedAt: null });
      await audit.record({ tenantId: null, actor: `account:${account.id}`, action: 'account.login', target: account.id, details: { session: id.slice(0, 16) } });
      return {
        sessionToken,
        csrfToken: csrfTokenFor(id),
        expiresAt,
        accountId: account.id,
        mustChangePassword: account.mustChangePassword,
        memberships: (await store.listMembershipsOf(account.id)).map((m) => ({ tenantId: m.tenantId, role: m.role })),
      };
    },

    async logout(p) {
      await store.revokeSession(p.sessionId, clock.now());
      await audit.record({ tenantId: null, actor: `account:${p.accountId}`, action: 'account.logout', target: p.accountId, details: { session: p.sessionId.slice(0, 16) } });
    },

    async resolveSession(token) {
      if (!/^[A-Za-z0-9_-]{43}$/.test(token)) throw new EbbError('EBB_UNAUTHENTICATED', 'The session cookie is malformed. Sign in again.');
      const id = sessionIdOf(token);
      const session = await store.getSession(id);
      if (!session) throw new EbbError('EBB_UNAUTHENTICATED', 'The session is not known. Sign in again.');
      const now = clock.now().getTime();
      if (session.revokedAt || session.expiresAt.getTime() <= now || session.lastSeenAt.getTime() + SESSION_IDLE_MS <= now) {
        throw new EbbError('EBB_SESSION_EXPIRED');
      }
      const account = await store.getAccount(session.accountId);
      if (!account) throw new EbbError('EBB_SESSION_EXPIRED');
      if (now - session.lastSeenAt.getTime() >= TOUCH_EVERY_MS) await store.touchSession(id, clock.now());
      const memberships = new Map<string, Role>();
      for (const m of await store.listMembershipsOf(account.id)) memberships.set(m.tenantId, m.role);
      return { kind: 'account', accountId: account.id, sessionId: id, memberships, mustChangePassword: account.mustChangePassword };
    },

    csrfTokenFor,
    checkCsrf(sessionId, presented) {
      const want = Buffer.from(csrfTokenFor(sessionId));
      const got = Buffer.from(presented ?? '');
      if (got.length !== want.length || !timingSafeEqual(got, want)) {
        throw new EbbError('EBB_CSRF_FAILED');
      }
    },
    emailKey,
  };
}
