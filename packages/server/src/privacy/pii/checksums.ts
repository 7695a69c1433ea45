/** Check-digit algorithms that turn "looks like a number of that kind" into "is one". */

/** Luhn (mod 10) over the ASCII digits `digits[start..end)`: card numbers, Canadian SINs. */
export function luhnValid(digits: string, start = 0, end = digits.length): boolean {
  let sum = 0;
  let double = false;
  for (let i = end - 1; i >= start; i--) {
    let d = digits.charCodeAt(i) - 48;
    if (double) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
    double = !double;
  }
  return sum % 10 === 0;
}

/** ISO 13616 check: the IBAN (upper-case, no spaces) rearranged and read as a number is 1 mod 97. */
export function ibanValid(iban: string): boolean {
  if (iban.length < 15 || iban.length > 34) return false;
  let rem = 0;
  for (let k = 0; k < iban.length; k++) {
    const c = iban.charCodeAt((k + 4) % iban.length);
    if (c >= 48 && c <= 57) rem = (rem * 10 + (c - 48)) % 97;
    else if (c >= 65 && c <= 90) rem = (rem * 100 + (c - 55)) % 97;
    else return false;
  }
  return rem === 1;
}

/** The two check digits that make `country + "00" + bban` a valid IBAN (for tests and examples). */
export function ibanCheckDigits(country: string, bban: string): string {
  const probe = `${country}00${bban}`;
  let rem = 0;
  for (let k = 0; k < probe.length; k++) {
    const c = probe.charCodeAt((k + 4) % probe.length);
    rem = c <= 57 ? (rem * 10 + (c - 48)) % 97 : (rem * 100 + (c - 55)) % 97;
  }
  return String(98 - rem).padStart(2, '0');
}

const DNI_LETTERS = 'TRWAGMYFPDXBNJZSQVHLCKE';

/** Spanish DNI/NIE control letter for the 8-digit number (NIE: X/Y/Z already mapped to 0/1/2). */
export function dniLetter(n: number): string {
  return DNI_LETTERS[n % 23]!;
}

/**
 * French NIR key: 97 - (first 13 characters mod 97), Corsican departments 2A/2B read as 19/18
 * after subtracting 1,000,000 / 2,000,000 (the official rule).
 */
export function nirKeyValid(nir13: string, key: number): boolean {
  let n: number;
  const upper = nir13.toUpperCase();
  if (upper.includes('A')) n = Number(upper.replace('A', '0')) - 1_000_000;
  else if (upper.includes('B')) n = Number(upper.replace('B', '0')) - 2_000_000;
  else n = Number(upper);
  if (!Number.isSafeInteger(n)) return false;
  return 97 - (n % 97) === key;
}
