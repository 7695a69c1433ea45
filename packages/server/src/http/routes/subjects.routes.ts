import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { LIMITS } from '@ebb/contracts';
import type { Services } from '../../app/services.ts';
import { PARENTAL_CONSENT_METHODS } from '../../access/consents.ts';
import { actorOf } from '../../access/principal.ts';
import { EbbError } from '../../core/errors.ts';
import { AGE_BANDS, type AgeBand } from '../../store/ports.ts';
import { tenantOf } from '../access-hooks.ts';
import { validate } from '../validate.ts';

const day = z.union([z.iso.date(), z.iso.datetime({ offset: true })]).transform((v) => new Date(v));
const state = z.enum(['granted', 'refused', 'withdrawn']);
const Consent = z.strictObject({
  userId: z.string().min(1).max(LIMITS.userIdMaxLength),
  ageBand: z.enum(AGE_BANDS as [AgeBand, ...AgeBand[]]).optional(),
  parentalConsent: z.strictObject({ state, method: z.enum(PARENTAL_CONSENT_METHODS), givenAt: day.optional() }).optional(),
  consent: z.strictObject({ state, givenAt: day.optional() }).optional(),
}).refine((b) => b.ageBand !== undefined || b.parentalConsent !== undefined || b.consent !== undefined, 'send at least one of ageBand, parentalConsent, consent');

export function subjectRoutes(s: Services) {
  return async function registerSubjectRoutes(app: FastifyInstance): Promise<void> {
    app.put('/api/v1/subjects/consent', {
      config: { permission: { check: 'canManageSubjects' } },
      schema: {
        summary: 'Record a person\'s age band, a guardian\'s consent (date, method) or their own consent',
        description: 'Kept as history. Learners whose age band needs a guardian\'s consent (tenant setting parentalConsentUnder, default 13) and lack it are tracked anonymously only (or not at all, per tenant setting) from the next event on.',
        tags: ['subjects'], body: z.toJSONSchema(Consent, { target: 'draft-7', io: 'input' }), security: [{ apiKey: [] }, { session: [] }],
      },
    }, async (req) => {
      const b = validate(Consent, req.body);
      return s.consents.record({
        tenantId: tenantOf(req), userId: b.userId, ageBand: b.ageBand, parental: b.parentalConsent, own: b.consent, actor: actorOf(req.access!.principal),
      });
    });

    app.get('/api/v1/subjects/:userId', {
      config: { permission: { check: 'canReadSubject', subject: { in: 'params', field: 'userId' } } },
      schema: {
        summary: 'What Ebb holds about a person\'s status: kind, age band, consent state and history, guardian and ward counts',
        description: 'For the person themselves (viewer token, role learner), their guardian, owners and admins. Never analysts.',
        tags: ['subjects'], security: [{ apiKey: [] }, { session: [] }],
      },
    }, async (req) => {
      const tenantId = tenantOf(req);
      const ref = req.access!.subject!;
      const subject = ref.id === null ? null : await s.store.access.getSubject(tenantId, ref.pseudonym);
      if (!subject || subject.erasedAt) throw new EbbError('EBB_SUBJECT_NOT_FOUND');
      const consent = await s.consents.status(tenantId, subject);
      return {
        subjectId: subject.id,
        kind: subject.kind,
        since: subject.createdAt.toISOString(),
        consent,
        guardians: (await s.store.access.guardiansOf(tenantId, subject.id)).length,
        wards: (await s.store.access.wardsOf(tenantId, subject.id)).length,
      };
    });
  };
}
