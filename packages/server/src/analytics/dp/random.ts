import { randomFillSync } from 'node:crypto';

/**
 * Fills a buffer with random bytes. Production uses the OS CSPRNG (`crypto.randomFillSync`);
 * tests may inject a seeded or scripted source, but production wiring never does.
 */
export type RandomFill = (buffer: Uint8Array) => unknown;

export const defaultRandomFill: RandomFill = randomFillSync;

/** The only entry point of randomness for the samplers: exact integers, no floats. */
export interface RandomSource {
  /** One uniform byte, 0..255. */
  byte(): number;
  /** Uniform integer in [0, n), exact: rejection sampling, no modulo bias. */
  uniformBelow(n: bigint): bigint;
}

export interface RandomSourceOptions {
  fill?: RandomFill;
  /** Bytes fetched per refill; a pool keeps syscalls rare. */
  poolSize?: number;
}

export function createRandomSource(options: RandomSourceOptions = {}): RandomSource {
  const fill = options.fill ?? defaultRandomFill;
  const pool = new Uint8Array(options.poolSize ?? 65536);
  let position = pool.length;

  function byte(): number {
    if (position === pool.length) {
      fill(pool);
      position = 0;
    }
    return pool[position++]!;
  }

  function uniformBelow(n: bigint): bigint {
    if (n < 1n) throw new RangeError(`uniformBelow needs n >= 1, got ${n}`);
    if (n === 1n) return 0n;
    const bits = bitLength(n - 1n);
    const bytes = Math.ceil(bits / 8);
    const drop = BigInt(bytes * 8 - bits);
    // Draw just enough whole bytes, drop the excess high bits, reject values >= n: P(accept) >= 1/2.
    for (;;) {
      let x = 0n;
      for (let i = 0; i < bytes; i++) x = (x << 8n) | BigInt(byte());
      x >>= drop;
      if (x < n) return x;
    }
  }

  return { byte, uniformBelow };
}

const TWO_POW_32 = 2n ** 32n;

/** Number of bits of x >= 1 (the samplers mostly ask for small x, where clz32 is much cheaper). */
function bitLength(x: bigint): number {
  return x < TWO_POW_32 ? 32 - Math.clz32(Number(x)) : x.toString(2).length;
}

let shared: RandomSource | undefined;

/** A process-wide source on the OS CSPRNG, created on first use. */
export function defaultRandomSource(): RandomSource {
  shared ??= createRandomSource();
  return shared;
}
