import { z } from 'zod';
import { LIMITS } from '@ebb/contracts';
import type { Services } from '../app/services.ts';
import { EbbError } from '../core/errors.ts';
import { DEFAULT_GRACE_DAYS, MAX_GRACE_DAYS, type RightsTarget } from '../rights/rights-requests.ts';
import type { RightsJobView } from '../rights/rights-service.ts';
import type { PrivacyJobRecord, PrivacyJobState } from '../store/ports.ts';
import { defineOperation, type Operation, type Progress } from './operation.ts';

const ACTOR = 'operator:cli';
const tenant = z.string().min(1);
const userId = z.string().min(1).max(LIMITS.userIdMaxLength);

/** A job as the CLI shows it: the API's view, plus where the export file is on this machine. */
export type CliJobView = RightsJobView & { path: string | null };

const cliView = (s: Services, job: PrivacyJobRecord): CliJobView => {
  const view = s.rights.view(job);
  const full = job.file && !job.fileDeletedAt ? s.rights.files.resolve(job.file) : null;
  return { ...view, path: full };
};

async function targetOf(s: Services, tenantId: string, a: { userId?: string; tenantScope?: boolean }): Promise<RightsTarget> {
  if (a.tenantScope) {
    if (a.userId) throw new EbbError('EBB_VALIDATION_FAILED', 'Give either --user-id (one person) or --all (the whole tenant), not both.');
    return { scope: 'tenant' };
  }
  if (!a.userId) throw new EbbError('EBB_VALIDATION_FAILED', 'Give --user-id (the app\'s user id of the person), or --all for the whole tenant.');
  return { scope: 'subject', subject: await s.subjectRows.ref(tenantId, a.userId), userId: a.userId };
}

/** Runs the job now when asked to wait and it is due; returns its record afterwards. */
async function settle(s: Services, job: PrivacyJobRecord, wait: boolean | undefined, progress: Progress): Promise<PrivacyJobRecord> {
  if (!wait) {
    s.rights.worker.kick();
    return job;
  }
  return s.rights.worker.runJob(job.id, progress);
}

/** Exports, erasures and their jobs, for operators with access to the data directory. */
export const RIGHTS_OPERATIONS: ReadonlyArray<Operation<any, any>> = [
  defineOperation({
    name: 'rights.export',
    args: z.object({ tenant, userId: userId.optional(), all: z.boolean().optional(), format: z.enum(['json', 'csv', 'both']).default('json'), wait: z.boolean().optional() }),
    run: async (s, a, progress) => {
      const target = await targetOf(s, a.tenant, { userId: a.userId, tenantScope: a.all });
      const out = await s.rights.requests.requestExport({ tenantId: a.tenant, target, format: a.format, actor: ACTOR });
      return { existing: out.existing, job: cliView(s, await settle(s, out.job, a.wait, progress)) };
    },
  }),
  defineOperation({
    name: 'rights.erase',
    args: z.object({
      tenant, userId: userId.optional(), all: z.boolean().optional(), confirm: z.string().min(1).max(LIMITS.userIdMaxLength),
      graceDays: z.number().int().min(0).max(MAX_GRACE_DAYS).default(DEFAULT_GRACE_DAYS), wait: z.boolean().optional(),
    }),
    run: async (s, a, progress) => {
      const target = await targetOf(s, a.tenant, { userId: a.userId, tenantScope: a.all });
      const out = await s.rights.requests.requestErasure({ tenantId: a.tenant, target, confirm: a.confirm, graceDays: a.graceDays, actor: ACTOR });
      return { existing: out.existing, job: cliView(s, await settle(s, out.job, a.wait, progress)) };
    },
  }),
  defineOperation({
    name: 'rights.jobs.list',
    args: z.object({
      tenant, kind: z.enum(['export', 'erase']).optional(), status: z.enum(['pending', 'scheduled', 'running', 'succeeded', 'failed', 'cancelled']).optional(),
      limit: z.number().int().min(1).max(1000).default(50), cursor: z.string().optional(),
    }),
    run: async (s, a) => {
      await s.tenants.get(a.tenant);
      const page = await s.rights.requests.list({ tenantId: a.tenant, kind: a.kind, state: a.status as PrivacyJobState | undefined, limit: a.limit, cursor: a.cursor });
      return { jobs: page.jobs.map((j) => cliView(s, j)), nextCursor: page.nextCursor };
    },
  }),
  defineOperation({
    name: 'rights.jobs.show',
    args: z.object({ id: z.string().min(1) }),
    run: async (s, a) => {
      const job = await s.store.privacyJobs.getJob(a.id);
      if (!job || (job.kind !== 'export' && job.kind !== 'erase')) throw new EbbError('EBB_RIGHTS_JOB_NOT_FOUND', `No export or erasure job has the id "${a.id}". List them with "ebb jobs list --tenant ID".`);
      return cliView(s, job);
    },
  }),
  defineOperation({
    name: 'rights.jobs.cancel',
    args: z.object({ id: z.string().min(1) }),
    run: async (s, a) => {
      const job = await s.store.privacyJobs.getJob(a.id);
      if (!job?.tenantId) throw new EbbError('EBB_RIGHTS_JOB_NOT_FOUND', `No export or erasure job has the id "${a.id}".`);
      return cliView(s, await s.rights.requests.cancel({ tenantId: job.tenantId, id: a.id, actor: ACTOR }));
    },
  }),
];
