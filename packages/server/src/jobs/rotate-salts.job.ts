import type { Job } from './job.ts';

export const rotateSaltsJob: Job<{ day: string; deleted: number }> = {
  name: 'rotate-salts',
  description: 'Create today\'s visitor salt and delete salts older than 48 hours',
  schedule: (s) => s.config.saltCron,
  run: async (s) => {
    const result = await s.salts.rotate();
    // Keys older than two windows need not be remembered; see createDedupeIndex.
    return result;
  },
};
