import { uuidv7 } from '../core/ids.ts';
import type { ConsentState, ControlStore, SubjectRecord } from '../store/ports.ts';

export interface DirectoryEntry {
  subject: SubjectRecord;
  /** False until the writer has committed the subject row. */
  persisted: boolean;
}

/**
 * Subjects by pseudonym, cached in memory for the ingest path. Lookups are prefetched once per
 * batch so the pipeline's steps stay synchronous. This process is the only writer of the store,
 * so the cache is authoritative once loaded; changes to consent update it through `update`.
 */
export interface SubjectDirectory {
  prefetch(tenantId: string, pseudonyms: Iterable<string>): Promise<void>;
  /** The subject for a pseudonym; a new one (not yet persisted) when none exists. */
  resolve(tenantId: string, pseudonym: string): DirectoryEntry;
  markPersisted(entries: DirectoryEntry[]): void;
  update(tenantId: string, pseudonym: string, change: Partial<Pick<SubjectRecord, 'consentState' | 'kind'>>): void;
  forget(tenantId: string, pseudonym: string): void;
}

export function createSubjectDirectory(store: ControlStore, options: { maxEntries?: number } = {}): SubjectDirectory {
  const maxEntries = options.maxEntries ?? 500_000;
  const entries = new Map<string, DirectoryEntry>();
  const k = (tenantId: string, pseudonym: string) => `${tenantId}\0${pseudonym}`;
  const evictIfFull = () => {
    if (entries.size < maxEntries) return;
    // Drop the oldest persisted half; unpersisted entries must stay until written.
    let toDrop = entries.size / 2;
    for (const [key, e] of entries) {
      if (toDrop <= 0) break;
      if (e.persisted) {
        entries.delete(key);
        toDrop--;
      }
    }
  };
  return {
    async prefetch(tenantId, pseudonyms) {
      const missing = [...new Set(pseudonyms)].filter((p) => !entries.has(k(tenantId, p)));
      if (missing.length === 0) return;
      evictIfFull();
      for (const s of await store.findSubjects(tenantId, missing)) entries.set(k(tenantId, s.pseudonym), { subject: s, persisted: true });
    },
    resolve(tenantId, pseudonym) {
      const key = k(tenantId, pseudonym);
      let e = entries.get(key);
      if (!e) {
        const consentState: ConsentState = 'unknown';
        e = { subject: { id: `s_${uuidv7().replaceAll('-', '')}`, tenantId, pseudonym, kind: 'learner', consentState }, persisted: false };
        entries.set(key, e);
      }
      return e;
    },
    markPersisted(list) {
      for (const e of list) e.persisted = true;
    },
    update(tenantId, pseudonym, change) {
      const e = entries.get(k(tenantId, pseudonym));
      if (e) Object.assign(e.subject, change);
    },
    forget(tenantId, pseudonym) {
      entries.delete(k(tenantId, pseudonym));
    },
  };
}
