import { randomBytes } from 'node:crypto';
import type { Clock } from '../core/clock.ts';
import { DAY_MS } from '../core/clock.ts';
import type { ControlStore } from '../store/ports.ts';

/**
 * Daily random salts for cookieless visitor ids: a visitor hashes to the same id within a UTC
 * day and to an unrelated one the next day. Salts older than 48 hours are deleted, after which
 * no visitor id of that day can be recomputed.
 */
export interface SaltService {
  /** Today's salt, created on first use. */
  today(): Promise<Buffer>;
  /** Creates today's salt and deletes salts older than 48 hours; returns how many were deleted. */
  rotate(): Promise<{ day: string; deleted: number }>;
}

export const utcDay = (d: Date): string => d.toISOString().slice(0, 10);

/** A salt for day D was used until the end of D; salts of days before this one are more than 48 hours past. */
export const saltCutoffDay = (now: Date): string => utcDay(new Date(now.getTime() - 2 * DAY_MS));

export function createSaltService(store: ControlStore, clock: Clock): SaltService {
  let cached: { day: string; salt: Buffer } | null = null;
  const today = async () => {
    const day = utcDay(clock.now());
    if (cached?.day === day) return cached.salt;
    const salt = (await store.getSalt(day)) ?? (await store.putSalt(day, randomBytes(32), clock.now()));
    cached = { day, salt };
    return salt;
  };
  return {
    today,
    async rotate() {
      await today();
      return { day: utcDay(clock.now()), deleted: await store.deleteSaltsBefore(saltCutoffDay(clock.now())) };
    },
  };
}
