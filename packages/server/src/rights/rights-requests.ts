import type { AuditLog } from '../audit/audit-log.ts';
import type { TenantService } from '../access/tenants.ts';
import type { SubjectRef } from '../access/subject-ref.ts';
import type { Clock } from '../core/clock.ts';
import { DAY_MS } from '../core/clock.ts';
import { EbbError } from '../core/errors.ts';
import { uuidv7 } from '../core/ids.ts';
import { ACTIVE_JOB_STATES, type PrivacyJobRecord, type PrivacyJobState, type PrivacyJobStore } from '../store/ports.ts';
import { RIGHTS_JOB_ID } from './download-links.ts';

export type RightsKind = 'export' | 'erase';
export type ExportFormat = 'json' | 'csv' | 'both';
export const RIGHTS_KINDS: readonly RightsKind[] = ['export', 'erase'];
export const DEFAULT_GRACE_DAYS = 7;
export const MAX_GRACE_DAYS = 30;

/** Who a request is about: one person (by the subject ref the access gate settled) or the whole tenant. */
export type RightsTarget = { scope: 'subject'; subject: SubjectRef; userId: string } | { scope: 'tenant' };

export interface RequestOutcome {
  job: PrivacyJobRecord;
  /** True when an active job of the same kind for the same person (or tenant) was returned instead. */
  existing: boolean;
}

export interface RightsRequests {
  requestExport(input: { tenantId: string; target: RightsTarget; format: ExportFormat; actor: string }): Promise<RequestOutcome>;
  requestErasure(input: { tenantId: string; target: RightsTarget; confirm: string; graceDays: number; actor: string }): Promise<RequestOutcome>;
  /** A tenant's rights jobs, newest first; `cursor` is the last id of the previous page. */
  list(input: { tenantId: string; kind?: RightsKind; state?: PrivacyJobState; limit: number; cursor?: string }): Promise<{ jobs: PrivacyJobRecord[]; nextCursor: string | null }>;
  get(tenantId: string, id: string): Promise<PrivacyJobRecord>;
  /** Cancels a job that has not started (an erasure in its grace period, a queued export). */
  cancel(input: { tenantId: string; id: string; actor: string }): Promise<PrivacyJobRecord>;
}

/**
 * Data-subject requests become tracked jobs here: validated, confirmed, de-duplicated (one active
 * job per person or tenant and kind) and audited. The worker (rights-worker.ts) does the work.
 */
