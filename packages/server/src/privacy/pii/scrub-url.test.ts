import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Redactions } from './redactions.ts';
import { maskPath, referrerHost, scrubUrl } from './scrub-url.ts';
import { plantedArb } from './test-arbitraries.ts';
import type { Planted } from './test-arbitraries.ts';

const scrub = (url: string, allowQueryKeys?: (key: string) => boolean): { out: string; r: Redactions } => {
  const r: Redactions = {};
  return { out: scrubUrl(url, r, allowQueryKeys ? { allowQueryKeys } : undefined), r };
};

const segmentArb = fc.stringMatching(/^[a-z0-9_-]{1,12}$/);
const baseArb = fc.constantFrom('', 'https://learn.example.com', 'http://localhost:3000', '//cdn.example.com', 'app://ebb');
const pathArb = fc.array(segmentArb, { maxLength: 4 });

/** Forms a planted value takes in a URL: as written, or percent-encoded by a browser. */
const urlForms = (p: Planted): string[] => [p.value, encodeURIComponent(p.value), p.value.replace(/ /g, '%20')];

const noLeak = (out: string, p: Planted): void => {
  for (const f of new Set([...urlForms(p), ...p.forbidden])) expect(out).not.toContain(f);
};

describe('scrubUrl: planted identifiers never survive', () => {
  it('in a path segment, as written or percent-encoded', () => {
    fc.assert(
      fc.property(baseArb, pathArb, pathArb, plantedArb, fc.boolean(), fc.constantFrom('', 'x-', 'u/'), (base, pre, post, p, encoded, glue) => {
        // A "/" inside a value is always encoded in a path ("030/1234567" raw would be two segments).
        const value = encoded ? encodeURIComponent(p.value) : p.value.replace(/ /g, '%20').replace(/\//g, '%2F');
        const url = `${base}/${[...pre, glue + value, ...post].join('/')}`;
        noLeak(scrub(url).out, p);
      }),
      { numRuns: 300 },
    );
  });

  it('in the query string, under dropped and allowed keys', () => {
    fc.assert(
      fc.property(baseArb, pathArb, plantedArb, fc.constantFrom('email', 'q', 'utm_source', 'utm_term', 'ref'), (base, path, p, key) => {
        const url = `${base}/${path.join('/')}?page=2&${key}=${encodeURIComponent(p.value)}&utm_medium=mail`;
        const { out } = scrub(url);
        noLeak(out, p);
        expect(out).toContain('utm_medium=mail');
        expect(out).not.toContain('page=2');
      }),
      { numRuns: 300 },
    );
  });

  it('in the fragment', () => {
    fc.assert(
      fc.property(baseArb, pathArb, plantedArb, (base, path, p) => {
        const url = `${base}/${path.join('/')}#section-${p.value}`;
        const { out } = scrub(url);
        noLeak(out, p);
        expect(out).not.toContain('#');
      }),
      { numRuns: 200 },
    );
  });

  it('returns the very same string for a clean path', () => {
    fc.assert(
      fc.property(pathArb, (path) => {
        const url = `/${path.filter((s) => !/^\d{6,}$/.test(s)).join('/')}`;
        expect(scrubUrl(url, {})).toBe(url);
      }),
    );
  });
});

describe('scrubUrl: examples', () => {
  it.each([
    ['/quests/42', '/quests/42'],
    ['/quests/42?utm_source=newsletter&utm_campaign=spring', '/quests/42?utm_source=newsletter&utm_campaign=spring'],
    ['/search?q=fractions&page=2#results', '/search'],
    ['https://learn.example.com/users/1234567/profile', 'https://learn.example.com/users/:id/profile'],
    ['/lessons/550e8400-e29b-41d4-a716-446655440000/start', '/lessons/:id/start'],
    ['/users/ada@example.org/settings', '/users/[redacted:email]/settings'],
    ['/users/ada%40example.org/settings', '/users/[redacted:email]/settings'],
    ['/share/report-for-ada@example.org.pdf', '/share/[redacted:email]'],
    ['/call/+44%2020%207946%200958', '/call/[redacted:phone]'],
    ['/reset/eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjMifQ.c2lnbmF0dXJlc2lnbmF0dXJl', '/reset/[redacted:secret]'],
    ['https://ada:hunter2@example.com/x', 'https://example.com/x'],
    ['http://192.168.1.20:8080/admin', 'http://[redacted:ip]:8080/admin'],
    ['http://[2001:db8::1]/admin', 'http://[redacted:ip]/admin'],
    ['/app;jsessionid=A1B2C3D4E5/home', '/app/home'],
    ['mailto:ada@example.org', 'mailto:[redacted:email]'],
    ['/?utm_source=ada%40example.org', '/?utm_source=[redacted:email]'],
    ['/p?utm_content=call+%2B44+20+7946+0958', '/p?utm_content=call%20[redacted:phone]'],
    ['/v1.2.3/docs/2024-01-15', '/v1.2.3/docs/2024-01-15'],
    ['', ''],
    ['?', ''],
  ])('%j -> %j', (input, expected) => {
    expect(scrub(input).out).toBe(expected);
  });

  it('keeps tenant-allowed query keys', () => {
    const allow = (k: string): boolean => k.startsWith('utm_') || k === 'lang';
    expect(scrub('/x?lang=fr&email=a%40b.io&utm_source=x', allow).out).toBe('/x?lang=fr&utm_source=x');
  });

  it('counts what it redacts', () => {
    const { r } = scrub('https://u:p@example.com/users/ada@example.org?utm_term=%2B44%2020%207946%200958');
    expect(r).toEqual({ credential: 1, email: 1, phone: 1 });
  });
});

describe('maskPath', () => {
  it.each([
    ['/a/b/c', '/a/b/c'],
    ['/orders/123456', '/orders/:id'],
    ['/orders/12345', '/orders/12345'],
    ['/u/ada@example.org', '/u/[redacted:email]'],
    ['/ip/10.1.2.3/status', '/ip/[redacted:ip]/status'],
    ['/card/4242-4242-4242-4242', '/card/[redacted:card]'],
    ['relative/path/999999999', 'relative/path/:id'],
  ])('%j -> %j', (input, expected) => {
    expect(maskPath(input, {})).toBe(expected);
  });
});

describe('referrerHost', () => {
  it.each([
    ['https://www.Google.com/search?q=ada%40example.org', 'www.google.com'],
    ['https://user:pass@example.org:8443/path', 'example.org'],
    ['http://example.org.', 'example.org'],
    ['//cdn.example.net/lib.js', 'cdn.example.net'],
    ['android-app://com.google.android.gm/', 'com.google.android.gm'],
    ['https://bücher.de/', 'bücher.de'],
    ['https://example.com?x=1', 'example.com'],
    ['https://example.com#top', 'example.com'],
    ['/relative/path', null],
    ['example.com/path', null],
    ['', null],
    ['https://192.168.1.20/', null],
    ['https://[2001:db8::1]:443/', null],
    ['https://exa mple.com/', null],
    ['https:///nohost', null],
  ])('%j -> %j', (input, expected) => {
    expect(referrerHost(input)).toBe(expected);
  });
});
