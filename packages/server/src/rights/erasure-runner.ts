import { rm } from 'node:fs/promises';
import type { ApiKeyService } from '../access/api-keys.ts';
import type { Clock } from '../core/clock.ts';
import { EbbError } from '../core/errors.ts';
import type { Progress } from '../control/operation.ts';
import type { SubjectDirectory } from '../ingest/subject-directory.ts';
import type { LegalHolds } from '../lifecycle/legal-holds.ts';
import type { PrivacyJobRecord, PrivacyJobStore, RightsStore } from '../store/ports.ts';
import type { ExportFiles } from './export-files.ts';
import { fileContains, verifyErased, type Needle } from './verification.ts';

/** Said in every erasure's result and in the docs: what erasure does not touch, and why. */
export const KEPT_AFTER_ERASURE =
  'Aggregates that are anonymised (groups under k suppressed) or differentially private stay: they hold no row of the person and cannot be traced back to them. '
  + 'The audit log keeps its entries (internal ids and counts only, never the pseudonym or the app\'s user id) so the erasure itself stays provable; the erasure job keeps its record without the person\'s id.';

const AUDIT_KEEPS_IDS = 'the hash-chained audit log keeps internal ids (never pseudonyms or the app\'s user ids); without the subject row they lead to nobody';

export type ErasureOutcome =
  | { deferred: { holdIds: string[]; reason: string } }
  | { result: Record<string, unknown> };

/**
 * Runs an erasure once its grace period is over: legal holds defer it; otherwise the person's (or
 * tenant's) export files go first, then every row in one transaction, then the verification scan.
 * Running it again after a crash is safe: deleting what is gone deletes nothing.
 */
export function createErasureRunner(deps: {
  store: RightsStore; jobs: PrivacyJobStore; files: ExportFiles; holds: LegalHolds; keys: ApiKeyService; directory: SubjectDirectory; clock: Clock;
}) {
  const { store, jobs, files, holds, clock } = deps;

  /** Deletes the files of the tenant's export jobs that match, and records it. */
  const deleteExportFiles = async (tenantId: string, match: (job: PrivacyJobRecord, full: string | null) => Promise<boolean>): Promise<number> => {
    let deleted = 0;
    for (const job of await jobs.listJobs({ tenantId, kind: 'export', limit: 10_000 })) {
      if (!job.file || job.fileDeletedAt) continue;
      const full = files.resolve(job.file);
      if (!(await match(job, full))) continue;
      if (full) await rm(full, { force: true });
      await jobs.updateJob(job.id, { fileDeletedAt: clock.now() });
      deleted++;
    }
    return deleted;
  };

  const fail = (report: unknown, message: string) =>
    new EbbError('EBB_ERASURE_NOT_VERIFIED', message, { details: { verification: report } });

  async function eraseSubject(job: PrivacyJobRecord, progress: Progress): Promise<ErasureOutcome> {
    const tenantId = job.tenantId!;
    const subjectId = job.subjectId;
    if (!subjectId) throw new EbbError('EBB_INTERNAL', `Erasure job ${job.id} names no subject.`);
    if (await holds.isSubjectHeld(tenantId, subjectId)) {
      const active = await holds.active(tenantId);
      const ids = [...(active.tenant ? [active.tenant.id] : []), ...active.subjects.filter((s) => s.subjectIds.includes(subjectId)).map((s) => s.hold.id)];
      return { deferred: { holdIds: ids, reason: `A legal hold (${ids.join(', ')}) keeps this person's data; the erasure runs once the hold is released.` } };
    }
    // Unknown after a crash that came after the rows were deleted: the scan then looks for the id alone.
    const subject = await store.subjectById(tenantId, subjectId);
    progress({ step: 'deleting export files' });
    // Tenant exports hold this person's rows too, and so may a guardian's (the link to the child).
    const values = subject ? [subjectId, subject.pseudonym] : [subjectId];
    const exportFilesDeleted = await deleteExportFiles(tenantId, async (j, full) =>
      j.subjectId === subjectId || j.params.scope === 'tenant' || (full !== null && (await fileContains(full, values))));
    progress({ step: 'deleting rows' });
    const deleted = await store.eraseSubject(tenantId, subjectId);
    if (subject) deps.directory.forget(tenantId, subject.pseudonym);
    progress({ step: 'verifying' });
    const needles: Needle[] = [{ label: 'internal subject id', value: subjectId, allowedIn: { audit_log: AUDIT_KEEPS_IDS } }];
    if (subject) needles.push({ label: 'pseudonym', value: subject.pseudonym });
    const verification = await verifyErased({ store, files }, needles, [files.tenantDir(tenantId), files.workOf('')]);
    const result = { scope: 'subject', deleted, rowsDeleted: Object.values(deleted).reduce((a, b) => a + b, 0), exportFilesDeleted, verification, kept: KEPT_AFTER_ERASURE };
    if (!verification.clean) {
      throw fail(result, `Erasure of job ${job.id} left data behind: ${verification.leftovers.map((l) => `${l.what} in ${l.where}`).join('; ')}. The rows were deleted, but these were found after; look into them before closing the request.`);
    }
    return { result };
  }

  async function eraseTenant(job: PrivacyJobRecord, progress: Progress): Promise<ErasureOutcome> {
    const tenantId = job.tenantId!;
    const active = await holds.active(tenantId);
    const ids = [...(active.tenant ? [active.tenant.id] : []), ...active.subjects.map((s) => s.hold.id)];
    if (ids.length > 0) {
      return { deferred: { holdIds: ids, reason: `Legal holds (${ids.join(', ')}) keep data of this tenant; offboarding runs once they are released.` } };
    }
    progress({ step: 'revoking keys' });
    // Revoking drops each key from the running server's cache at once; the rows go with the tenant.
    for (const key of await deps.keys.list(tenantId).catch(() => [])) {
      if (!key.revokedAt) await deps.keys.revoke({ tenantId, id: key.id, actor: `job:${job.id}` }).catch(() => undefined);
    }
    progress({ step: 'deleting export files' });
    const exportFilesDeleted = await deleteExportFiles(tenantId, async () => true);
    await rm(files.tenantDir(tenantId), { recursive: true, force: true });
    progress({ step: 'deleting rows' });
    const deleted = await store.eraseTenant(tenantId);
    progress({ step: 'verifying' });
    const kept = 'rows that must outlive the tenant name it by id: the audit log and the privacy job records (no personal data)';
    const verification = await verifyErased({ store, files }, [
      { label: 'tenant id', value: tenantId, allowedIn: { audit_log: kept, privacy_jobs: kept } },
    ], [files.tenantDir(tenantId)]);
    const result = { scope: 'tenant', deleted, rowsDeleted: Object.values(deleted).reduce((a, b) => a + b, 0), exportFilesDeleted, verification, kept: KEPT_AFTER_ERASURE };
    if (!verification.clean) {
      throw fail(result, `Offboarding of job ${job.id} left data behind: ${verification.leftovers.map((l) => `${l.what} in ${l.where}`).join('; ')}.`);
    }
    return { result };
  }

  return function runErasure(job: PrivacyJobRecord, progress: Progress): Promise<ErasureOutcome> {
    return job.params.scope === 'tenant' ? eraseTenant(job, progress) : eraseSubject(job, progress);
  };
}
