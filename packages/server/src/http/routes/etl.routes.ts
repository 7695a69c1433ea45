import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import type { Services } from '../../app/services.ts';
import { ETL_RUN_STATUSES, type EtlRunStatus } from '../../analytics/etl/etl-runs.ts';
import { parsePrivacyLevel } from '../../analytics/privacy-level-param.ts';
import { DP_LEVELS, type DpLevel } from '../../analytics/releases/privacy-budget.ts';
import { actorOf } from '../../access/principal.ts';
import { tenantOf } from '../access-hooks.ts';
import { validate } from '../validate.ts';

const security: Array<Record<string, string[]>> = [{ session: [] }, { apiKey: [] }];

const Trigger = z.strictObject({
  from: z.string().max(10).optional(),
  to: z.string().max(10).optional(),
  tz: z.string().max(64).optional(),
  privacy_level: z.string().max(20).optional(),
});

const ListRuns = z.strictObject({
  status: z.enum(ETL_RUN_STATUSES as [EtlRunStatus, ...EtlRunStatus[]]).optional(),
  limit: z.coerce.number().int().min(1).max(500).default(50),
});

export function etlRoutes(s: Services) {
  return async function registerEtlRoutes(app: FastifyInstance): Promise<void> {
    app.post('/api/v1/etl/trigger', {
      config: { permission: { check: 'canOperateEtl' } },
      schema: {
        summary: 'Run the ETL for the tenant now: rebuild the aggregates of a period and release its ended weeks with differential privacy',
        description: 'Body or query (all optional): from, to (local days YYYY-MM-DD; default the 14 days up to yesterday), tz (IANA, default UTC), privacy_level (dp_low|dp_medium|dp_high; default the tenant\'s release level). A re-run replaces the period\'s aggregates; a week already released is kept and re-served, never re-sampled, and spends nothing. A release the budget cannot pay for is refused and nothing of it is released.',
        tags: ['etl'], security,
      },
    }, async (req) => {
      const body = req.body && typeof req.body === 'object' ? req.body : {};
      const q = validate(Trigger, { ...(req.query as object), ...body }, 'The request');
      const level = q.privacy_level === undefined ? undefined : (parsePrivacyLevel(q.privacy_level, { allowed: DP_LEVELS }) as DpLevel);
      return s.etl.run({ tenantId: tenantOf(req), from: q.from, to: q.to, timeZone: q.tz, level, trigger: 'api', actor: actorOf(req.access!.principal) });
    });

    app.get('/api/v1/etl/jobs', {
      config: { permission: { check: 'canReadAggregates' } },
      schema: {
        summary: 'ETL runs of the tenant, newest first (?status=running|succeeded|failed, ?limit=1-500, default 50): job, period, status, rows in and out, duration, error',
        tags: ['etl'], security,
      },
    }, async (req) => {
      const q = validate(ListRuns, req.query, 'The query');
      const runs = await s.etl.list({ tenantId: tenantOf(req), status: q.status, limit: q.limit });
      return { jobs: runs.map((r) => ({ ...r, startedAt: r.startedAt.toISOString(), finishedAt: r.finishedAt?.toISOString() ?? null })) };
    });
  };
}
