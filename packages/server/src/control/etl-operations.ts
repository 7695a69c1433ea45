import { z } from 'zod';
import { parsePrivacyLevel } from '../analytics/privacy-level-param.ts';
import { DP_LEVELS, type DpLevel } from '../analytics/releases/privacy-budget.ts';
import { defineOperation, type Operation } from './operation.ts';

const ACTOR = 'operator:cli';

/** The ETL and the privacy budget, for operators with access to the data directory. */
export const ETL_OPERATIONS: ReadonlyArray<Operation<any, any>> = [
  defineOperation({
    name: 'etl.run',
    args: z.object({ tenant: z.string().min(1).optional(), from: z.string().optional(), to: z.string().optional(), tz: z.string().optional(), level: z.string().optional() }),
    run: (s, a, progress) =>
      s.etl.run({
        tenantId: a.tenant, from: a.from, to: a.to, timeZone: a.tz, trigger: 'cli', actor: ACTOR, progress,
        level: a.level === undefined ? undefined : (parsePrivacyLevel(a.level, { allowed: DP_LEVELS }) as DpLevel),
      }),
  }),
  defineOperation({
    name: 'etl.jobs',
    args: z.object({ tenant: z.string().min(1), status: z.enum(['running', 'succeeded', 'failed']).optional(), limit: z.number().int().min(1).max(500).optional() }),
    run: async (s, a) => {
      await s.tenants.get(a.tenant);
      return s.etl.list({ tenantId: a.tenant, status: a.status, limit: a.limit ?? 50 });
    },
  }),
];
