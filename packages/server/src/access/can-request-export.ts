import type { Decision } from './decision.ts';
import type { Principal } from './principal.ts';
import { canRequestRights } from './can-request-erasure.ts';
import type { SubjectRef } from './subject-ref.ts';

/** GDPR art. 15/20: who may ask for a copy is who may ask for erasure. */
export const canRequestExport = (p: Principal, tenantId: string | null, subject?: SubjectRef | null): Decision =>
  canRequestRights('an export', p, tenantId, subject);
