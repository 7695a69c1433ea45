import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { formatIpv6, parseIpv4, parseIpv6, truncateIp } from './ip.ts';

describe('truncateIp', () => {
  it.each([
    ['203.0.113.42', '203.0.113.0/24'],
    ['10.0.0.1', '10.0.0.0/24'],
    ['0.0.0.0', '0.0.0.0/24'],
    ['255.255.255.255', '255.255.255.0/24'],
    [' 198.51.100.7 ', '198.51.100.0/24'],
    ['2001:db8:1234:5678::1', '2001:db8:1234::/48'],
    ['2001:0DB8:0000:0042:0000:8A2E:0370:7334', '2001:db8::/48'],
    ['2a00:1450:4001:82a::200e', '2a00:1450:4001::/48'],
    ['2606:4700:4700::1111', '2606:4700:4700::/48'],
    ['2001:0:1234::', '2001:0:1234::/48'],
    ['::1', '::/48'],
    ['fe80::1ff:fe23:4567:890a%eth0', 'fe80::/48'],
    ['[2001:db8::1]', '2001:db8::/48'],
    ['::ffff:192.0.2.128', '192.0.2.0/24'],
    ['::FFFF:c000:0280', '192.0.2.0/24'],
    ['0:0:0:0:0:ffff:203.0.113.42', '203.0.113.0/24'],
    // 6to4 embeds the site's IPv4 (192.0.2.4) in bits 16-47: only its /24 stays.
    ['2002:c000:0204::1', '2002:c000:200::/40'],
  ])('%s -> %s', (ip, prefix) => {
    expect(truncateIp(ip)).toBe(prefix);
  });

  it.each([
    '', ' ', 'abc', '256.1.1.1', '1.2.3', '1.2.3.4.5', '01.2.3.4', '1.2.3.4:80', '1.2.3.4/24', '-1.2.3.4', '1..2.3',
    '2001:db8::1::2', ':::', '12345::', '1:2:3:4:5:6:7:8:9', '1:2:3:4:5:6:7', 'g::1', '::ffff:1.2.3.256', '1.2.3.4::',
    '2001:db8:1234:5678:9abc:def0:1234:5678:', ':2001:db8::1',
  ])('%j -> null', (ip) => {
    expect(truncateIp(ip)).toBeNull();
  });

  it('keeps only the /24 of any IPv4 address', () => {
    fc.assert(
      fc.property(fc.ipV4(), (ip) => {
        const out = truncateIp(ip)!;
        const [a, b, c] = ip.split('.');
        expect(out).toBe(`${a}.${b}.${c}.0/24`);
      }),
    );
  });

  it('keeps only the first 48 bits of any IPv6 address, in canonical form', () => {
    fc.assert(
      fc.property(fc.ipV6(), (ip) => {
        const out = truncateIp(ip)!;
        const groups = parseIpv6(ip)!;
        if (out.endsWith('/24')) {
          expect(groups.slice(0, 6)).toEqual([0, 0, 0, 0, 0, 0xffff]);
          return;
        }
        const bits = out.endsWith('/40') ? 40 : 48;
        expect(out.endsWith(`/${bits}`)).toBe(true);
        const kept = parseIpv6(out.slice(0, -3))!;
        expect(kept.slice(3)).toEqual([0, 0, 0, 0, 0]);
        if (bits === 48) expect(kept.slice(0, 3)).toEqual(groups.slice(0, 3));
        else expect(kept[2]).toBe(groups[2]! & 0xff00);
        // Canonical: formatting the kept prefix again gives the same text.
        expect(formatIpv6(kept)).toBe(out.slice(0, -3));
      }),
    );
  });

  it('never returns its input', () => {
    fc.assert(
      fc.property(fc.oneof(fc.ipV4(), fc.ipV6(), fc.string()), (ip) => {
        expect(truncateIp(ip)).not.toBe(ip);
      }),
    );
  });
});

describe('parsers', () => {
  it('parseIpv4 reads dotted quads only', () => {
    expect(parseIpv4('1.2.3.4')).toBe(0x01020304);
    expect(parseIpv4('255.255.255.255')).toBe(0xffffffff);
    expect(parseIpv4('1.2.3.04')).toBe(-1);
    expect(parseIpv4('1.2.3.4 ')).toBe(-1);
  });

  it('formatIpv6 follows RFC 5952', () => {
    expect(formatIpv6([0x2001, 0xdb8, 0, 0, 1, 0, 0, 1])).toBe('2001:db8::1:0:0:1');
    expect(formatIpv6([0x2001, 0xdb8, 0, 1, 1, 1, 1, 1])).toBe('2001:db8:0:1:1:1:1:1');
    expect(formatIpv6([0, 0, 0, 0, 0, 0, 0, 0])).toBe('::');
    expect(formatIpv6([1, 0, 0, 2, 0, 0, 0, 3])).toBe('1:0:0:2::3');
  });
});
