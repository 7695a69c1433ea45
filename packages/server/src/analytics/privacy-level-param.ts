import { DEFAULT_PRIVACY_LEVEL, PRIVACY_LEVELS, type AnalyticsPrivacy } from '@ebb/contracts';
import { EbbError } from '../core/errors.ts';
import { formatEpsilon } from './dp/epsilon.ts';
import { DEFAULT_MIN_GROUP_SIZE, getPrivacyLevel, isPrivacyLevel, type PrivacyLevel } from './dp/privacy-levels.ts';

/**
 * The `privacy_level` query parameter of every aggregate endpoint: absent means `anonymized`;
 * anything else must name a level exactly. Endpoints that serve only some levels say which.
 */
export function parsePrivacyLevel(raw: unknown, options: { allowed?: readonly PrivacyLevel[] } = {}): PrivacyLevel {
  if (raw === undefined || raw === '') return DEFAULT_PRIVACY_LEVEL;
  if (!isPrivacyLevel(raw)) {
    // A repeated parameter arrives as an array: refused like any other unknown value.
    throw new EbbError('EBB_PRIVACY_LEVEL_UNKNOWN', `privacy_level must be one of ${PRIVACY_LEVELS.join(', ')}.`, { details: { given: typeof raw === 'string' ? raw.slice(0, 40) : typeof raw } });
  }
  const allowed = options.allowed ?? PRIVACY_LEVELS;
  if (!allowed.includes(raw)) {
    throw new EbbError('EBB_PRIVACY_LEVEL_NOT_APPLICABLE', `This endpoint is served at privacy_level ${allowed.join(', ')} only.`, { details: { given: raw, allowed } });
  }
  return raw;
}

/**
 * k of a tenant: groups of fewer learners are withheld. Read from the tenant's settings
 * (`minGroupSize`), 5 when unset; a value that is not an integer >= 2 falls back to 5 rather than
 * publishing smaller groups.
 */
export function minGroupSizeOf(settings: object): number {
  const k = (settings as { minGroupSize?: unknown }).minGroupSize;
  return typeof k === 'number' && Number.isSafeInteger(k) && k >= 2 ? k : DEFAULT_MIN_GROUP_SIZE;
}

/** The `privacy` block of an answer's envelope. */
export function privacyBlock(level: PrivacyLevel, minGroupSize: number, release: { releasedAt: Date } | null = null): AnalyticsPrivacy {
  const spec = getPrivacyLevel(level, { minGroupSize });
  return {
    level,
    minGroupSize,
    epsilon: formatEpsilon(spec.epsilon),
    source: release ? 'release' : 'exact',
    releasedAt: release ? release.releasedAt.toISOString() : null,
  };
}
