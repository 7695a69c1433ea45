import type { Clock } from '../core/clock.ts';
import { EbbError } from '../core/errors.ts';
import { randomToken, uuidv7 } from '../core/ids.ts';
import type { AuditLog } from '../audit/audit-log.ts';
import type { AccessStore, AccountRecord, Role } from '../store/ports.ts';
import { checkPasswordPolicy, type PasswordHasher } from './passwords.ts';

export interface AccountInfo {
  id: string;
  email: string;
  createdAt: string;
  mustChangePassword: boolean;
  memberships: Array<{ tenantId: string; role: Role }>;
}

export interface AccountService {
  /** Creates an account. Without a password one is generated, returned this once, and must be changed at first sign-in. */
  create(input: { email: string; password?: string; actor: string; tenantId?: string }): Promise<{ account: AccountRecord; password: string | null }>;
  findByEmail(email: string): Promise<AccountRecord | null>;
  get(id: string): Promise<AccountRecord>;
  list(): Promise<AccountInfo[]>;
  describe(id: string): Promise<AccountInfo>;
  /** The account's own change: the current password is required, and other sessions end. */
  changePassword(input: { accountId: string; current: string; next: string; keepSession: string }): Promise<void>;
  /** An operator's reset: a new (generated or given) password, every session ends, the lockout is cleared. */
  resetPassword(input: { email: string; password?: string; actor: string }): Promise<{ accountId: string; password: string | null }>;
}

const EMAIL = /^[^\s@"<>()[\]\\,;:]+@[^\s@"<>()[\]\\,;:]+\.[^\s@"<>()[\]\\,;:]+$/;

/** E-mails compare case-insensitively: trimmed, NFC, lower case. */
export function normalizeEmail(raw: string): string {
  const email = raw.trim().normalize('NFC').toLowerCase();
  if (email.length > 254 || !EMAIL.test(email)) throw new EbbError('EBB_VALIDATION_FAILED', 'The e-mail address is not valid.');
  return email;
}

/** 24 characters from 144 random bits: long enough for the policy, short enough to type once. */
export const generatePassword = (): string => randomToken(18);

export function createAccountService(deps: {
  store: AccessStore; audit: AuditLog; clock: Clock; passwords: PasswordHasher; loginKey: (email: string) => string;
}): AccountService {
  const { store, audit, clock, passwords } = deps;

  const info = async (a: AccountRecord): Promise<AccountInfo> => ({
    id: a.id,
    email: a.email,
    createdAt: a.createdAt.toISOString(),
    mustChangePassword: a.mustChangePassword,
    memberships: (await store.listMembershipsOf(a.id)).map((m) => ({ tenantId: m.tenantId, role: m.role })),
  });

  const get = async (id: string): Promise<AccountRecord> => {
    const a = await store.getAccount(id);
    if (!a) throw new EbbError('EBB_ACCOUNT_NOT_FOUND', `No account has the id "${id}".`);
    return a;
  };

  return {
    async create({ email, password, actor, tenantId }) {
      const normalized = normalizeEmail(email);
      if (password !== undefined) checkPasswordPolicy(password);
      if (await store.findAccountByEmail(normalized)) throw new EbbError('EBB_CONFLICT', 'An account with this e-mail exists already.');
      const generated = password === undefined ? generatePassword() : null;
      const now = clock.now();
      const account: AccountRecord = {
        id: `acc_${uuidv7(now.getTime()).replaceAll('-', '').slice(0, 24)}`,
        email: normalized,
        passwordHash: await passwords.hash(password ?? generated!),
        mustChangePassword: generated !== null,
        createdAt: now,
        passwordChangedAt: now,
      };
      await store.insertAccount(account);
      // The audit names the account by id: the e-mail is personal data and stays out of the log.
      await audit.record({ tenantId: tenantId ?? null, actor, action: 'account.created', target: account.id, details: { generatedPassword: generated !== null } });
      return { account, password: generated };
    },

    findByEmail: (email) => store.findAccountByEmail(normalizeEmail(email)),
    get,
    async list() {
      return Promise.all((await store.listAccounts()).map(info));
    },
    describe: async (id) => info(await get(id)),

    async changePassword({ accountId, current, next, keepSession }) {
      const account = await get(accountId);
      if (!(await passwords.verify(current, account.passwordHash))) throw new EbbError('EBB_INVALID_CREDENTIALS', 'The current password is wrong.');
      checkPasswordPolicy(next);
      if (next === current) throw new EbbError('EBB_PASSWORD_TOO_WEAK', 'Choose a password different from the current one.');
      const now = clock.now();
      await store.setPassword(accountId, await passwords.hash(next), false, now);
      const ended = await store.revokeSessionsOf(accountId, now, keepSession);
      await audit.record({ tenantId: null, actor: `account:${accountId}`, action: 'account.password_changed', target: accountId, details: { otherSessionsEnded: ended } });
    },

    async resetPassword({ email, password, actor }) {
      const account = await store.findAccountByEmail(normalizeEmail(email));
      if (!account) throw new EbbError('EBB_ACCOUNT_NOT_FOUND', 'No account has this e-mail.');
      if (password !== undefined) checkPasswordPolicy(password);
      const generated = password === undefined ? generatePassword() : null;
      const now = clock.now();
      await store.setPassword(account.id, await passwords.hash(password ?? generated!), generated !== null, now);
      const ended = await store.revokeSessionsOf(account.id, now);
      // A reset ends any lockout: failures are counted since the newest success or reset.
      await store.insertLoginAttempt({ at: now, emailKey: deps.loginKey(account.email), accountId: account.id, outcome: 'reset' });
      await audit.record({ tenantId: null, actor, action: 'account.password_reset', target: account.id, details: { sessionsEnded: ended, generatedPassword: generated !== null } });
      return { accountId: account.id, password: generated };
    },
  };
}
