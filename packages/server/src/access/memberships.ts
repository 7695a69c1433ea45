import type { Clock } from '../core/clock.ts';
import { EbbError } from '../core/errors.ts';
import type { AuditLog } from '../audit/audit-log.ts';
import type { AccessStore, ControlStore, Role } from '../store/ports.ts';
import { normalizeEmail, type AccountService } from './accounts.ts';

export interface MemberInfo {
  accountId: string;
  email: string;
  role: Role;
  since: string;
}

export interface MembershipService {
  list(tenantId: string): Promise<MemberInfo[]>;
  /** Gives an account a role in the tenant, creating the account when the e-mail is new (then with a one-time password unless one is given). */
  add(input: { tenantId: string; email: string; role: Role; password?: string; actor: string }): Promise<{ member: MemberInfo; createdAccount: boolean; password: string | null }>;
  setRole(input: { tenantId: string; accountId: string; role: Role; actor: string }): Promise<MemberInfo>;
  remove(input: { tenantId: string; accountId: string; actor: string }): Promise<void>;
}

export function createMembershipService(deps: { store: AccessStore; control: ControlStore; accounts: AccountService; audit: AuditLog; clock: Clock }): MembershipService {
  const { store, control, accounts, audit, clock } = deps;
  // Changes run one at a time, so two concurrent demotions cannot leave a tenant without an owner.
  let tail: Promise<unknown> = Promise.resolve();
  const serial = <T>(fn: () => Promise<T>): Promise<T> => {
    const next = tail.then(fn, fn);
    tail = next.catch(() => undefined);
    return next;
  };

  const member = async (tenantId: string, accountId: string): Promise<MemberInfo> => {
    const m = (await store.listMembers(tenantId)).find((x) => x.accountId === accountId);
    if (!m) throw new EbbError('EBB_ACCOUNT_NOT_FOUND', `No member of this tenant has the account id "${accountId}".`);
    return { accountId: m.accountId, email: m.email, role: m.role, since: m.createdAt.toISOString() };
  };

  const keepAnOwner = async (tenantId: string, accountId: string, action: string) => {
    const members = await store.listMembers(tenantId);
    const owners = members.filter((m) => m.role === 'owner');
    if (owners.length === 1 && owners[0]!.accountId === accountId) {
      throw new EbbError('EBB_LAST_OWNER', `This is the tenant's only owner; ${action} would leave nobody able to manage members. Make another member owner first.`);
    }
  };

  return {
    async list(tenantId) {
      return (await store.listMembers(tenantId)).map((m) => ({ accountId: m.accountId, email: m.email, role: m.role, since: m.createdAt.toISOString() }));
    },

    add: ({ tenantId, email, role, password, actor }) => serial(async () => {
      if (!(await control.getTenant(tenantId))) throw new EbbError('EBB_TENANT_NOT_FOUND', `No tenant has the id "${tenantId}".`);
      const normalized = normalizeEmail(email);
      let account = await store.findAccountByEmail(normalized);
      let generated: string | null = null;
      const createdAccount = account === null;
      if (!account) {
        const created = await accounts.create({ email: normalized, password, actor, tenantId });
        account = created.account;
        generated = created.password;
      } else if (password !== undefined) {
        throw new EbbError('EBB_CONFLICT', 'This account exists already and keeps its password; add it without one (an operator can reset it with "ebb account reset-password").');
      }
      if (await store.getMembership(account.id, tenantId)) {
        throw new EbbError('EBB_CONFLICT', 'This account is a member of the tenant already. Change its role instead.');
      }
      await store.putMembership({ accountId: account.id, tenantId, role, createdAt: clock.now() });
      await audit.record({ tenantId, actor, action: 'membership.added', target: account.id, details: { role, createdAccount } });
      return { member: await member(tenantId, account.id), createdAccount, password: generated };
    }),

    setRole: ({ tenantId, accountId, role, actor }) => serial(async () => {
      const existing = await store.getMembership(accountId, tenantId);
      if (!existing) throw new EbbError('EBB_ACCOUNT_NOT_FOUND', `No member of this tenant has the account id "${accountId}".`);
      if (existing.role !== role) {
        if (existing.role === 'owner') await keepAnOwner(tenantId, accountId, 'changing its role');
        await store.putMembership({ ...existing, role });
        await audit.record({ tenantId, actor, action: 'membership.role_changed', target: accountId, details: { from: existing.role, to: role } });
      }
      return member(tenantId, accountId);
    }),

    remove: ({ tenantId, accountId, actor }) => serial(async () => {
      const existing = await store.getMembership(accountId, tenantId);
      if (!existing) throw new EbbError('EBB_ACCOUNT_NOT_FOUND', `No member of this tenant has the account id "${accountId}".`);
      if (existing.role === 'owner') await keepAnOwner(tenantId, accountId, 'removing it');
      await store.deleteMembership(accountId, tenantId);
      await audit.record({ tenantId, actor, action: 'membership.removed', target: accountId, details: { role: existing.role } });
    }),
  };
}
