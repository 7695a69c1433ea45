import { z } from 'zod';
import { defineOperation, type Operation } from './operation.ts';

const ACTOR = 'operator:cli';
const tenant = z.string().min(1);

/** Retention policies, runs and legal holds, for operators with access to the data directory. */
export const RETENTION_OPERATIONS: ReadonlyArray<Operation<any, any>> = [
  defineOperation({
    name: 'retention.show',
    args: z.object({ tenant }),
    run: (s, a) => s.retention.describe(a.tenant),
  }),
  defineOperation({
    name: 'retention.set',
    // Days stay unchecked here: the policy service refuses bad values with their own codes.
    args: z.object({ tenant, category: z.string().min(1), anonymizeAfterDays: z.unknown().optional(), deleteAfterDays: z.unknown().optional(), reset: z.boolean().optional() }),
    run: (s, a) => {
      const window: Record<string, unknown> = {};
      if (a.anonymizeAfterDays !== undefined) window.anonymizeAfterDays = a.anonymizeAfterDays;
      if (a.deleteAfterDays !== undefined) window.deleteAfterDays = a.deleteAfterDays;
      return s.retention.change({ tenantId: a.tenant, changes: { [a.category]: a.reset ? null : window }, actor: ACTOR });
    },
  }),
  defineOperation({
    name: 'retention.run',
    args: z.object({ tenant: tenant.optional(), dryRun: z.boolean().optional() }),
    run: (s, a, progress) => s.retentionRunner.run({ tenantId: a.tenant, dryRun: a.dryRun, progress, actor: ACTOR }),
  }),
  defineOperation({
    name: 'hold.add',
    args: z.object({ tenant, userId: z.string().min(1).max(256).optional(), reason: z.string().min(1).max(500) }),
    run: (s, a) => s.holds.place({ tenantId: a.tenant, userId: a.userId, reason: a.reason, actor: ACTOR }),
  }),
  defineOperation({
    name: 'hold.list',
    args: z.object({ tenant, activeOnly: z.boolean().optional() }),
    run: (s, a) => s.holds.list(a.tenant, { activeOnly: a.activeOnly }),
  }),
  defineOperation({
    name: 'hold.release',
    args: z.object({ tenant, id: z.string().min(1) }),
    run: (s, a) => s.holds.release({ tenantId: a.tenant, id: a.id, actor: ACTOR }),
  }),
];
