import { describe, expect, it } from 'vitest';
import { compare, rational, toNumber } from './rational.ts';
import { epsilonForZcdp, rhoForPureEpsilon } from './zcdp.ts';

const delta = rational(1n, 1_000_000n);

describe('zCDP accounting', () => {
  it('a pure epsilon-DP release is epsilon^2 / 2 - zCDP', () => {
    expect(rhoForPureEpsilon(rational(1n))).toEqual(rational(1n, 2n));
    expect(rhoForPureEpsilon(rational(1n, 2n))).toEqual(rational(1n, 8n));
  });

  it('rho = 0.0244 is about (1, 1e-6)-DP, and tighter than rho + 2 sqrt(rho ln(1/delta))', () => {
    const eps = toNumber(epsilonForZcdp(rational(244n, 10_000n), delta));
    expect(eps).toBeGreaterThan(0.98);
    expect(eps).toBeLessThan(1.02);
    const loose = 0.0244 + 2 * Math.sqrt(0.0244 * Math.log(1e6));
    expect(eps).toBeLessThan(loose);
  });

  it('grows with rho and is rounded up to a multiple of 1e-6', () => {
    const a = epsilonForZcdp(rational(1n, 100n), delta);
    const b = epsilonForZcdp(rational(2n, 100n), delta);
    expect(compare(a, b)).toBe(-1);
    expect(1_000_000n % a.den).toBe(0n);
  });

  it('refuses rho <= 0 and delta outside (0, 1)', () => {
    expect(() => epsilonForZcdp(rational(0n), delta)).toThrow(RangeError);
    expect(() => epsilonForZcdp(rational(1n), rational(0n))).toThrow(RangeError);
    expect(() => epsilonForZcdp(rational(1n), rational(1n))).toThrow(RangeError);
  });
});
