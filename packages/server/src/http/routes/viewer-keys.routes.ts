import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import type { Services } from '../../app/services.ts';
import { actorOf } from '../../access/principal.ts';
import { tenantOf } from '../access-hooks.ts';
import { validate } from '../validate.ts';

const CreateViewerKey = z.strictObject({
  alg: z.enum(['HS256', 'RS256', 'ES256']),
  name: z.string().min(1).max(100).optional(),
  publicKey: z.string().min(1).max(16 * 1024).optional(),
});
const KeyId = z.strictObject({ id: z.string().min(1).max(100) });

export function viewerKeyRoutes(s: Services) {
  return async function registerViewerKeyRoutes(app: FastifyInstance): Promise<void> {
    app.get('/api/v1/viewer-keys', {
      config: { permission: { check: 'canManageViewerKeys' } },
      schema: { summary: 'List the keys the tenant\'s app signs viewer tokens with (never the secrets)', tags: ['keys'], security: [{ session: [] }, { apiKey: [] }] },
    }, async (req) => ({ keys: await s.viewerTokens.listKeys(tenantOf(req)) }));

    app.post('/api/v1/viewer-keys', {
      config: { permission: { check: 'canManageViewerKeys' } },
      schema: {
        summary: 'Register a viewer-token key: HS256 (Ebb generates the secret and shows it once) or an RS256/ES256 public key',
        tags: ['keys'], body: z.toJSONSchema(CreateViewerKey, { target: 'draft-7' }), security: [{ session: [] }, { apiKey: [] }],
      },
    }, async (req, reply) => {
      const body = validate(CreateViewerKey, req.body);
      const r = await s.viewerTokens.createKey({ tenantId: tenantOf(req), alg: body.alg, name: body.name, publicKey: body.publicKey, actor: actorOf(req.access!.principal) });
      return reply.status(201).send({ key: r.info, secret: r.secret });
    });

    app.post('/api/v1/viewer-keys/:id/revoke', {
      config: { permission: { check: 'canManageViewerKeys' } },
      schema: { summary: 'Revoke a viewer-token key: tokens signed with it stop working at once', tags: ['keys'], security: [{ session: [] }, { apiKey: [] }] },
    }, async (req) => {
      const { id } = validate(KeyId, req.params, 'The path');
      return { key: await s.viewerTokens.revokeKey({ tenantId: tenantOf(req), id, actor: actorOf(req.access!.principal) }) };
    });
  };
}
