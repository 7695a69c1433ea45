import { z } from 'zod';
import { EbbError } from '../core/errors.ts';
import { API_KEY_KINDS, KEY_SCOPES, type KeyScope } from '../store/ports.ts';
import { JOBS, findJob } from '../jobs/registry.ts';
import { defineOperation, type Operation } from './operation.ts';
import { ACCOUNT_OPERATIONS } from './account-operations.ts';
import { RETENTION_OPERATIONS } from './retention-operations.ts';
import { RIGHTS_OPERATIONS } from './rights-operations.ts';
import { ETL_OPERATIONS } from './etl-operations.ts';

const ACTOR = 'operator:cli';
const origin = z.string().regex(/^(\*|https?:\/\/[^/\s]+)$/, 'an origin looks like https://app.example.org (scheme and host, no path) or *');

/** Every operation the CLI can run; the control socket serves the same list. */
export const OPERATIONS: ReadonlyArray<Operation<any, any>> = [
  defineOperation({
    name: 'tenant.create',
    args: z.object({ name: z.string().min(1), origins: z.array(origin).optional() }),
    run: (s, a) => s.tenants.create({ name: a.name, browserOrigins: a.origins, actor: ACTOR }),
  }),
  defineOperation({
    name: 'tenant.list',
    args: z.object({}),
    run: async (s) => (await s.tenants.list()).map((t) => ({ id: t.id, name: t.name, createdAt: t.createdAt.toISOString() })),
  }),
  defineOperation({
    name: 'keys.create',
    args: z.object({
      tenant: z.string().min(1), kind: z.enum(API_KEY_KINDS as ['server', 'browser', 'admin', 'read']), name: z.string().max(100).optional(),
      origins: z.array(origin).optional(), scopes: z.array(z.enum(KEY_SCOPES as [KeyScope, ...KeyScope[]])).optional(),
    }),
    run: (s, a) => s.keys.create({ tenantId: a.tenant, kind: a.kind, name: a.name, allowedOrigins: a.origins, scopes: a.scopes, actor: ACTOR }),
  }),
  defineOperation({
    name: 'keys.list',
    args: z.object({ tenant: z.string().min(1) }),
    run: async (s, a) => {
      await s.tenants.get(a.tenant);
      return s.keys.list(a.tenant);
    },
  }),
  defineOperation({
    name: 'keys.revoke',
    args: z.object({ tenant: z.string().min(1), id: z.string().min(1) }),
    run: (s, a) => s.keys.revoke({ tenantId: a.tenant, id: a.id, actor: ACTOR }),
  }),
  defineOperation({
    name: 'audit.verify',
    args: z.object({}),
    run: (s) => s.audit.verify(),
  }),
  defineOperation({
    name: 'jobs.list',
    args: z.object({}),
    run: async (s) => JOBS.map((j) => ({ name: j.name, description: j.description, schedule: j.schedule(s) })),
  }),
  defineOperation({
    name: 'jobs.run',
    args: z.object({ name: z.string(), dryRun: z.boolean().optional(), tenant: z.string().optional() }),
    run: async (s, a, progress) => {
      const job = findJob(a.name);
      if (!job) throw new EbbError('EBB_NOT_FOUND', `No job is named "${a.name}". Known jobs: ${JOBS.map((j) => j.name).join(', ')}.`);
      return job.run(s, { dryRun: a.dryRun, tenantId: a.tenant, progress });
    },
  }),
  ...ACCOUNT_OPERATIONS,
  ...RETENTION_OPERATIONS,
  ...RIGHTS_OPERATIONS,
  ...ETL_OPERATIONS,
];

export function findOperation(name: string): Operation<any, any> | undefined {
  return OPERATIONS.find((o) => o.name === name);
}

/** Validates the arguments and runs the operation. */
export async function runOperation(s: import('../app/services.ts').Services, name: string, rawArgs: unknown, progress: (p: { step: string; done?: number; total?: number }) => void): Promise<unknown> {
  const op = findOperation(name);
  if (!op) throw new EbbError('EBB_NOT_FOUND', `Unknown operation "${name}".`);
  const parsed = op.args.safeParse(rawArgs);
  if (!parsed.success) {
    throw new EbbError('EBB_VALIDATION_FAILED', parsed.error.issues.map((i) => `${i.path.join('.') || 'arguments'}: ${i.message}`).join('; '));
  }
  return op.run(s, parsed.data, progress);
}
