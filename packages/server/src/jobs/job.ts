import type { Services } from '../app/services.ts';

export interface JobProgress {
  (p: { step: string; done?: number; total?: number }): void;
}

export interface JobRunOptions {
  progress?: JobProgress;
  dryRun?: boolean;
  tenantId?: string;
}

/** A job: a name, when it runs (cron, UTC), and what it does. The scheduler and the CLI both call `run`. */
export interface Job<R = unknown> {
  name: string;
  description: string;
  schedule: (services: Services) => string;
  run: (services: Services, options: JobRunOptions) => Promise<R>;
}
