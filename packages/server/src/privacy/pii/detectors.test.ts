import { describe, expect, it } from 'vitest';
import { DETECTORS, isCardNumber, looksLikeRandomToken, redactCards, redactEmails, redactPhones } from './detectors.ts';
import { profileText } from './text-profile.ts';

describe('detectors', () => {
  it('skip text their gate rules out', () => {
    const gated = (s: string): string[] => DETECTORS.filter((d) => d.mayMatch(profileText(s), s)).map((d) => d.redact.name);
    expect(gated('quest_42')).toEqual([]);
    expect(gated('completed the dashboard tour')).toEqual([]);
    expect(gated('internationalization')).toEqual(['redactSecrets']);
    expect(gated('Bearer abcdefgh')).toEqual(['redactSecrets']);
    expect(gated('a@b.io')).toContain('redactEmails');
    expect(gated('a@b.io')).not.toContain('redactPhones');
  });

  it('return the same string when nothing matches', () => {
    const s = 'nothing to see here 12345678 at 2024-01-15';
    for (const d of DETECTORS) expect(d.redact(s, {})).toBe(s);
  });

  it('e-mail needs a real domain', () => {
    expect(redactEmails('react@18.2.0 @mention a@b x@localhost user@host.c', {})).toBe('react@18.2.0 @mention a@b x@localhost user@host.c');
    expect(redactEmails('(ada.lovelace@math.example.ac.uk).', {})).toBe('([redacted:email]).');
  });

  it('cards need a network prefix and Luhn', () => {
    expect(isCardNumber('4111111111111111')).toBe(true);
    expect(isCardNumber('1111111111111117')).toBe(false);
    expect(isCardNumber('4111111111111112')).toBe(false);
    expect(redactCards('ts 1700000000000 id 7992739871300', {})).toBe('ts 1700000000000 id 7992739871300');
    expect(redactCards('cards 4111111111111111 and 5555 5555 5555 4444', {})).toBe('cards [redacted:card] and [redacted:card]');
  });

  it('cards inside very long digit runs are still found', () => {
    const card = '4111 1111 1111 1111';
    const singles = Array.from({ length: 300 }, (_, i) => String(i % 10)).join(' ');
    const pairs = (n: number): string => Array.from({ length: n }, () => '12').join(' ');
    for (const text of [`${singles} ${card}`, `${'9'.repeat(300)} ${card}`, `${pairs(120)} ${card} ${pairs(120)}`]) {
      expect(redactCards(text, {})).not.toContain(card);
    }
  });

  it('phones: shapes and non-shapes', () => {
    expect(redactPhones('+33 6.12.34.56.78 or 06.12.34.56.78', {})).toBe('[redacted:phone] or [redacted:phone]');
    expect(redactPhones('100 200 3000 / 2024-01-15 10 / 1.5 2.5 3.5 4.5', {})).toBe('100 200 3000 / 2024-01-15 10 / 1.5 2.5 3.5 4.5');
    expect(redactPhones('x+44 20 7946 0958', {})).toBe('x+44 20 7946 0958');
    expect(redactPhones('id_0612345678', {})).toBe('id_0612345678');
  });

  it('random tokens: mixed letters and digits, not slugs or ids', () => {
    expect(looksLikeRandomToken('a8F3kL9mQ2xV7bN1cZ5tR0wY4uE6iO8pS3dG')).toBe(true);
    expect(looksLikeRandomToken('d41d8cd98f00b204e9800998ecf8427e')).toBe(true);
    expect(looksLikeRandomToken('lesson-2024-11-20-introduction-algebra')).toBe(false);
    expect(looksLikeRandomToken('550e8400-e29b-41d4-a716-446655440000')).toBe(false);
    expect(looksLikeRandomToken('getUserProfileSettingsForAccount')).toBe(false);
  });
});
