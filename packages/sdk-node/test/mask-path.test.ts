import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { maskPath } from '../src/mask-path.ts';

describe('maskPath', () => {
  it('replaces ids and drops the query and fragment', () => {
    expect(maskPath('/quests/42/start?utm_source=x&email=a@b.c')).toBe('/quests/:id/start');
    expect(maskPath('/users/0b6c3a2e-6f7d-4d0f-9b8e-0c6f4b2a7d11/profile')).toBe('/users/:id/profile');
    expect(maskPath('/items/507f1f77bcf86cd799439011#top')).toBe('/items/:id');
    expect(maskPath('/files/01HZX3K9Q4W7N2B8C5D6E7F8G9')).toBe('/files/:id');
    expect(maskPath('/people/jane.doe@example.com/notes')).toBe('/people/:id/notes');
    expect(maskPath('/people/jane.doe%40example.com')).toBe('/people/:id');
  });

  it('keeps route words', () => {
    expect(maskPath('/api/quests/popular')).toBe('/api/quests/popular');
    expect(maskPath('/')).toBe('/');
    expect(maskPath('')).toBe('/');
    expect(maskPath('/parent/dashboard/')).toBe('/parent/dashboard/');
  });

  it('never lets a query, a fragment, a number or an e-mail address through', () => {
    const segment = fc.oneof(
      fc.stringMatching(/^[a-z]{1,10}$/),
      fc.nat().map(String),
      fc.uuid(),
      fc.emailAddress(),
    );
    fc.assert(fc.property(fc.array(segment, { maxLength: 6 }), fc.string(), fc.string(), (segs, q, h) => {
      const out = maskPath(`/${segs.join('/')}?${q}#${h}`);
      return !out.includes('?') && !out.includes('#') && !out.includes('@') && !/\/\d+(\/|$)/.test(out);
    }));
  });
});
