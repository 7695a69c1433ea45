import { existsSync } from 'node:fs';
import type { AuditLog } from '../audit/audit-log.ts';
import type { ApiKeyService } from '../access/api-keys.ts';
import type { TenantService } from '../access/tenants.ts';
import type { Clock } from '../core/clock.ts';
import { EbbError } from '../core/errors.ts';
import type { Logger } from '../core/logger.ts';
import type { SubjectDirectory } from '../ingest/subject-directory.ts';
import type { LegalHolds } from '../lifecycle/legal-holds.ts';
import type { RetentionPolicies } from '../lifecycle/retention-policies.ts';
import type { PrivacyJobRecord, PrivacyJobStore, RightsStore } from '../store/ports.ts';
import { createDownloadLinks, RIGHTS_JOB_ID, type DownloadLinks } from './download-links.ts';
import { createErasureRunner } from './erasure-runner.ts';
import { createExportFiles, type ExportFiles } from './export-files.ts';
import { createExportRunner } from './export-runner.ts';
import { createRightsRequests, type RightsRequests } from './rights-requests.ts';
import { createRightsWorker, type RightsWorker } from './rights-worker.ts';

/** A job as the API and CLI show it. */
export interface RightsJobView {
  id: string;
  kind: 'export' | 'erase';
  scope: 'subject' | 'tenant';
  state: PrivacyJobRecord['state'];
  subjectId: string | null;
  requester: string;
  format: string | null;
  graceDeadline: string | null;
  createdAt: string;
  startedAt: string | null;
  finishedAt: string | null;
  attempts: number;
  nextAttemptAt: string | null;
  error: string | null;
  result: Record<string, unknown> | null;
  /** For a finished export whose file is still there: the signed link and until when it works. */
  download: { url: string; expiresAt: string } | null;
}

export interface Rights {
  requests: RightsRequests;
  worker: RightsWorker;
  links: DownloadLinks;
  files: ExportFiles;
  view(job: PrivacyJobRecord): RightsJobView;
  /** The file a signed link gives, once the link, the job and the file check out; audited. */
  download(token: string): Promise<{ full: string; filename: string; job: PrivacyJobRecord }>;
}

export const DOWNLOAD_PATH = '/api/v1/privacy/downloads/';

export function createRights(deps: {
  jobs: PrivacyJobStore; store: RightsStore; tenants: TenantService; holds: LegalHolds; policies: RetentionPolicies; keys: ApiKeyService;
  directory: SubjectDirectory; audit: AuditLog; clock: Clock; logger: Logger; exportsDir: string; signingKey: Buffer;
}): Rights {
  const files = createExportFiles(deps.exportsDir);
  const links = createDownloadLinks(deps.signingKey);
  // The worker is built after the requests: requests kick it once it is running.
  let worker: RightsWorker | null = null;
  const requests = createRightsRequests({ jobs: deps.jobs, tenants: deps.tenants, audit: deps.audit, clock: deps.clock, onQueued: () => worker?.kick() });
  worker = createRightsWorker({
    jobs: deps.jobs, audit: deps.audit, clock: deps.clock, logger: deps.logger,
    runExport: createExportRunner({ store: deps.store, files, policies: deps.policies, clock: deps.clock }),
    runErasure: createErasureRunner({ store: deps.store, jobs: deps.jobs, files, holds: deps.holds, keys: deps.keys, directory: deps.directory, clock: deps.clock }),
  });

  const view = (job: PrivacyJobRecord): RightsJobView => {
    const now = deps.clock.now();
    const downloadable = job.kind === 'export' && job.state === 'succeeded' && job.file && !job.fileDeletedAt && job.expiresAt && job.expiresAt > now && job.tenantId;
    return {
      id: job.id,
      kind: job.kind as 'export' | 'erase',
      scope: job.params.scope === 'tenant' ? 'tenant' : 'subject',
      state: job.state,
      subjectId: job.subjectId,
      requester: job.requester,
      format: typeof job.params.format === 'string' ? job.params.format : null,
      graceDeadline: job.graceDeadline?.toISOString() ?? null,
      createdAt: job.createdAt.toISOString(),
      startedAt: job.startedAt?.toISOString() ?? null,
      finishedAt: job.finishedAt?.toISOString() ?? null,
      attempts: job.attempts,
      nextAttemptAt: (job.state === 'pending' || job.state === 'scheduled') && job.runAfter ? job.runAfter.toISOString() : null,
      error: job.error,
      result: job.result,
      download: downloadable ? { url: `${DOWNLOAD_PATH}${links.sign({ id: job.id, tenantId: job.tenantId! }, job.expiresAt!)}`, expiresAt: job.expiresAt!.toISOString() } : null,
    };
  };

  return {
    requests, worker, links, files, view,
    async download(token) {
      const opened = await links.open(token, deps.clock.now(), async (jobId) => (RIGHTS_JOB_ID.test(jobId) ? (await deps.jobs.getJob(jobId))?.tenantId ?? null : null));
      const job = (await deps.jobs.getJob(opened.jobId))!;
      if (job.kind !== 'export' || job.state !== 'succeeded' || !job.file) throw new EbbError('EBB_DOWNLOAD_LINK_INVALID');
      // The path comes from the job's record, never from the link, and must stay inside the exports folder.
      const full = files.resolve(job.file);
      if (!full) {
        deps.logger.error({ jobId: job.id }, 'an export job records a file outside the exports folder; it is not served');
        throw new EbbError('EBB_DOWNLOAD_LINK_INVALID');
      }
      if (job.fileDeletedAt || !existsSync(full)) {
        throw new EbbError('EBB_EXPORT_FILE_GONE', `The file of export ${job.id} was deleted${job.fileDeletedAt ? ` at ${job.fileDeletedAt.toISOString()}` : ''} (retention of export files, or an erasure). Request a new export.`);
      }
      await deps.audit.record({ tenantId: job.tenantId, actor: 'download-link', action: 'rights.export.downloaded', target: job.id, details: { linkExpiresAt: opened.expiresAt.toISOString() } });
      return { full, filename: `ebb-export-${job.id}.zip`, job };
    },
  };
}
