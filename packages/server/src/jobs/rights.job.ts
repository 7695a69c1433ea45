import type { Job } from './job.ts';

/**
 * Export and erasure jobs that are due (queued, past their grace period, or past a retry's
 * backoff). The server's worker looks every few seconds; this schedule is the backstop, and
 * `ebb jobs run rights` does the same by hand when no server runs.
 */
export const rightsJob: Job<{ ran: number; jobs: Array<{ id: string; kind: string; state: string }> }> = {
  name: 'rights',
  description: 'Run due export and erasure jobs (queued, grace period over, or retry due)',
  schedule: () => '*/10 * * * *',
  run: async (s, options) => {
    const done = await s.rights.worker.runDue(options.progress);
    return { ran: done.length, jobs: done.map((j) => ({ id: j.id, kind: j.kind, state: j.state })) };
  },
};
