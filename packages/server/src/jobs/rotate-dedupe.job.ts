import type { Job } from './job.ts';

export const rotateDedupeJob: Job<{ rotated: boolean; remembered: number }> = {
  name: 'rotate-dedupe',
  description: 'Forget client event ids older than two dedupe windows (checked hourly)',
  schedule: () => '17 * * * *',
  run: async (s) => {
    const rotated = s.dedupe.rotateIfOlderThan(s.config.dedupeWindowHours * 3600_000, s.clock.now().getTime());
    return { rotated, remembered: s.dedupe.size() };
  },
};
