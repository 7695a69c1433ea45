import type { Clock } from '../core/clock.ts';

export type Take = { ok: true } | { ok: false; retryAfterSeconds: number };

/** In-memory token buckets, one per key (an API key id, an account, an address). */
export interface TokenBuckets {
  take(key: string, cost?: number): Take;
  reset(key: string): void;
}

export function createTokenBuckets(options: { capacity: number; refillPerSecond: number; clock: Clock; maxKeys?: number }): TokenBuckets {
  const { capacity, refillPerSecond, clock } = options;
  const maxKeys = options.maxKeys ?? 100_000;
  const buckets = new Map<string, { tokens: number; at: number }>();
  return {
    take(key, cost = 1) {
      const now = clock.now().getTime();
      let b = buckets.get(key);
      if (!b) {
        // Bounded memory: forget the oldest bucket first (it has had the most time to refill).
        if (buckets.size >= maxKeys) buckets.delete(buckets.keys().next().value!);
        b = { tokens: capacity, at: now };
        buckets.set(key, b);
      } else {
        b.tokens = Math.min(capacity, b.tokens + ((now - b.at) / 1000) * refillPerSecond);
        b.at = now;
      }
      if (b.tokens >= cost) {
        b.tokens -= cost;
        return { ok: true };
      }
      return { ok: false, retryAfterSeconds: Math.max(1, Math.ceil((cost - b.tokens) / refillPerSecond)) };
    },
    reset(key) {
      buckets.delete(key);
    },
  };
}
