import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { cleanPath, referrerOrigin } from '../src/page-url.ts';

describe('cleanPath', () => {
  it('keeps the path and utm_* parameters only, never the fragment', () => {
    expect(cleanPath('/quests/7?utm_source=news&token=abc&utm_campaign=spring#access_token=xyz')).toBe('/quests/7?utm_source=news&utm_campaign=spring');
    expect(cleanPath('/reset?email=jane@example.com')).toBe('/reset');
    expect(cleanPath('/a#b?utm_source=x')).toBe('/a');
    expect(cleanPath('')).toBe('/');
    expect(cleanPath('?utm_medium')).toBe('/?utm_medium');
  });

  it('never lets a non-utm parameter or a fragment through, and stays within the path limit', () => {
    const key = fc.stringMatching(/^[a-z_]{1,12}$/).filter((k) => !k.toLowerCase().startsWith('utm_'));
    fc.assert(fc.property(fc.webPath(), fc.array(fc.tuple(key, fc.string()), { maxLength: 5 }), fc.string(), fc.string({ maxLength: 3000 }), (path, params, hash, long) => {
      const query = params.map(([k, v]) => `${k}=${encodeURIComponent(v)}`).join('&');
      const out = cleanPath(`${path}${long}?${query}#secret${hash}`);
      return out.length <= 2048 && !out.includes('secret') && params.every(([k]) => !out.includes(`?${k}=`) && !out.includes(`&${k}=`));
    }));
  });
});

describe('referrerOrigin', () => {
  it('sends only the origin of other sites and nothing for the own site or garbage', () => {
    expect(referrerOrigin('https://search.example/q?name=jane', 'https://app.example')).toBe('https://search.example/');
    expect(referrerOrigin('https://app.example/quests/1', 'https://app.example')).toBeUndefined();
    expect(referrerOrigin('', 'https://app.example')).toBeUndefined();
    expect(referrerOrigin('not a url', 'https://app.example')).toBeUndefined();
  });
});
