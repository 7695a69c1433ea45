import { createCipheriv, createHash } from 'node:crypto';
import type { RandomFill } from '../random.ts';

/**
 * A reproducible byte stream for tests only (AES-256-CTR keyed by a hash of the seed): statistical
 * tests that must not flake run on it. Never wire it into production: releases draw from the OS CSPRNG.
 */
export function createSeededRandomFill(seed: string | number): RandomFill {
  const key = createHash('sha256').update(`ebb-dp-test-seed:${seed}`).digest();
  const cipher = createCipheriv('aes-256-ctr', key, Buffer.alloc(16));
  return function seededFill(buffer: Uint8Array): Uint8Array {
    const stream = cipher.update(new Uint8Array(buffer.length));
    buffer.set(stream);
    return buffer;
  };
}

/** Replays the given bytes in order and throws when they run out: for control-flow tests. */
export function createScriptedRandomFill(bytes: readonly number[]): RandomFill {
  let next = 0;
  return function scriptedFill(buffer: Uint8Array): Uint8Array {
    for (let i = 0; i < buffer.length; i++) {
      if (next >= bytes.length) throw new Error('scripted random bytes exhausted');
      buffer[i] = bytes[next++]!;
    }
    return buffer;
  };
}
