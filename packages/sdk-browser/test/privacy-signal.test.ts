import { describe, expect, it } from 'vitest';
import { privacySignal } from '../src/privacy-signal.ts';

describe('privacySignal', () => {
  it('reads Global Privacy Control before Do-Not-Track', () => {
    expect(privacySignal({ globalPrivacyControl: true, doNotTrack: '1' })).toBe('gpc');
    expect(privacySignal({ doNotTrack: '1' })).toBe('dnt');
    expect(privacySignal({ doNotTrack: 'yes' })).toBe('dnt');
    expect(privacySignal({}, { doNotTrack: '1' })).toBe('dnt');
  });
  it('gives null when neither is on', () => {
    expect(privacySignal({ globalPrivacyControl: false, doNotTrack: '0' })).toBeNull();
    expect(privacySignal({ doNotTrack: 'unspecified' })).toBeNull();
    expect(privacySignal({ globalPrivacyControl: 'true' })).toBeNull();
  });
});
