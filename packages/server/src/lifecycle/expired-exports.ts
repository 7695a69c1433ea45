import { readdir, rm, stat } from 'node:fs/promises';
import path from 'node:path';
import type { Clock } from '../core/clock.ts';
import type { Logger } from '../core/logger.ts';
import type { PrivacyJobStore } from '../store/ports.ts';

export interface ExportSweepResult {
  /** Files deleted (or, in a dry run, that would be). */
  deleted: number;
  /** Files kept because their subject or tenant is under a legal hold. */
  held: number;
}

export interface ExpiredExports {
  /** A tenant's export files made at or before `before`, tracked in privacy_jobs. */
  sweepTenant(input: { tenantId: string; before: Date; heldSubjects: readonly string[]; dryRun: boolean }): Promise<ExportSweepResult>;
  /** Files under the exports folder that no job refers to (left by a crash mid-export), last changed at or before `before`. */
  sweepUntracked(input: { before: Date; dryRun: boolean }): Promise<{ deleted: number }>;
  /** The oldest time (finished, else created) of a tenant's export file that is still on disk and due. */
  oldestDue(tenantId: string, before: Date, heldSubjects: readonly string[]): Promise<Date | null>;
}

/** Export files live under `<dataDir>/exports/`; jobs record them relative to that folder. */
export function createExpiredExports(deps: { jobs: PrivacyJobStore; dir: string; clock: Clock; logger: Logger }): ExpiredExports {
  const root = path.resolve(deps.dir);
  /** The file's absolute path, or null when a recorded name points outside the exports folder. */
  const resolve = (file: string): string | null => {
    const full = path.resolve(root, file);
    return full.startsWith(root + path.sep) ? full : null;
  };

  const walk = async (dir: string): Promise<string[]> => {
    let entries;
    try {
      entries = await readdir(dir, { withFileTypes: true });
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
      throw err;
    }
    const out: string[] = [];
    for (const e of entries) {
      const full = path.join(dir, e.name);
      if (e.isDirectory()) out.push(...(await walk(full)));
      else if (e.isFile()) out.push(full);
    }
    return out;
  };

  return {
    async sweepTenant({ tenantId, before, heldSubjects, dryRun }) {
      const held = new Set(heldSubjects);
      const result: ExportSweepResult = { deleted: 0, held: 0 };
      for (const job of await deps.jobs.jobsWithFilesBefore(tenantId, before)) {
        if (job.subjectId && held.has(job.subjectId)) {
          result.held++;
          continue;
        }
        const full = resolve(job.file!);
        if (!full) {
          deps.logger.warn({ jobId: job.id }, 'an export job records a file outside the exports folder; it is left alone');
          continue;
        }
        result.deleted++;
        if (dryRun) continue;
        // Delete first, then record: a crash in between leaves a missing file, which the next run just records.
        await rm(full, { force: true, recursive: true });
        await deps.jobs.updateJob(job.id, { fileDeletedAt: deps.clock.now() });
      }
      return result;
    },

    async sweepUntracked({ before, dryRun }) {
      const tracked = await deps.jobs.trackedFiles();
      const trackedFull = new Set([...tracked].map((f) => resolve(f)).filter((f): f is string => f !== null));
      let deleted = 0;
      for (const file of await walk(root)) {
        if (trackedFull.has(file)) continue;
        const info = await stat(file).catch(() => null);
        if (!info || info.mtime.getTime() > before.getTime()) continue;
        deleted++;
        if (!dryRun) await rm(file, { force: true });
      }
      return { deleted };
    },

    async oldestDue(tenantId, before, heldSubjects) {
      const held = new Set(heldSubjects);
      let oldest: Date | null = null;
      for (const job of await deps.jobs.jobsWithFilesBefore(tenantId, before)) {
        if ((job.subjectId && held.has(job.subjectId)) || !resolve(job.file!)) continue;
        const t = job.finishedAt ?? job.createdAt;
        if (!oldest || t < oldest) oldest = t;
      }
      return oldest;
    },
  };
}
