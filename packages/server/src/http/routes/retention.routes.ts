import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import type { Services } from '../../app/services.ts';
import { actorOf } from '../../access/principal.ts';
import { tenantOf } from '../access-hooks.ts';
import type { RoutePermission } from '../permission-declaration.ts';
import { validate } from '../validate.ts';

/** Who may read and who may change retention policies and legal holds: the one place that says it. */
const READ: RoutePermission = { check: 'canReadRetention' };
const MANAGE: RoutePermission = { check: 'canManageRetention' };

// Only the shape is checked here; days, categories and their order are checked by the policy
// service, which refuses each problem with its own error code.
const Window = z.strictObject({ anonymizeAfterDays: z.unknown().optional(), deleteAfterDays: z.unknown().optional() });
const PutRetention = z.strictObject({ policies: z.record(z.string(), Window.nullable()) });
const PlaceHold = z.strictObject({
  userId: z.string().min(1).max(256).optional(),
  reason: z.string().min(1).max(500),
});
const HoldId = z.strictObject({ id: z.string().min(1).max(100) });
const ListHolds = z.strictObject({ active: z.enum(['true', 'false']).optional() });

const days = { type: 'integer', minimum: 1, maximum: 3650 } as const;
const putDoc = {
  type: 'object',
  required: ['policies'],
  properties: {
    policies: {
      type: 'object',
      description: 'Per data category (events, sessions, learning_events, errors, aggregates, request_logs, export_files): the periods to change, or null to return to the default.',
      additionalProperties: { type: ['object', 'null'], properties: { anonymizeAfterDays: days, deleteAfterDays: days }, additionalProperties: false },
    },
  },
  additionalProperties: false,
};
const holdDoc = z.toJSONSchema(PlaceHold, { target: 'draft-7' });
const security: Array<Record<string, string[]>> = [{ session: [] }, { apiKey: [] }];

export function retentionRoutes(s: Services) {
  return async function registerRetentionRoutes(app: FastifyInstance): Promise<void> {
    app.get('/api/v1/privacy/retention', {
      config: { permission: READ },
      schema: { summary: 'The tenant\'s retention policy per data category, with defaults marked', tags: ['privacy'], security },
    }, async (req) => ({ policies: await s.retention.describe(tenantOf(req)) }));

    app.put('/api/v1/privacy/retention', {
      config: { permission: MANAGE },
      schema: {
        summary: 'Change retention policies (days of full detail, days until deletion) per category',
        description: 'Periods are whole days from 1 to 3650, and anonymisation may not come after deletion. Categories not named keep their policy. Every change is audited.',
        tags: ['privacy'], body: putDoc, security,
      },
    }, async (req) => {
      const body = validate(PutRetention, req.body);
      return { policies: await s.retention.change({ tenantId: tenantOf(req), changes: body.policies, actor: actorOf(req.access!.principal) }) };
    });

    app.post('/api/v1/privacy/retention/preview', {
      config: { permission: MANAGE },
      schema: {
        summary: 'The effect of a policy change before saving it: rows a retention run would anonymise and delete now, under the current and the proposed policy',
        description: 'Same body as PUT /api/v1/privacy/retention, checked the same way. Reads only: nothing is saved, run or audited. Rows of subjects under legal hold are left out, as the run leaves them.',
        tags: ['privacy'], body: putDoc, security,
      },
    }, async (req) => {
      const body = validate(PutRetention, req.body);
      return s.retentionPreview.preview({ tenantId: tenantOf(req), changes: body.policies });
    });

    app.get('/api/v1/privacy/holds', {
      config: { permission: READ },
      schema: { summary: 'Legal holds of the tenant, newest first (?active=true for active ones only)', tags: ['privacy'], security },
    }, async (req) => {
      const q = validate(ListHolds, req.query, 'The query');
      return { holds: await s.holds.list(tenantOf(req), { activeOnly: q.active === 'true' }) };
    });

    app.post('/api/v1/privacy/holds', {
      config: { permission: MANAGE },
      schema: {
        summary: 'Place a legal hold on the whole tenant, or on one person by the app\'s user id',
        description: 'While a hold is active, retention neither anonymises nor deletes the held data. The user id is turned into its pseudonym at once and never stored.',
        tags: ['privacy'], body: holdDoc, security,
      },
    }, async (req, reply) => {
      const body = validate(PlaceHold, req.body);
      const hold = await s.holds.place({ tenantId: tenantOf(req), userId: body.userId, reason: body.reason, actor: actorOf(req.access!.principal) });
      return reply.status(201).send({ hold });
    });

    app.post('/api/v1/privacy/holds/:id/release', {
      config: { permission: MANAGE },
      schema: { summary: 'Release a legal hold; the next retention run catches up on the held data', tags: ['privacy'], security },
    }, async (req) => {
      const { id } = validate(HoldId, req.params, 'The path');
      return { hold: await s.holds.release({ tenantId: tenantOf(req), id, actor: actorOf(req.access!.principal) }) };
    });
  };
}
