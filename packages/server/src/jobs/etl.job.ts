import type { Job } from './job.ts';
import type { EtlReport } from '../analytics/etl/etl-runner.ts';

/** Daily at 02:00 UTC: the aggregates of the last 14 days, and releases of the weeks that ended. */
export const ETL_CRON = '0 2 * * *';

export const etlJob: Job<EtlReport> = {
  name: 'etl',
  description: 'Rebuild the aggregate tables of the last 14 days and release every ended week with differential privacy at the tenant\'s level',
  schedule: () => ETL_CRON,
  run: (s, options) => s.etl.run({ tenantId: options.tenantId, trigger: 'schedule', actor: 'system:etl', progress: options.progress }),
};
