import { Cron } from 'croner';
import type { Services } from '../app/services.ts';
import type { Job } from './job.ts';

/** Runs jobs on their schedules (UTC). It only schedules, skips overlapping runs and logs. */
export function startScheduler(services: Services, jobs: ReadonlyArray<Job>): { stop(): void } {
  const crons = jobs.map((job) => {
    const log = services.logger.child({ job: job.name });
    return new Cron(job.schedule(services), { timezone: 'UTC', protect: true, catch: true }, async () => {
      const started = performance.now();
      try {
        const result = await job.run(services, {});
        log.info({ ms: Math.round(performance.now() - started), result }, 'job finished');
      } catch (err) {
        log.error({ err }, 'job failed; it runs again at its next scheduled time');
      }
    });
  });
  return { stop: () => crons.forEach((c) => c.stop()) };
}
