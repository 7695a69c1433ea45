import type { Job } from './job.ts';
import { flushKeyUsageJob } from './flush-key-usage.job.ts';
import { pruneAccessJob } from './prune-access.job.ts';
import { rotateDedupeJob } from './rotate-dedupe.job.ts';
import { rotateSaltsJob } from './rotate-salts.job.ts';
import { retentionJob } from './retention.job.ts';
import { rightsJob } from './rights.job.ts';
import { etlJob } from './etl.job.ts';

/** Every scheduled job. The scheduler runs them on their schedules; `ebb jobs run NAME` runs one by hand. */
export const JOBS: ReadonlyArray<Job> = [rotateSaltsJob, rotateDedupeJob, flushKeyUsageJob, pruneAccessJob, retentionJob, rightsJob, etlJob];

export function findJob(name: string): Job | undefined {
  return JOBS.find((j) => j.name === name);
}
