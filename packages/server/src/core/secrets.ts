import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync, chmodSync } from 'node:fs';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { z } from 'zod';
import { EbbError } from './errors.ts';

/** Keys Ebb needs. Generated on first start and kept in the data directory (0600) unless given. */
export interface Secrets {
  /** HMAC key from which each tenant's pseudonym key is derived. */
  pseudonymKey: Buffer;
  /** HMAC key for signed download links and other signatures. */
  signingKey: Buffer;
  /** HMAC key sealing the audit chain, so an edited entry cannot be re-sealed without it. */
  auditKey: Buffer;
}

const FileSchema = z.object({
  pseudonymKey: z.string().min(43),
  signingKey: z.string().min(43),
  auditKey: z.string().min(43),
});

export const SECRETS_FILE = 'secrets.json';

export function loadSecrets(dataDir: string, given: { pseudonymSecret?: string; signingSecret?: string } = {}): Secrets {
  mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  const file = path.join(dataDir, SECRETS_FILE);
  let stored: z.infer<typeof FileSchema>;
  if (existsSync(file)) {
    const parsed = FileSchema.safeParse(safeJson(readFileSync(file, 'utf8')));
    if (!parsed.success) {
      throw new EbbError('EBB_CONFIG_INVALID', `${file} is damaged. Restore it from a backup; without it existing pseudonyms and the audit chain cannot be verified.`);
    }
    stored = parsed.data;
    chmodSync(file, 0o600);
  } else {
    stored = {
      pseudonymKey: randomBytes(32).toString('base64url'),
      signingKey: randomBytes(32).toString('base64url'),
      auditKey: randomBytes(32).toString('base64url'),
    };
    const tmp = `${file}.tmp`;
    writeFileSync(tmp, JSON.stringify(stored, null, 2), { mode: 0o600 });
    renameSync(tmp, file);
  }
  return {
    pseudonymKey: Buffer.from(given.pseudonymSecret ?? stored.pseudonymKey, given.pseudonymSecret ? 'utf8' : 'base64url'),
    signingKey: Buffer.from(given.signingSecret ?? stored.signingKey, given.signingSecret ? 'utf8' : 'base64url'),
    auditKey: Buffer.from(stored.auditKey, 'base64url'),
  };
}

function safeJson(s: string): unknown {
  try {
    return JSON.parse(s);
  } catch {
    return null;
  }
}
