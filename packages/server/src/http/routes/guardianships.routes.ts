import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { LIMITS } from '@ebb/contracts';
import type { Services } from '../../app/services.ts';
import { actorOf } from '../../access/principal.ts';
import { tenantOf } from '../access-hooks.ts';
import { validate } from '../validate.ts';

const userId = z.string().min(1).max(LIMITS.userIdMaxLength);
const Link = z.strictObject({ guardianUserId: userId, learnerUserId: userId });

export function guardianshipRoutes(s: Services) {
  return async function registerGuardianshipRoutes(app: FastifyInstance): Promise<void> {
    const body = z.toJSONSchema(Link, { target: 'draft-7' });

    app.post('/api/v1/guardianships', {
      config: { permission: { check: 'canManageSubjects' } },
      schema: {
        summary: 'Link a guardian to a learner, by the app\'s user ids (stored as pseudonymous subject ids)',
        description: 'Idempotent. The guardian can then read the learner\'s data with a viewer token (role guardian).',
        tags: ['subjects'], body, security: [{ apiKey: [] }, { session: [] }],
      },
    }, async (req, reply) => {
      const b = validate(Link, req.body);
      const r = await s.guardianships.link({ tenantId: tenantOf(req), guardianUserId: b.guardianUserId, learnerUserId: b.learnerUserId, actor: actorOf(req.access!.principal) });
      return reply.status(r.created ? 201 : 200).send(r);
    });

    app.delete('/api/v1/guardianships', {
      config: { permission: { check: 'canManageSubjects' } },
      schema: { summary: 'Unlink a guardian from a learner', tags: ['subjects'], body, security: [{ apiKey: [] }, { session: [] }] },
    }, async (req) => {
      const b = validate(Link, req.body);
      return s.guardianships.unlink({ tenantId: tenantOf(req), guardianUserId: b.guardianUserId, learnerUserId: b.learnerUserId, actor: actorOf(req.access!.principal) });
    });
  };
}
