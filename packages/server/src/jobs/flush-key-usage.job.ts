import type { Job } from './job.ts';

export const flushKeyUsageJob: Job<void> = {
  name: 'flush-key-usage',
  description: 'Write API keys\' last-used times gathered in memory',
  schedule: () => '* * * * *',
  run: (s) => s.keys.flushLastUsed(),
};
