import { createHash } from 'node:crypto';
import type { ReleaseWindow } from './budget.ts';
import type { PrivacyLevel } from './privacy-levels.ts';

export interface ReleaseKeyParts {
  readonly tenantId: string;
  readonly window: ReleaseWindow;
  readonly metric: string;
  readonly level: PrivacyLevel;
  /** Bumped for late data or a fix: a new version is a new spend, the old one stays counted. */
  readonly definitionVersion: number | string;
}

/** sha256 over an unambiguous encoding of the parts (a JSON array, so no separator can collide). */
export function releaseKey(parts: ReleaseKeyParts): string {
  const encoded = JSON.stringify([parts.tenantId, parts.window.start, parts.window.end, parts.metric, parts.level, String(parts.definitionVersion)]);
  return createHash('sha256').update(encoded).digest('hex');
}
