import { createReadStream } from 'node:fs';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { LIMITS } from '@ebb/contracts';
import type { Services } from '../../app/services.ts';
import { canFollowRightsJob } from '../../access/can-track-rights-requests.ts';
import { actorOf } from '../../access/principal.ts';
import type { SubjectRef } from '../../access/subject-ref.ts';
import { EbbError } from '../../core/errors.ts';
import { DEFAULT_GRACE_DAYS, MAX_GRACE_DAYS, RIGHTS_KINDS, type RightsKind, type RightsTarget } from '../../rights/rights-requests.ts';
import type { PrivacyJobRecord, PrivacyJobState } from '../../store/ports.ts';
import { tenantOf } from '../access-hooks.ts';
import type { RoutePermission } from '../permission-declaration.ts';
import { validate } from '../validate.ts';

const userId = z.string().min(1).max(LIMITS.userIdMaxLength);
const scope = z.enum(['subject', 'tenant']).optional();
const ExportBody = z.strictObject({ subject: userId.optional(), scope, format: z.enum(['json', 'csv', 'both']).default('json') });
const DeleteBody = z.strictObject({
  subject: userId.optional(),
  scope,
  confirm: z.string().min(1).max(LIMITS.userIdMaxLength),
  grace_period_days: z.number().int().min(0).max(MAX_GRACE_DAYS).default(DEFAULT_GRACE_DAYS),
});
const STATES = ['pending', 'scheduled', 'running', 'succeeded', 'failed', 'cancelled'] as const;
const ListQuery = z.strictObject({
  kind: z.enum(['export', 'erase']).optional(),
  status: z.enum(STATES).optional(),
  limit: z.coerce.number().int().min(1).max(100).default(20),
  cursor: z.string().min(1).max(100).optional(),
});
const JobId = z.strictObject({ id: z.string().min(1).max(100) });
const Token = z.strictObject({ token: z.string().min(1).max(200) });

/** The person a request names is settled by the access gate from `subject`; the whole tenant otherwise. */
const EXPORT: RoutePermission = { check: 'canRequestExport', subject: { in: 'body', field: 'subject' } };
const ERASE: RoutePermission = { check: 'canRequestErasure', subject: { in: 'body', field: 'subject' } };
const TRACK: RoutePermission = { check: 'canTrackRightsRequests' };
const security: Array<Record<string, string[]>> = [{ session: [] }, { apiKey: [] }];

function targetOf(req: FastifyRequest, body: { subject?: string; scope?: 'subject' | 'tenant' }): RightsTarget {
  if (body.scope === 'tenant') {
    if (body.subject !== undefined) throw new EbbError('EBB_VALIDATION_FAILED', 'Send either subject (one person) or scope: "tenant" (everyone), not both.');
    return { scope: 'tenant' };
  }
  if (body.subject === undefined) throw new EbbError('EBB_VALIDATION_FAILED', 'Name the person in subject (the app\'s user id), or send scope: "tenant" for the whole tenant.');
  return { scope: 'subject', subject: req.access!.subject!, userId: body.subject };
}

