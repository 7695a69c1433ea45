import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { dniLetter, ibanCheckDigits, ibanValid, luhnValid, nirKeyValid } from './checksums.ts';

describe('checksums', () => {
  it('luhn', () => {
    for (const n of ['4111111111111111', '378282246310005', '6011111111111117', '5555555555554444', '130692544']) expect(luhnValid(n)).toBe(true);
    for (const n of ['4111111111111112', '1234567812345678', '130692545']) expect(luhnValid(n)).toBe(false);
    expect(luhnValid('xx4111111111111111yy', 2, 18)).toBe(true);
  });

  it('luhn catches every single-digit change', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 15 }), fc.integer({ min: 1, max: 9 }), (at, delta) => {
        const n = '4111111111111111';
        const changed = n.slice(0, at) + String((Number(n[at]) + delta) % 10) + n.slice(at + 1);
        expect(luhnValid(changed)).toBe(false);
      }),
    );
  });

  it('iban', () => {
    for (const iban of ['DE89370400440532013000', 'GB82WEST12345698765432', 'FR1420041010050500013M02606', 'NL91ABNA0417164300', 'ES9121000418450200051332', 'NO9386011117947'])
      expect(ibanValid(iban)).toBe(true);
    for (const iban of ['DE89370400440532013001', 'GB82WEST12345698765433', 'DE8937040044053201300', 'de89370400440532013000']) expect(ibanValid(iban)).toBe(false);
    expect(ibanCheckDigits('DE', '370400440532013000')).toBe('89');
  });

  it('dni letter and NIR key', () => {
    expect(dniLetter(12345678)).toBe('Z');
    expect(nirKeyValid('1850578006084', 91)).toBe(true);
    expect(nirKeyValid('1850578006084', 90)).toBe(false);
    // Corsica: 2A read as 19 (the documented rule).
    const n = 2850520000000 - 1_000_000 + 1234; // "2 85 05 2A 000 234"-style number with 2A -> 19
    const key = 97 - (n % 97);
    expect(nirKeyValid('28505' + '2A' + '001234', key)).toBe(true);
  });
});
