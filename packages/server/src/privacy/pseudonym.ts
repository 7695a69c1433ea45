import { createHmac } from 'node:crypto';

/**
 * Keyed pseudonyms. Each tenant gets its own key derived from the master key, so the same
 * app user id in two tenants yields unrelated pseudonyms.
 */
export interface Pseudonymizer {
  /** The subject pseudonym of an app user id. */
  subject(tenantId: string, userId: string): string;
  /** A pseudonym for another identifier (client session id, anonymous id, ids in props), labelled by purpose. */
  other(tenantId: string, label: string, value: string): string;
}

export function createPseudonymizer(masterKey: Buffer, options: { cacheSize?: number } = {}): Pseudonymizer {
  // The same users send event after event: remember recent subject pseudonyms (bounded) so
  // each is computed once per burst rather than once per event.
  const cacheSize = options.cacheSize ?? 100_000;
  const cache = new Map<string, string>();
  const keys = new Map<string, Buffer>();
  const keyFor = (tenantId: string): Buffer => {
    let k = keys.get(tenantId);
    if (!k) {
      k = createHmac('sha256', masterKey).update(`tenant:${tenantId}`).digest();
      keys.set(tenantId, k);
    }
    return k;
  };
  const mac = (tenantId: string, label: string, value: string) =>
    createHmac('sha256', keyFor(tenantId)).update(label).update('\0').update(value).digest('base64url').slice(0, 32);
  return {
    subject(tenantId, userId) {
      const k = `${tenantId}\0${userId}`;
      let p = cache.get(k);
      if (p === undefined) {
        if (cache.size >= cacheSize) cache.clear();
        p = mac(tenantId, 'subject', userId);
        cache.set(k, p);
      }
      return p;
    },
    other: mac,
  };
}