export function rightsRoutes(s: Services) {
  /** The person a job is about, as the access checks see them (a ref without pseudonym once erased). */
  const subjectOf = async (job: PrivacyJobRecord): Promise<SubjectRef | null> => {
    if (job.params.scope === 'tenant') return null;
    if (!job.subjectId) return { pseudonym: '', id: null };
    const row = await s.store.rights.subjectById(job.tenantId!, job.subjectId);
    return { pseudonym: row?.pseudonym ?? '', id: row ? job.subjectId : null };
  };
  const mayFollow = async (req: FastifyRequest, job: PrivacyJobRecord): Promise<boolean> =>
    canFollowRightsJob(req.access!.principal, req.access!.tenantId, { kind: job.kind as RightsKind, subject: await subjectOf(job) }).allowed;
  /** A job the caller may follow; others' jobs answer as if they did not exist. */
  const followed = async (req: FastifyRequest, id: string): Promise<PrivacyJobRecord> => {
    const job = await s.rights.requests.get(tenantOf(req), id);
    if (!(await mayFollow(req, job))) throw new EbbError('EBB_RIGHTS_JOB_NOT_FOUND', `No export or erasure job has the id "${id}" among those you may see.`);
    return job;
  };

  return async function registerRightsRoutes(app: FastifyInstance): Promise<void> {
    app.post('/api/v1/privacy/export', {
      config: { permission: EXPORT },
      schema: {
        summary: 'Request an export of one person\'s data (GDPR art. 15/20) or of the whole tenant',
        description: 'Answers 202 with the new job, or 200 with the active export job for the same person (or tenant) if one exists. '
          + 'When it succeeds, the job carries a signed download link (24 hours). One person: owners, admins, keys with rights:request, the person (viewer token) or their guardian. The whole tenant: owners.',
        tags: ['privacy'], body: z.toJSONSchema(ExportBody, { target: 'draft-7', io: 'input' }), security,
      },
    }, async (req, reply) => {
      const body = validate(ExportBody, req.body);
      const out = await s.rights.requests.requestExport({ tenantId: tenantOf(req), target: targetOf(req, body), format: body.format, actor: actorOf(req.access!.principal) });
      return reply.status(out.existing ? 200 : 202).send({ job: s.rights.view(out.job), existing: out.existing });
    });

    app.post('/api/v1/privacy/delete', {
      config: { permission: ERASE },
      schema: {
        summary: 'Request erasure of one person\'s data (GDPR art. 17) or of the whole tenant (offboarding)',
        description: `confirm repeats the person's user id (or the tenant's name for scope "tenant"). The job waits grace_period_days (0-${MAX_GRACE_DAYS}, default ${DEFAULT_GRACE_DAYS}) and can be cancelled until then. `
          + 'A legal hold defers it. After the erasure a scan of every table and export file must find nothing, or the job fails. Anonymised and differentially private aggregates stay.',
        tags: ['privacy'], body: z.toJSONSchema(DeleteBody, { target: 'draft-7', io: 'input' }), security,
      },
    }, async (req, reply) => {
      const body = validate(DeleteBody, req.body);
      const out = await s.rights.requests.requestErasure({
        tenantId: tenantOf(req), target: targetOf(req, body), confirm: body.confirm, graceDays: body.grace_period_days, actor: actorOf(req.access!.principal),
      });
      return reply.status(out.existing ? 200 : 202).send({ job: s.rights.view(out.job), existing: out.existing });
    });

    app.get('/api/v1/privacy/jobs', {
      config: { permission: TRACK },
      schema: {
        summary: 'Export and erasure jobs of the tenant, newest first (?kind=export|erase, ?status=, ?limit=1-100, ?cursor=nextCursor)',
        description: 'Learners and guardians (viewer tokens) see the jobs about themselves and their children only.',
        tags: ['privacy'], security,
      },
    }, async (req) => {
      const q = validate(ListQuery, req.query, 'The query');
      const page = await s.rights.requests.list({ tenantId: tenantOf(req), kind: q.kind, state: q.status as PrivacyJobState | undefined, limit: q.limit, cursor: q.cursor });
      const visible: PrivacyJobRecord[] = [];
      for (const job of page.jobs) if (await mayFollow(req, job)) visible.push(job);
      return { jobs: visible.map(s.rights.view), nextCursor: page.nextCursor, kinds: RIGHTS_KINDS };
    });

    app.get('/api/v1/privacy/jobs/:id', {
      config: { permission: TRACK },
      schema: { summary: 'One export or erasure job: state, counts, verification result, and for a finished export its signed download link', tags: ['privacy'], security },
    }, async (req) => {
      const { id } = validate(JobId, req.params, 'The path');
      return { job: s.rights.view(await followed(req, id)) };
    });

    app.post('/api/v1/privacy/jobs/:id/cancel', {
      config: { permission: TRACK },
      schema: { summary: 'Cancel a job that has not started: an erasure in its grace period, or a queued export', tags: ['privacy'], security },
    }, async (req) => {
      const { id } = validate(JobId, req.params, 'The path');
      const job = await followed(req, id);
      return { job: s.rights.view(await s.rights.requests.cancel({ tenantId: tenantOf(req), id: job.id, actor: actorOf(req.access!.principal) })) };
    });

    app.get('/api/v1/privacy/downloads/:token', {
      config: { permission: { check: 'public', why: 'the signed link is the credential: an HMAC over the job, its tenant and the expiry, given only to whoever may follow the job' } },
      schema: { summary: 'Download an export through its signed link (403 when changed, 410 when expired or the file is gone)', tags: ['privacy'] },
    }, async (req, reply) => {
      const { token } = validate(Token, req.params, 'The path');
      const file = await s.rights.download(token);
      return reply
        .header('content-type', 'application/zip')
        .header('content-disposition', `attachment; filename="${file.filename}"`)
        .header('cache-control', 'no-store')
        .send(createReadStream(file.full));
    });
  };
}
