import { randomBytes, scrypt, timingSafeEqual } from 'node:crypto';
import { EbbError } from '../core/errors.ts';

export interface ScryptCost {
  /** CPU/memory cost, a power of two. 2^15 with r=8 takes 32 MiB and tens of milliseconds. */
  N: number;
  r: number;
  p: number;
}

export const DEFAULT_SCRYPT_COST: ScryptCost = Object.freeze({ N: 1 << 15, r: 8, p: 1 });
const KEY_LENGTH = 32;
const FORMAT = /^scrypt\$(\d+)\$(\d+)\$(\d+)\$([A-Za-z0-9_-]{16,})\$([A-Za-z0-9_-]{43})$/;

export const PASSWORD_MIN_LENGTH = 12;
export const PASSWORD_MAX_LENGTH = 256;

export interface PasswordHasher {
  /** `scrypt$N$r$p$salt$hash`: the parameters travel with the hash, so the cost can be raised later. */
  hash(password: string): Promise<string>;
  verify(password: string, stored: string): Promise<boolean>;
  /** Spends the same time as a verification, for unknown accounts (no timing difference). */
  waste(password: string): Promise<void>;
}

const derive = (password: string, salt: Buffer, c: ScryptCost): Promise<Buffer> =>
  new Promise((resolve, reject) => {
    // Passwords are compared as Unicode text: the same characters typed differently hash the same.
    scrypt(password.normalize('NFC'), salt, KEY_LENGTH, { N: c.N, r: c.r, p: c.p, maxmem: 256 * c.N * c.r }, (err, key) => (err ? reject(err) : resolve(key)));
  });

/** Refuses passwords that are too short or too long, before anything is hashed. */
export function checkPasswordPolicy(password: string): void {
  const length = [...password].length;
  if (length < PASSWORD_MIN_LENGTH) {
    throw new EbbError('EBB_PASSWORD_TOO_WEAK', `A password needs at least ${PASSWORD_MIN_LENGTH} characters; a passphrase of several words is easiest.`);
  }
  if (length > PASSWORD_MAX_LENGTH) throw new EbbError('EBB_PASSWORD_TOO_WEAK', `A password may have at most ${PASSWORD_MAX_LENGTH} characters.`);
  if (new Set(password).size < 4) throw new EbbError('EBB_PASSWORD_TOO_WEAK', 'The password repeats too few characters. Choose a less regular one.');
}

export function createPasswordHasher(cost: ScryptCost = DEFAULT_SCRYPT_COST): PasswordHasher {
  const dummySalt = randomBytes(16);
  return {
    async hash(password) {
      const salt = randomBytes(16);
      const key = await derive(password, salt, cost);
      return `scrypt$${cost.N}$${cost.r}$${cost.p}$${salt.toString('base64url')}$${key.toString('base64url')}`;
    },
    async verify(password, stored) {
      const m = FORMAT.exec(stored);
      if (!m) return false;
      const c = { N: Number(m[1]), r: Number(m[2]), p: Number(m[3]) };
      const want = Buffer.from(m[5]!, 'base64url');
      const got = await derive(password, Buffer.from(m[4]!, 'base64url'), c);
      return got.length === want.length && timingSafeEqual(got, want);
    },
    async waste(password) {
      await derive(password, dummySalt, cost);
    },
  };
}
