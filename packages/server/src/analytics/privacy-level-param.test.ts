import { describe, expect, it } from 'vitest';
import { PRIVACY_LEVELS as WIRE_LEVELS } from '@ebb/contracts';
import { EbbError } from '../core/errors.ts';
import { PRIVACY_LEVELS } from './dp/privacy-levels.ts';
import { minGroupSizeOf, parsePrivacyLevel, privacyBlock } from './privacy-level-param.ts';

const codeOf = (fn: () => unknown) => {
  try {
    fn();
  } catch (e) {
    return e instanceof EbbError ? e.code : 'not an EbbError';
  }
  return 'no error';
};

describe('privacy_level parameter', () => {
  it('defaults to anonymized and accepts every level by its exact name', () => {
    expect(parsePrivacyLevel(undefined)).toBe('anonymized');
    expect(parsePrivacyLevel('')).toBe('anonymized');
    for (const level of PRIVACY_LEVELS) expect(parsePrivacyLevel(level)).toBe(level);
  });

  it('refuses unknown spellings, other cases and repeated parameters', () => {
    for (const raw of ['DP_LOW', 'dp-low', 'exact', 'none', ' anonymized', ['dp_low', 'dp_high'], 1]) {
      expect(codeOf(() => parsePrivacyLevel(raw))).toBe('EBB_PRIVACY_LEVEL_UNKNOWN');
    }
  });

  it('refuses a known level the endpoint does not serve', () => {
    expect(codeOf(() => parsePrivacyLevel('dp_medium', { allowed: ['anonymized'] }))).toBe('EBB_PRIVACY_LEVEL_NOT_APPLICABLE');
    expect(parsePrivacyLevel(undefined, { allowed: ['anonymized'] })).toBe('anonymized');
  });

  it('lists the same levels on the wire as the engine', () => {
    expect([...WIRE_LEVELS]).toEqual([...PRIVACY_LEVELS]);
  });

  it('reads k from tenant settings, never below 2', () => {
    expect(minGroupSizeOf({})).toBe(5);
    expect(minGroupSizeOf({ minGroupSize: 10 })).toBe(10);
    for (const k of [1, 0, -3, 2.5, '7', null]) expect(minGroupSizeOf({ minGroupSize: k })).toBe(5);
  });

  it('describes the level in the envelope', () => {
    expect(privacyBlock('anonymized', 5)).toEqual({ level: 'anonymized', minGroupSize: 5, epsilon: 'infinity', source: 'exact', releasedAt: null });
    expect(privacyBlock('dp_high', 7, { releasedAt: new Date('2025-01-06T02:00:00Z') }))
      .toEqual({ level: 'dp_high', minGroupSize: 7, epsilon: '1/2', source: 'release', releasedAt: '2025-01-06T02:00:00.000Z' });
  });
});
