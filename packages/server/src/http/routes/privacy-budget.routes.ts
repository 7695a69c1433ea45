import type { FastifyInstance } from 'fastify';
import type { Services } from '../../app/services.ts';
import { describePrivacyLevels, describeBudget } from '../../analytics/releases/budget-report.ts';
import { minGroupSizeOf } from '../../analytics/privacy-level-param.ts';
import { tenantOf } from '../access-hooks.ts';

const security: Array<Record<string, string[]>> = [{ session: [] }, { apiKey: [] }];

export function privacyBudgetRoutes(s: Services) {
  return async function registerPrivacyBudgetRoutes(app: FastifyInstance): Promise<void> {
    app.get('/api/v1/privacy/levels', {
      config: { permission: { check: 'canReadAggregates' } },
      schema: {
        summary: 'The privacy levels aggregates are published at: epsilon per window, k (this tenant\'s smallest published group), what each guarantees, and the tenant\'s release level',
        tags: ['privacy'], security,
      },
    }, async (req) => {
      const tenantId = tenantOf(req);
      const k = minGroupSizeOf((await s.tenants.get(tenantId)).settings);
      return describePrivacyLevels(k, await s.budget.settings(tenantId));
    });

    app.get('/api/v1/privacy/budget', {
      config: { permission: { check: 'canReadAggregates' } },
      schema: {
        summary: 'The tenant\'s differential-privacy budget: level, per-window cap, and per ISO week window the epsilon spent and remaining (trailing 12 months), with the running total',
        tags: ['privacy'], security,
      },
    }, async (req) => describeBudget(s.budget, tenantOf(req), s.clock.now()));
  };
}
