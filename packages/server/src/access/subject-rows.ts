import type { Clock } from '../core/clock.ts';
import type { SubjectDirectory } from '../ingest/subject-directory.ts';
import type { Pseudonymizer } from '../privacy/pseudonym.ts';
import type { AccessStore, AgeBand, ConsentState, SubjectDetails, SubjectRecord } from '../store/ports.ts';
import type { SubjectRef } from './subject-ref.ts';

/**
 * Subjects as access control sees them: found by the app's user id through the same keyed
 * pseudonym ingest uses, created when a guardianship or consent names someone who has sent
 * nothing yet, and changed in the store and in ingest's in-memory directory together.
 */
export interface SubjectRows {
  pseudonym(tenantId: string, userId: string): string;
  /** The subject (not erased), or null when Ebb has no row for this person. */
  find(tenantId: string, userId: string): Promise<SubjectDetails | null>;
  ref(tenantId: string, userId: string): Promise<SubjectRef>;
  /** The subject, created and written when missing; a new row gets `kind`. */
  ensure(tenantId: string, userId: string, kind: SubjectRecord['kind']): Promise<SubjectRecord>;
  update(subject: SubjectRecord, change: { kind?: SubjectRecord['kind']; ageBand?: AgeBand; consentState?: ConsentState }): Promise<void>;
}

export function createSubjectRows(deps: { store: AccessStore; directory: SubjectDirectory; pseudonyms: Pseudonymizer; clock: Clock }): SubjectRows {
  const { store, directory, pseudonyms, clock } = deps;
  const find = async (tenantId: string, userId: string) => {
    const s = await store.getSubject(tenantId, pseudonyms.subject(tenantId, userId));
    return s && s.erasedAt === null ? s : null;
  };
  return {
    pseudonym: (tenantId, userId) => pseudonyms.subject(tenantId, userId),
    find,
    async ref(tenantId, userId) {
      const pseudonym = pseudonyms.subject(tenantId, userId);
      const s = await store.getSubject(tenantId, pseudonym);
      return { pseudonym, id: s && s.erasedAt === null ? s.id : null };
    },
    async ensure(tenantId, userId, kind) {
      const pseudonym = pseudonyms.subject(tenantId, userId);
      // Go through the directory: if ingest is about to write this person, both use the same id,
      // and the later insert of the two does nothing.
      await directory.prefetch(tenantId, [pseudonym]);
      const entry = directory.resolve(tenantId, pseudonym);
      if (!entry.persisted) {
        entry.subject.kind = kind;
        await store.insertSubject(entry.subject, clock.now());
        directory.markPersisted([entry]);
        const stored = await store.getSubject(tenantId, pseudonym);
        if (stored && stored.id !== entry.subject.id) {
          // Someone else wrote the row first: follow the stored one.
          directory.forget(tenantId, pseudonym);
          return stored;
        }
      }
      return entry.subject;
    },
    async update(subject, change) {
      await store.updateSubject(subject.tenantId, subject.id, change);
      const forDirectory: Partial<Pick<SubjectRecord, 'consentState' | 'kind'>> = {};
      if (change.consentState !== undefined) forDirectory.consentState = change.consentState;
      if (change.kind !== undefined) forDirectory.kind = change.kind;
      // Ingest reads consent from the directory: change it there too, so the next event obeys.
      directory.update(subject.tenantId, subject.pseudonym, forDirectory);
    },
  };
}
