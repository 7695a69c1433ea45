import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import type { Services } from '../../app/services.ts';
import { actorOf } from '../../access/principal.ts';
import { tenantOf } from '../access-hooks.ts';
import { validate } from '../validate.ts';

const ChangeSettings = z.strictObject({
  privacySignals: z.enum(['anonymous', 'drop']).optional(),
  parentalConsentUnder: z.union([z.literal(13), z.literal(16), z.literal(18)]).optional(),
  withoutParentalConsent: z.enum(['anonymous_only', 'refuse']).optional(),
  minGroupSize: z.number().int().min(2).max(1000).optional(),
}).refine((b) => Object.values(b).some((v) => v !== undefined), 'send at least one of privacySignals, parentalConsentUnder, withoutParentalConsent, minGroupSize');

/** Settings that decide what ingest does with a child's events: a change re-decides every recorded child. */
const CONSENT_SETTINGS = new Set(['parentalConsentUnder', 'withoutParentalConsent']);

const security: Array<Record<string, string[]>> = [{ session: [] }, { apiKey: [] }];

export function tenantSettingsRoutes(s: Services) {
  return async function registerTenantSettingsRoutes(app: FastifyInstance): Promise<void> {
    app.get('/api/v1/tenant/settings', {
      config: { permission: { check: 'canReadTenantSettings' } },
      schema: { summary: 'The tenant\'s privacy settings: privacy signals, the age below which a guardian must consent, and what happens without that consent', tags: ['privacy'], security },
    }, async (req) => {
      const t = await s.tenants.get(tenantOf(req));
      return { tenantId: t.id, settings: t.settings };
    });

    app.put('/api/v1/tenant/settings', {
      config: { permission: { check: 'canManageTenantSettings' } },
      schema: {
        summary: 'Change the tenant\'s privacy settings (owners only; audited)',
        description: 'privacySignals: what to do with browser events carrying Global Privacy Control or Do-Not-Track (anonymous | drop). parentalConsentUnder: 13 (COPPA), 16 or 18 (GDPR art. 8). withoutParentalConsent: anonymous_only (counted without any link to the learner) or refuse (not stored). A change of these two re-decides every learner with a recorded age band; their next events obey it. minGroupSize: k of the anonymized analytics level, 2-1000 (default 5): groups of fewer people are withheld from analytics answers.',
        tags: ['privacy'], body: z.toJSONSchema(ChangeSettings, { target: 'draft-7', io: 'input' }), security,
      },
    }, async (req) => {
      const body = validate(ChangeSettings, req.body);
      const tenantId = tenantOf(req);
      const actor = actorOf(req.access!.principal);
      const { tenant, changed } = await s.tenants.updateSettings({ tenantId, changes: body, actor });
      const reapplied = changed.some((k) => CONSENT_SETTINGS.has(k)) ? await s.consents.reapply({ tenantId, actor }) : { changed: 0 };
      return { tenantId, settings: tenant.settings, changed, consentStatesChanged: reapplied.changed };
    });
  };
}
