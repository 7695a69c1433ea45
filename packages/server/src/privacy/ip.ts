/**
 * IP addresses at the door (P1): only a network prefix is ever kept. IPv4 keeps its /24, IPv6 its
 * /48 (the usual size of one site's allocation), so an address still says roughly "which network"
 * but no longer "which household".
 */

/**
 * The address as an unsigned 32-bit number, or -1. Octets with leading zeros are refused: some
 * parsers read them as octal, so "010.0.0.1" has no single meaning.
 */
export function parseIpv4(s: string): number {
  let value = 0;
  let parts = 0;
  let i = 0;
  while (parts < 4) {
    const start = i;
    let octet = 0;
    while (i < s.length && i - start < 3) {
      const c = s.charCodeAt(i);
      if (c < 48 || c > 57) break;
      octet = octet * 10 + (c - 48);
      i++;
    }
    const len = i - start;
    if (len === 0 || octet > 255 || (len > 1 && s.charCodeAt(start) === 48)) return -1;
    value = value * 256 + octet;
    parts++;
    if (parts < 4) {
      if (s.charCodeAt(i) !== 46) return -1;
      i++;
    }
  }
  return i === s.length ? value : -1;
}

const HEX_GROUP = /^[0-9A-Fa-f]{1,4}$/;

/** The eight 16-bit groups of an IPv6 address (zone id ignored, embedded IPv4 allowed), or null. */
export function parseIpv6(input: string): number[] | null {
  const zone = input.indexOf('%');
  const s = zone >= 0 ? input.slice(0, zone) : input;
  if (s.length < 2 || s.length > 45) return null;
  const gap = s.indexOf('::');
  if (gap !== s.lastIndexOf('::')) return null;
  const headText = gap < 0 ? s : s.slice(0, gap);
  const tailText = gap < 0 ? '' : s.slice(gap + 2);
  const head = headText === '' ? [] : headText.split(':');
  const tail = tailText === '' ? [] : tailText.split(':');
  // An embedded IPv4 can only be the last thing written.
  const last = gap >= 0 ? tail : head;
  const groups: number[] = [];
  const lastText = last[last.length - 1];
  let v4 = -1;
  if (lastText !== undefined && lastText.includes('.')) {
    v4 = parseIpv4(lastText);
    if (v4 < 0) return null;
    last.pop();
  }
  const readGroups = (parts: string[]): boolean => {
    for (const p of parts) {
      if (!HEX_GROUP.test(p)) return false;
      groups.push(parseInt(p, 16));
    }
    return true;
  };
  if (!readGroups(head)) return null;
  const headCount = groups.length;
  if (!readGroups(tail)) return null;
  if (v4 >= 0) groups.push(Math.floor(v4 / 65536), v4 % 65536);
  if (gap < 0) return groups.length === 8 ? groups : null;
  if (groups.length > 7) return null;
  const zeros = new Array<number>(8 - groups.length).fill(0);
  groups.splice(headCount, 0, ...zeros);
  return groups;
}

/** RFC 5952 text form: lower-case, no leading zeros, the longest run of 2+ zero groups as "::". */
export function formatIpv6(groups: readonly number[]): string {
  let bestStart = -1;
  let bestLen = 1;
  for (let i = 0; i < groups.length; ) {
    if (groups[i] !== 0) {
      i++;
      continue;
    }
    let j = i;
    while (j < groups.length && groups[j] === 0) j++;
    if (j - i > bestLen) {
      bestStart = i;
      bestLen = j - i;
    }
    i = j;
  }
  const hex = groups.map((g) => g.toString(16));
  if (bestStart < 0) return hex.join(':');
  return `${hex.slice(0, bestStart).join(':')}::${hex.slice(bestStart + bestLen).join(':')}`;
}

function ipv4Prefix24(v4: number): string {
  return `${Math.floor(v4 / 16777216)}.${Math.floor(v4 / 65536) % 256}.${Math.floor(v4 / 256) % 256}.0/24`;
}

/**
 * The network prefix to store instead of an address: IPv4 -> `a.b.c.0/24`; IPv6 -> its /48 in
 * canonical form (`2001:db8:1234::/48`); IPv4-mapped IPv6 -> the IPv4 /24. A 6to4 address
 * (2002::/16) carries the whole IPv4 of the site in bits 16-47, so it keeps only the /40 that
 * matches that IPv4's /24. Anything that is not an address gives null: never the input itself.
 */
export function truncateIp(ip: string): string | null {
  let s = ip.trim();
  if (s.startsWith('[') && s.endsWith(']')) s = s.slice(1, -1);
  if (!s.includes(':')) {
    const v4 = parseIpv4(s);
    return v4 < 0 ? null : ipv4Prefix24(v4);
  }
  const g = parseIpv6(s);
  if (g === null) return null;
  if (g[0] === 0 && g[1] === 0 && g[2] === 0 && g[3] === 0 && g[4] === 0 && g[5] === 0xffff) {
    return ipv4Prefix24(g[6]! * 65536 + g[7]!);
  }
  if (g[0] === 0x2002) return `${formatIpv6([0x2002, g[1]!, g[2]! & 0xff00, 0, 0, 0, 0, 0])}/40`;
  return `${formatIpv6([g[0]!, g[1]!, g[2]!, 0, 0, 0, 0, 0])}/48`;
}
