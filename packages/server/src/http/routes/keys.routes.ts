import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import type { Services } from '../../app/services.ts';
import { actorOf } from '../../access/principal.ts';
import { grantableScopes } from '../../access/grantable-scopes.ts';
import { API_KEY_KINDS, KEY_SCOPES, type ApiKeyKind, type KeyScope } from '../../store/ports.ts';
import { tenantOf } from '../access-hooks.ts';
import { validate } from '../validate.ts';

const origin = z.string().regex(/^(\*|https?:\/\/[^/\s]+)$/, 'an origin looks like https://app.example.org (scheme and host, no path) or *');
const CreateKey = z.strictObject({
  kind: z.enum(API_KEY_KINDS as [ApiKeyKind, ...ApiKeyKind[]]),
  name: z.string().min(1).max(100).optional(),
  origins: z.array(origin).max(50).optional(),
  scopes: z.array(z.enum(KEY_SCOPES as [KeyScope, ...KeyScope[]])).max(KEY_SCOPES.length).optional(),
});
const KeyId = z.strictObject({ id: z.string().min(1).max(100) });

export function keyRoutes(s: Services) {
  return async function registerKeyRoutes(app: FastifyInstance): Promise<void> {
    app.get('/api/v1/keys', {
      config: { permission: { check: 'canManageKeys' } },
      schema: { summary: 'List the tenant\'s API keys (prefixes and metadata, never the keys)', tags: ['keys'], security: [{ session: [] }, { apiKey: [] }] },
    }, async (req) => ({ keys: await s.keys.list(tenantOf(req)) }));

    app.post('/api/v1/keys', {
      config: { permission: { check: 'canManageKeys' } },
      schema: {
        summary: 'Create an API key; the key is in the answer and shown only this once',
        description: 'Scopes apply to admin and read keys (defaults: admin all, read aggregates:read). A key that creates a key cannot hand out scopes it lacks.',
        tags: ['keys'], body: z.toJSONSchema(CreateKey, { target: 'draft-7' }), security: [{ session: [] }, { apiKey: [] }],
      },
    }, async (req, reply) => {
      const body = validate(CreateKey, req.body);
      const p = req.access!.principal;
      const created = await s.keys.create({
        tenantId: tenantOf(req), kind: body.kind, name: body.name, allowedOrigins: body.origins, scopes: body.scopes,
        grantable: grantableScopes(p, tenantOf(req)), actor: actorOf(p),
      });
      return reply.status(201).send(created);
    });

    app.post('/api/v1/keys/:id/revoke', {
      config: { permission: { check: 'canManageKeys' } },
      schema: { summary: 'Revoke an API key (takes effect at once)', tags: ['keys'], security: [{ session: [] }, { apiKey: [] }] },
    }, async (req) => {
      const { id } = validate(KeyId, req.params, 'The path');
      return s.keys.revoke({ tenantId: tenantOf(req), id, actor: actorOf(req.access!.principal) });
    });
  };
}
