import type { Job } from './job.ts';
import type { RetentionReport } from '../lifecycle/retention-runner.ts';

export const retentionJob: Job<RetentionReport> = {
  name: 'retention',
  description: 'Enforce retention: delete what is past its deletion age, anonymise what is past its detail window, expire export files and salts',
  schedule: (s) => s.config.retentionCron,
  run: (s, options) => s.retentionRunner.run({ tenantId: options.tenantId, dryRun: options.dryRun, progress: options.progress }),
};
