import { DAY_MS } from '../core/clock.ts';
import type { Job } from './job.ts';

/** Login attempts are kept 30 days (enough to investigate an attack, then gone); ended sessions 7 days. */
export const LOGIN_ATTEMPTS_KEEP_DAYS = 30;
export const ENDED_SESSIONS_KEEP_DAYS = 7;

export const pruneAccessJob: Job<{ loginAttempts: number; sessions: number } | { dryRun: true; note: string }> = {
  name: 'prune-access',
  description: `Delete login attempts older than ${LOGIN_ATTEMPTS_KEEP_DAYS} days and sessions ended more than ${ENDED_SESSIONS_KEEP_DAYS} days ago`,
  schedule: () => '20 3 * * *',
  async run(s, { dryRun }) {
    const now = s.clock.now().getTime();
    if (dryRun) return { dryRun: true, note: 'nothing deleted; this job has no preview, it only removes expired access records' };
    const loginAttempts = await s.store.access.deleteLoginAttemptsBefore(new Date(now - LOGIN_ATTEMPTS_KEEP_DAYS * DAY_MS));
    const sessions = await s.store.access.deleteSessionsExpiredBefore(new Date(now - ENDED_SESSIONS_KEEP_DAYS * DAY_MS));
    return { loginAttempts, sessions };
  },
};