export function createRightsRequests(deps: { jobs: PrivacyJobStore; tenants: TenantService; audit: AuditLog; clock: Clock; onQueued?: () => void }): RightsRequests {
  const { jobs, tenants, audit, clock } = deps;

  // Requests are checked and inserted one at a time: two identical requests arriving together
  // must yield one job, and this process is the store's only writer.
  let tail: Promise<unknown> = Promise.resolve();
  const serial = <T>(fn: () => Promise<T>): Promise<T> => {
    const next = tail.then(fn, fn);
    tail = next.catch(() => undefined);
    return next;
  };

  const subjectIdOf = (target: RightsTarget): string | null => {
    if (target.scope === 'tenant') return null;
    if (target.subject.id === null) throw new EbbError('EBB_SUBJECT_NOT_FOUND', 'Ebb holds nothing about this user id in this tenant: there is nothing to export or erase.');
    return target.subject.id;
  };

  const activeJob = async (tenantId: string, kind: RightsKind, subjectId: string | null) =>
    (await jobs.listJobs({ tenantId, kind, states: [...ACTIVE_JOB_STATES], subjectId, limit: 1 }))[0] ?? null;

  const create = async (input: {
    tenantId: string; kind: RightsKind; subjectId: string | null; scope: 'subject' | 'tenant'; params: Record<string, unknown>;
    graceDeadline: Date | null; actor: string;
  }): Promise<RequestOutcome> => {
    const existing = await activeJob(input.tenantId, input.kind, input.subjectId);
    if (existing) {
      await audit.record({ tenantId: input.tenantId, actor: input.actor, action: `rights.${input.kind}.requested_again`, target: existing.id, details: { scope: input.scope, state: existing.state } });
      return { job: existing, existing: true };
    }
    const now = clock.now();
    const job: PrivacyJobRecord = {
      id: `rj_${uuidv7(now.getTime()).replaceAll('-', '')}`,
      tenantId: input.tenantId,
      kind: input.kind,
      state: input.graceDeadline && input.graceDeadline > now ? 'scheduled' : 'pending',
      requester: input.actor,
      subjectId: input.subjectId,
      params: { scope: input.scope, ...input.params },
      graceDeadline: input.graceDeadline,
      result: null,
      file: null,
      fileDeletedAt: null,
      expiresAt: null,
      error: null,
      attempts: 0,
      createdAt: now,
      startedAt: null,
      finishedAt: null,
      runAfter: null,
    };
    await jobs.insertJob(job);
    // The subject's internal id stays out of the entry: the job id leads to it while the person exists.
    await audit.record({ tenantId: input.tenantId, actor: input.actor, action: `rights.${input.kind}.requested`, target: job.id, details: { scope: input.scope, state: job.state, ...input.params } });
    deps.onQueued?.();
    return { job, existing: false };
  };

  const get = async (tenantId: string, id: string): Promise<PrivacyJobRecord> => {
    const job = RIGHTS_JOB_ID.test(id) ? await jobs.getJob(id) : null;
    if (!job || job.tenantId !== tenantId || !RIGHTS_KINDS.includes(job.kind as RightsKind)) {
      throw new EbbError('EBB_RIGHTS_JOB_NOT_FOUND', `No export or erasure job has the id "${id}" in this tenant. List them with GET /api/v1/privacy/jobs.`);
    }
    return job;
  };

  return {
    requestExport: ({ tenantId, target, format, actor }) =>
      serial(async () => {
        await tenants.get(tenantId);
        const subjectId = subjectIdOf(target);
        return create({ tenantId, kind: 'export', subjectId, scope: target.scope, params: { format }, graceDeadline: null, actor });
      }),

    requestErasure: ({ tenantId, target, confirm, graceDays, actor }) =>
      serial(async () => {
        const tenant = await tenants.get(tenantId);
        if (!Number.isInteger(graceDays) || graceDays < 0 || graceDays > MAX_GRACE_DAYS) {
          throw new EbbError('EBB_VALIDATION_FAILED', `grace_period_days must be a whole number from 0 to ${MAX_GRACE_DAYS} (default ${DEFAULT_GRACE_DAYS}).`);
        }
        // Confirmation first: a mistyped request stores nothing and says nothing about whether the person exists.
        if (target.scope === 'subject' && confirm !== target.userId) {
          throw new EbbError('EBB_CONFIRMATION_MISMATCH', 'confirm must repeat the user id of the person to erase, exactly as given in subject.');
        }
        if (target.scope === 'tenant' && confirm !== tenant.name) {
          throw new EbbError('EBB_CONFIRMATION_MISMATCH', 'confirm must repeat the tenant\'s name exactly, to erase the whole tenant.');
        }
        const subjectId = subjectIdOf(target);
        const graceDeadline = graceDays > 0 ? new Date(clock.now().getTime() + graceDays * DAY_MS) : null;
        return create({ tenantId, kind: 'erase', subjectId, scope: target.scope, params: { graceDays }, graceDeadline, actor });
      }),

    async list({ tenantId, kind, state, limit, cursor }) {
      let before: { createdAt: Date; id: string } | undefined;
      if (cursor !== undefined) {
        const last = await get(tenantId, cursor).catch(() => {
          throw new EbbError('EBB_VALIDATION_FAILED', 'cursor is not a job of this tenant: pass nextCursor from the previous page.');
        });
        before = { createdAt: last.createdAt, id: last.id };
      }
      const page = await jobs.listJobs({
        tenantId, kinds: kind ? [kind] : [...RIGHTS_KINDS], states: state ? [state] : undefined, limit: limit + 1, before,
      });
      const more = page.length > limit;
      const shown = page.slice(0, limit);
      return { jobs: shown, nextCursor: more ? shown.at(-1)!.id : null };
    },

    get,

    cancel: ({ tenantId, id, actor }) =>
      serial(async () => {
        const job = await get(tenantId, id);
        const now = clock.now();
        if (!(await jobs.transitionJob(job.id, ['pending', 'scheduled'], { state: 'cancelled', finishedAt: now }))) {
          const current = await get(tenantId, id);
          throw new EbbError('EBB_RIGHTS_JOB_NOT_CANCELLABLE', `Job ${id} is ${current.state}: only a job that has not started (pending, or scheduled in its grace period) can be cancelled.`);
        }
        await audit.record({ tenantId, actor, action: 'rights.job.cancelled', target: job.id, details: { kind: job.kind, from: job.state } });
        return { ...job, state: 'cancelled', finishedAt: now };
      }),
  };
}
