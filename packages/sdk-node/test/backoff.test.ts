import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { backoffDelay, parseRetryAfter } from '../src/backoff.ts';

describe('backoffDelay', () => {
  const opts = { baseDelayMs: 100, maxDelayMs: 10_000 };

  it('doubles per attempt, with half of it random', () => {
    expect(backoffDelay(0, opts, () => 0)).toBe(50);
    expect(backoffDelay(0, opts, () => 1)).toBe(100);
    expect(backoffDelay(3, opts, () => 0)).toBe(400);
    expect(backoffDelay(3, opts, () => 1)).toBe(800);
  });

  it('stays within [cap/2, cap] for any attempt and any random draw', () => {
    fc.assert(fc.property(fc.integer({ min: 0, max: 200 }), fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true }), (attempt, r) => {
      const exp = Math.min(opts.maxDelayMs, opts.baseDelayMs * 2 ** attempt);
      const d = backoffDelay(attempt, opts, () => r);
      return d >= Math.floor(exp / 2) && d <= exp && Number.isFinite(d);
    }));
  });
});

describe('parseRetryAfter', () => {
  const now = Date.parse('2025-01-01T00:00:00Z');
  it('reads delta-seconds', () => expect(parseRetryAfter('3', now)).toBe(3000));
  it('reads an HTTP date', () => expect(parseRetryAfter('Wed, 01 Jan 2025 00:00:05 GMT', now)).toBe(5000));
  it('never gives a negative delay for a past date', () => expect(parseRetryAfter('Tue, 31 Dec 2024 00:00:00 GMT', now)).toBe(0));
  it('gives null for absent or unreadable values', () => {
    expect(parseRetryAfter(null, now)).toBeNull();
    expect(parseRetryAfter(undefined, now)).toBeNull();
    expect(parseRetryAfter('soon', now)).toBeNull();
    expect(parseRetryAfter('-1', now)).toBeNull();
  });
});
