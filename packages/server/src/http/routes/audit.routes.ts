import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import type { Services } from '../../app/services.ts';
import { createAuditReader } from '../../audit/audit-reader.ts';
import { tenantOf } from '../access-hooks.ts';
import type { RoutePermission } from '../permission-declaration.ts';
import { validate } from '../validate.ts';

const READ: RoutePermission = { check: 'canReadAudit' };
const security: Array<Record<string, string[]>> = [{ session: [] }, { apiKey: [] }];

const ListAudit = z.strictObject({
  limit: z.coerce.number().int().min(1).max(500).default(100),
  before: z.coerce.number().int().min(1).optional(),
  action: z.string().regex(/^[a-z_.]{1,64}$/).optional(),
});

export function auditRoutes(s: Services) {
  return async function registerAuditRoutes(app: FastifyInstance): Promise<void> {
    const reader = createAuditReader({ store: s.store.control, log: s.audit });

    app.get('/api/v1/audit', {
      config: { permission: READ },
      schema: {
        summary: 'The tenant\'s audit entries, newest first (?limit=1-500, ?before=SEQ for older ones, ?action=retention for a family of actions)',
        description: 'Entries hold internal ids and counts only, never raw personal data. Each carries its hash in the chain.',
        tags: ['audit'], security,
      },
    }, async (req) => {
      const q = validate(ListAudit, req.query, 'The query');
      return reader.list(tenantOf(req), { limit: q.limit, beforeSeq: q.before, action: q.action });
    });

    app.get('/api/v1/audit/verify', {
      config: { permission: READ },
      schema: {
        summary: 'Verify the audit chain end to end: every entry\'s hash, its link to the one before, and the recorded head',
        description: 'The chain is one across tenants; problems at this tenant\'s entries are described, others only counted.',
        tags: ['audit'], security,
      },
    }, async (req) => reader.verify(tenantOf(req)));
  };
}
