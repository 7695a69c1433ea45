import { truncateIp as truncate } from '../../privacy/ip.ts';
import type { Draft } from '../draft.ts';

/** Keeps the network (/24 or /48), never the address. */
export function truncateIp(d: Draft): Draft {
  if (d.transient.ip !== null) d.ipPrefix = truncate(d.transient.ip);
  return d;
}
