import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import type { Services } from '../../app/services.ts';
import { PASSWORD_MAX_LENGTH } from '../../access/passwords.ts';
import { actorOf } from '../../access/principal.ts';
import { ROLES, type Role } from '../../access/roles.ts';
import { tenantOf } from '../access-hooks.ts';
import { validate } from '../validate.ts';

const role = z.enum(ROLES as [Role, ...Role[]]);
const AddMember = z.strictObject({ email: z.string().min(3).max(254), role, password: z.string().min(1).max(PASSWORD_MAX_LENGTH * 4).optional() });
const SetRole = z.strictObject({ role });
const AccountId = z.strictObject({ accountId: z.string().min(1).max(100) });
const doc = (schema: z.ZodType) => z.toJSONSchema(schema, { target: 'draft-7' });

export function memberRoutes(s: Services) {
  return async function registerMemberRoutes(app: FastifyInstance): Promise<void> {
    app.get('/api/v1/members', {
      config: { permission: { check: 'canReadMembers' } },
      schema: { summary: 'List the tenant\'s dashboard members and their roles', tags: ['members'], security: [{ session: [] }] },
    }, async (req) => ({ members: await s.memberships.list(tenantOf(req)) }));

    app.post('/api/v1/members', {
      config: { permission: { check: 'canManageMembers' } },
      schema: {
        summary: 'Add a member (owners only); a new e-mail gets an account with a one-time password, shown only in this answer',
        tags: ['members'], body: doc(AddMember), security: [{ session: [] }],
      },
    }, async (req, reply) => {
      const body = validate(AddMember, req.body);
      const r = await s.memberships.add({ tenantId: tenantOf(req), email: body.email, role: body.role, password: body.password, actor: actorOf(req.access!.principal) });
      return reply.status(201).send({ member: r.member, createdAccount: r.createdAccount, oneTimePassword: r.password });
    });

    app.put('/api/v1/members/:accountId', {
      config: { permission: { check: 'canManageMembers' } },
      schema: { summary: 'Change a member\'s role (the last owner stays owner)', tags: ['members'], body: doc(SetRole), security: [{ session: [] }] },
    }, async (req) => {
      const { accountId } = validate(AccountId, req.params, 'The path');
      const body = validate(SetRole, req.body);
      return { member: await s.memberships.setRole({ tenantId: tenantOf(req), accountId, role: body.role, actor: actorOf(req.access!.principal) }) };
    });

    app.delete('/api/v1/members/:accountId', {
      config: { permission: { check: 'canManageMembers' } },
      schema: { summary: 'Remove a member from the tenant (the account stays; the last owner cannot be removed)', tags: ['members'], security: [{ session: [] }] },
    }, async (req, reply) => {
      const { accountId } = validate(AccountId, req.params, 'The path');
      await s.memberships.remove({ tenantId: tenantOf(req), accountId, actor: actorOf(req.access!.principal) });
      return reply.status(204).send();
    });
  };
}
