/**
 * Exact rationals over BigInt. Epsilons, noise scales and budget totals are rationals so that
 * composition ("1/3" + "1/3" + "1/3" = "1") and cap checks never suffer float rounding.
 * Values are always normalised: den > 0 and gcd(num, den) = 1.
 */
export interface Rational {
  readonly num: bigint;
  readonly den: bigint;
}

function abs(x: bigint): bigint {
  return x < 0n ? -x : x;
}

export function gcd(a: bigint, b: bigint): bigint {
  let x = abs(a);
  let y = abs(b);
  while (y !== 0n) [x, y] = [y, x % y];
  return x;
}

function toBigInt(value: bigint | number, name: string): bigint {
  if (typeof value === 'bigint') return value;
  if (!Number.isSafeInteger(value)) throw new RangeError(`${name} must be a safe integer, got ${value}`);
  return BigInt(value);
}

/** Builds a normalised rational; throws on a zero denominator or non-integer parts. */
export function rational(num: bigint | number, den: bigint | number = 1n): Rational {
  let n = toBigInt(num, 'numerator');
  let d = toBigInt(den, 'denominator');
  if (d === 0n) throw new RangeError('denominator must not be zero');
  if (d < 0n) {
    n = -n;
    d = -d;
  }
  const g = gcd(n, d);
  return g > 1n ? { num: n / g, den: d / g } : { num: n, den: d };
}

export const ZERO: Rational = rational(0n);
export const ONE: Rational = rational(1n);

const FRACTION = /^\s*(-?\d+)\s*(?:\/\s*(\d+)\s*)?$/;
const DECIMAL = /^\s*(-?)(\d*)\.(\d+)\s*$/;

/** Parses "2", "-3", "1/2" or an exact decimal such as "0.25". */
export function parseRational(text: string): Rational {
  const fraction = FRACTION.exec(text);
  if (fraction) return rational(BigInt(fraction[1]!), BigInt(fraction[2] ?? '1'));
  const decimal = DECIMAL.exec(text);
  if (decimal) {
    const digits = `${decimal[2] ?? ''}${decimal[3]!}`;
    const value = rational(BigInt(digits), 10n ** BigInt(decimal[3]!.length));
    return decimal[1] === '-' ? neg(value) : value;
  }
  throw new RangeError(`not a rational number: "${text}"`);
}

/** "1/2", or "2" when the denominator is 1. parseRational(formatRational(r)) equals r. */
export function formatRational(r: Rational): string {
  return r.den === 1n ? r.num.toString() : `${r.num}/${r.den}`;
}

export function add(a: Rational, b: Rational): Rational {
  return rational(a.num * b.den + b.num * a.den, a.den * b.den);
}

export function sub(a: Rational, b: Rational): Rational {
  return rational(a.num * b.den - b.num * a.den, a.den * b.den);
}

export function mul(a: Rational, b: Rational): Rational {
  return rational(a.num * b.num, a.den * b.den);
}

export function div(a: Rational, b: Rational): Rational {
  if (b.num === 0n) throw new RangeError('division by zero');
  return rational(a.num * b.den, a.den * b.num);
}

export function neg(a: Rational): Rational {
  return { num: -a.num, den: a.den };
}

/** -1, 0 or 1 as a < b, a = b, a > b. */
export function compare(a: Rational, b: Rational): -1 | 0 | 1 {
  const l = a.num * b.den;
  const r = b.num * a.den;
  return l < r ? -1 : l > r ? 1 : 0;
}

export function equals(a: Rational, b: Rational): boolean {
  return a.num === b.num && a.den === b.den;
}

export function isPositive(a: Rational): boolean {
  return a.num > 0n;
}

export function sum(values: Iterable<Rational>): Rational {
  let total = ZERO;
  for (const v of values) total = add(total, v);
  return total;
}

export function max(a: Rational, b: Rational): Rational {
  return compare(a, b) >= 0 ? a : b;
}

/** Largest integer <= r. */
export function floor(r: Rational): bigint {
  const q = r.num / r.den;
  return r.num < 0n && q * r.den !== r.num ? q - 1n : q;
}

/** Smallest integer >= r. */
export function ceil(r: Rational): bigint {
  return -floor(neg(r));
}

/** Float approximation, for display and public derived quantities only (never on the sampling path). */
export function toNumber(r: Rational): number {
  return Number(r.num) / Number(r.den);
}
