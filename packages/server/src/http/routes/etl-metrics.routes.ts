import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import type { Services } from '../../app/services.ts';
import { parseDateRange } from '../../analytics/date-range.ts';
import { learnerMetrics } from '../../analytics/etl/metrics/learner-metrics.ts';
import { exactTenantMetrics, releasedTenantMetrics } from '../../analytics/etl/metrics/tenant-metrics.ts';
import { minGroupSizeOf, parsePrivacyLevel } from '../../analytics/privacy-level-param.ts';
import type { DpLevel } from '../../analytics/releases/privacy-budget.ts';
import { EbbError } from '../../core/errors.ts';
import { tenantOf } from '../access-hooks.ts';
import { validate } from '../validate.ts';

const security: Array<Record<string, string[]>> = [{ session: [] }, { apiKey: [] }];
const RangeQuery = z.strictObject({ privacy_level: z.string().max(20).optional(), from: z.string().max(10).optional(), to: z.string().max(10).optional(), tz: z.string().max(64).optional() });
const TenantParams = z.strictObject({ tenantId: z.string().min(1).max(64) });

/** Seed 004's tenant and learner metrics, read from the ETL's aggregate tables (and, at DP levels, its releases). */
export function etlMetricsRoutes(s: Services) {
  return async function registerEtlMetricsRoutes(app: FastifyInstance): Promise<void> {
    // Reads on a connection of their own, beside the ETL's writes.
    const db = await s.store.connect();

    app.get('/api/v1/metrics/tenant/:tenantId', {
      config: { permission: { check: 'canReadAggregates' } },
      schema: {
        summary: 'Tenant metrics (seed 004 shape): active learners, learning hours, engagement rate, sessions, weekly activity, top subjects, IEP summary',
        description: 'The path names the tenant of the credential (another id answers 404, whether it exists or not). privacy_level: anonymized (default; exact values from the ETL aggregates, groups under k withheld, named in `withheld`) or dp_low|dp_medium|dp_high (the stored weekly releases of the whole ISO weeks in the period; EBB_RELEASE_PENDING when one is missing). from, to: local days (default the 30 days up to today); tz: IANA time zone of the ETL run (default UTC).',
        tags: ['metrics'], security,
      },
    }, async (req) => {
      const { tenantId } = validate(TenantParams, req.params, 'The path');
      // Another tenant's id gets the answer an unknown id gets: nothing says whether it exists.
      if (tenantId !== tenantOf(req)) throw new EbbError('EBB_TENANT_NOT_FOUND');
      const q = validate(RangeQuery, req.query, 'The query');
      const level = parsePrivacyLevel(q.privacy_level);
      const range = parseDateRange(q, s.clock.now());
      const k = minGroupSizeOf((await s.tenants.get(tenantId)).settings);
      return level === 'anonymized'
        ? exactTenantMetrics(db, tenantId, range, k)
        : releasedTenantMetrics(s.releases, tenantId, range, level as DpLevel, k);
    });

    app.get('/api/v1/metrics/learner/:userId', {
      config: { permission: { check: 'canReadSubject', subject: { in: 'params', field: 'userId' } } },
      schema: {
        summary: 'One learner\'s metrics (seed 004 shape): sessions, progress per subject, IEP goals',
        description: 'Named by the app\'s user id (pseudonymised before any query): the learner\'s own viewer token, a guardian\'s for their child, owners, admins, keys with subjects:read. Exact values about one person: privacy_level anonymized (the default) only. from, to, tz as for the tenant metrics.',
        tags: ['metrics'], security,
      },
    }, async (req) => {
      const q = validate(RangeQuery, req.query, 'The query');
      parsePrivacyLevel(q.privacy_level, { allowed: ['anonymized'] });
      const range = parseDateRange(q, s.clock.now());
      const tenantId = tenantOf(req);
      const subject = req.access!.subject;
      if (!subject?.id) throw new EbbError('EBB_SUBJECT_NOT_FOUND');
      const k = minGroupSizeOf((await s.tenants.get(tenantId)).settings);
      return learnerMetrics(db, { tenantId, subjectId: subject.id, pseudonym: subject.pseudonym, range, minGroupSize: k });
    });
  };
}
