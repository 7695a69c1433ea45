import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { add, ceil, compare, div, equals, floor, formatRational, mul, ONE, parseRational, rational, sub, sum } from './rational.ts';

describe('rational', () => {
  it('adds exactly: 1/3 + 1/3 + 1/3 is 1', () => {
    const third = parseRational('1/3');
    expect(equals(add(add(third, third), third), ONE)).toBe(true);
    expect(formatRational(sum([third, third, third]))).toBe('1');
  });

  it('keeps values normalised', () => {
    expect(rational(4n, -6n)).toEqual({ num: -2n, den: 3n });
    expect(rational(0n, 5n)).toEqual({ num: 0n, den: 1n });
    expect(formatRational(parseRational('10/4'))).toBe('5/2');
  });

  it('parses fractions, integers and exact decimals, and refuses the rest', () => {
    expect(parseRational('1/2')).toEqual({ num: 1n, den: 2n });
    expect(parseRational(' 2 ')).toEqual({ num: 2n, den: 1n });
    expect(parseRational('0.25')).toEqual({ num: 1n, den: 4n });
    expect(parseRational('-1.5')).toEqual({ num: -3n, den: 2n });
    for (const bad of ['', '1/0', 'abc', '1/2/3', '1e3', 'NaN']) expect(() => parseRational(bad)).toThrow(RangeError);
    expect(() => rational(1, 0)).toThrow(RangeError);
    expect(() => rational(0.5)).toThrow(RangeError);
  });

  it('compares without floats where floats would tie', () => {
    const big = 2n ** 80n;
    expect(compare(rational(big + 1n, big), rational(big + 2n, big))).toBe(-1);
    expect(Number(big + 1n) / Number(big)).toBe(Number(big + 2n) / Number(big)); // what floats would say
  });

  it('floor and ceil round the right way for negatives', () => {
    expect(floor(rational(-7n, 2n))).toBe(-4n);
    expect(ceil(rational(-7n, 2n))).toBe(-3n);
    expect(floor(rational(7n, 2n))).toBe(3n);
    expect(ceil(rational(6n, 2n))).toBe(3n);
  });

  it('satisfies field laws (property)', () => {
    const r = fc.tuple(fc.bigInt(-1000n, 1000n), fc.bigInt(1n, 1000n)).map(([n, d]) => rational(n, d));
    fc.assert(
      fc.property(r, r, r, (a, b, c) => {
        expect(equals(sub(add(a, b), b), a)).toBe(true);
        expect(equals(mul(a, add(b, c)), add(mul(a, b), mul(a, c)))).toBe(true);
        if (b.num !== 0n) expect(equals(mul(div(a, b), b), a)).toBe(true);
        expect(equals(parseRational(formatRational(a)), a)).toBe(true);
      }),
    );
  });
});
