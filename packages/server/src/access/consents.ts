import type { Clock } from '../core/clock.ts';
import { uuidv7 } from '../core/ids.ts';
import type { AuditLog } from '../audit/audit-log.ts';
import type { AccessStore, AgeBand, ConsentRecord, ConsentState } from '../store/ports.ts';
import type { TenantService } from './tenants.ts';
import { effectiveConsent, needsParentalConsent } from './effective-consent.ts';
import type { SubjectRows } from './subject-rows.ts';

/** How a guardian's consent was verified (the methods COPPA recognises, and the school exception). */
export const PARENTAL_CONSENT_METHODS = [
  'signed_form', 'credit_card', 'phone_call', 'video_call', 'government_id', 'knowledge_based', 'email_plus', 'school_authorization', 'other',
] as const;
export type ParentalConsentMethod = (typeof PARENTAL_CONSENT_METHODS)[number];

export interface ConsentDecision {
  state: ConsentRecord['state'];
  /** When the decision was given (defaults to when it is recorded). */
  givenAt?: Date;
}

export interface ConsentStatus {
  subjectId: string;
  ageBand: AgeBand | null;
  /** What ingest does with this person's events. */
  consentState: ConsentState;
  parentalConsentRequired: boolean;
  history: Array<{ kind: ConsentRecord['kind']; state: ConsentRecord['state']; method: string | null; givenAt: string | null; recordedAt: string }>;
}

export interface ConsentService {
  record(input: {
    tenantId: string; userId: string; ageBand?: AgeBand;
    parental?: ConsentDecision & { method: ParentalConsentMethod };
    own?: ConsentDecision;
    actor: string;
  }): Promise<ConsentStatus>;
  status(tenantId: string, subject: { id: string; ageBand: AgeBand | null; consentState: ConsentState }): Promise<ConsentStatus>;
  /** Recomputes the state of every person with an age band under the tenant's current settings; returns how many changed. */
  reapply(input: { tenantId: string; actor: string }): Promise<{ changed: number }>;
}

const latest = (history: ConsentRecord[], kind: ConsentRecord['kind']) => history.find((c) => c.kind === kind)?.state ?? null;

export function createConsentService(deps: { store: AccessStore; subjects: SubjectRows; tenants: TenantService; audit: AuditLog; clock: Clock }): ConsentService {
  const { store, subjects, tenants, audit, clock } = deps;

  const status = async (tenantId: string, s: { id: string; ageBand: AgeBand | null; consentState: ConsentState }): Promise<ConsentStatus> => {
    const tenant = await tenants.get(tenantId);
    const history = await store.listConsents(tenantId, s.id);
    return {
      subjectId: s.id,
      ageBand: s.ageBand,
      consentState: s.consentState,
      parentalConsentRequired: needsParentalConsent(s.ageBand, tenant.settings),
      history: history.map((c) => ({ kind: c.kind, state: c.state, method: c.method, givenAt: c.givenAt?.toISOString() ?? null, recordedAt: c.recordedAt.toISOString() })),
    };
  };

  return {
    async record({ tenantId, userId, ageBand, parental, own, actor }) {
      const tenant = await tenants.get(tenantId);
      const subject = await subjects.ensure(tenantId, userId, 'learner');
      const now = clock.now();
      const add = async (kind: ConsentRecord['kind'], d: ConsentDecision, method: string | null) =>
        store.insertConsent({
          id: `c_${uuidv7(now.getTime()).replaceAll('-', '')}`, tenantId, subjectId: subject.id, kind, state: d.state, method,
          givenAt: d.givenAt ?? now, recordedAt: now, recordedBy: actor,
        });
      if (parental) await add('parental', parental, parental.method);
      if (own) await add('own', own, null);

      const details = await store.getSubject(tenantId, subject.pseudonym);
      const band = ageBand ?? details?.ageBand ?? null;
      const history = await store.listConsents(tenantId, subject.id);
      // The decision recorded now is the newest, even when an earlier one carries the same
      // timestamp (history order within one millisecond is not defined).
      const consentState = effectiveConsent({
        ageBand: band, parental: parental?.state ?? latest(history, 'parental'), own: own?.state ?? latest(history, 'own'),
      }, tenant.settings);
      await subjects.update(subject, { consentState, ...(ageBand ? { ageBand } : {}) });
      await audit.record({
        tenantId, actor, action: 'consent.recorded', target: subject.id,
        details: { ageBand: band, parental: parental ? { state: parental.state, method: parental.method } : null, own: own?.state ?? null, consentState },
      });
      return status(tenantId, { id: subject.id, ageBand: band, consentState });
    },
    status,

    async reapply({ tenantId, actor }) {
      const tenant = await tenants.get(tenantId);
      let changed = 0;
      for (const subject of await store.listAgeBandedSubjects(tenantId)) {
        const history = await store.listConsents(tenantId, subject.id);
        const consentState = effectiveConsent({ ageBand: subject.ageBand, parental: latest(history, 'parental'), own: latest(history, 'own') }, tenant.settings);
        if (consentState === subject.consentState) continue;
        await subjects.update(subject, { consentState });
        changed++;
      }
      if (changed > 0) await audit.record({ tenantId, actor, action: 'consent.reapplied', target: tenantId, details: { changed } });
      return { changed };
    },
  };
}
