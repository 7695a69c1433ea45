import { z } from 'zod';
import { ROLES, type Role } from '../access/roles.ts';
import { defineOperation, type Operation } from './operation.ts';

const ACTOR = 'operator:cli';
const role = z.enum(ROLES as [Role, ...Role[]]);

/** Dashboard accounts, run by an operator with access to the data directory. */
export const ACCOUNT_OPERATIONS: ReadonlyArray<Operation<any, any>> = [
  defineOperation({
    name: 'account.create',
    args: z.object({ email: z.string().min(3).max(254), tenant: z.string().min(1), role, password: z.string().optional() }),
    run: async (s, a) => {
      const r = await s.memberships.add({ tenantId: a.tenant, email: a.email, role: a.role, password: a.password, actor: ACTOR });
      return { accountId: r.member.accountId, tenantId: a.tenant, role: r.member.role, createdAccount: r.createdAccount, oneTimePassword: r.password };
    },
  }),
  defineOperation({
    name: 'account.list',
    args: z.object({}),
    run: (s) => s.accounts.list(),
  }),
  defineOperation({
    name: 'account.reset',
    args: z.object({ email: z.string().min(3).max(254), password: z.string().optional() }),
    run: async (s, a) => {
      const r = await s.accounts.resetPassword({ email: a.email, password: a.password, actor: ACTOR });
      return { accountId: r.accountId, oneTimePassword: r.password };
    },
  }),
];
