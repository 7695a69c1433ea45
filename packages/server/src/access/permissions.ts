import { canIngestFromBrowser, canIngestFromServer } from './can-ingest.ts';
import { canManageKeys } from './can-manage-keys.ts';
import { canManageViewerKeys } from './can-manage-viewer-keys.ts';
import { canManageMembers, canReadMembers } from './can-manage-members.ts';
import { canManageRetention, canReadRetention } from './can-manage-retention.ts';
import { canManageSubjects } from './can-manage-subjects.ts';
import { canManageTenantSettings, canReadTenantSettings } from './can-manage-tenant-settings.ts';
import { canOperateEtl } from './can-operate-etl.ts';
import { canReadAggregates } from './can-read-aggregates.ts';
import { canReadAudit } from './can-read-audit.ts';
import { canReadLearners } from './can-read-learners.ts';
import { canReadSubject } from './can-read-subject.ts';
import { canRequestErasure } from './can-request-erasure.ts';
import { canRequestExport } from './can-request-export.ts';
import { canTrackRightsRequests } from './can-track-rights-requests.ts';
import { canReadSelf, canUseOwnAccount } from './can-use-session.ts';
import type { Decision } from './decision.ts';
import type { Principal } from './principal.ts';
import type { SubjectRef } from './subject-ref.ts';

export interface PermissionSpec {
  summary: string;
  /** `required`: the request acts within one tenant (from the key or token, or X-Ebb-Tenant for accounts). */
  tenant: 'required' | 'none';
  /** Whether the check looks at a person the request names (routes then say where the app's user id is). */
  subject: 'none' | 'required' | 'optional';
  check(p: Principal, tenantId: string | null, subject: SubjectRef | null): Decision;
}

/**
 * Every named check a route may declare. Routes name one of these in `config.permission`;
 * nothing else decides access. Missing here means the server does not start.
 */
export const PERMISSIONS = {
  canIngestFromServer: { summary: 'send events with a server key', tenant: 'required', subject: 'none', check: canIngestFromServer },
  canIngestFromBrowser: { summary: 'send events with a browser key', tenant: 'required', subject: 'none', check: canIngestFromBrowser },
  canReadAggregates: { summary: 'read tenant-wide aggregates', tenant: 'required', subject: 'none', check: canReadAggregates },
  canReadLearners: { summary: 'list individual learners tenant-wide (the at-risk list)', tenant: 'required', subject: 'none', check: canReadLearners },
  canReadSubject: { summary: 'read one person\'s rows', tenant: 'required', subject: 'required', check: canReadSubject },
  canManageSubjects: { summary: 'link guardians, record consent and age bands', tenant: 'required', subject: 'none', check: canManageSubjects },
  canManageKeys: { summary: 'create, list and revoke API keys', tenant: 'required', subject: 'none', check: canManageKeys },
  canManageViewerKeys: { summary: 'register, list and revoke the keys viewer tokens are signed with', tenant: 'required', subject: 'none', check: canManageViewerKeys },
  canReadMembers: { summary: 'list the tenant\'s dashboard members', tenant: 'required', subject: 'none', check: canReadMembers },
  canManageMembers: { summary: 'add members, change roles, remove members', tenant: 'required', subject: 'none', check: canManageMembers },
  canReadRetention: { summary: 'read retention policies and holds', tenant: 'required', subject: 'none', check: canReadRetention },
  canManageRetention: { summary: 'change retention policies and legal holds', tenant: 'required', subject: 'none', check: canManageRetention },
  canRequestErasure: { summary: 'request erasure of a person or the tenant', tenant: 'required', subject: 'optional', check: canRequestErasure },
  canRequestExport: { summary: 'request an export of a person or the tenant', tenant: 'required', subject: 'optional', check: canRequestExport },
  canTrackRightsRequests: { summary: 'list, look at and cancel export and erasure jobs (each job only by who may request it)', tenant: 'required', subject: 'none', check: (p, t) => canTrackRightsRequests(p, t) },
  canReadAudit: { summary: 'read the tenant\'s audit log', tenant: 'required', subject: 'none', check: canReadAudit },
  canOperateEtl: { summary: 'run the ETL by hand (aggregates and differentially private releases, spending privacy budget)', tenant: 'required', subject: 'none', check: canOperateEtl },
  canReadTenantSettings: { summary: 'read the tenant\'s privacy settings', tenant: 'required', subject: 'none', check: canReadTenantSettings },
  canManageTenantSettings: { summary: 'change the tenant\'s privacy settings', tenant: 'required', subject: 'none', check: canManageTenantSettings },
  canReadSelf: { summary: 'see who the credential belongs to', tenant: 'none', subject: 'none', check: (p) => canReadSelf(p) },
  canUseOwnAccount: { summary: 'sign out or change one\'s own password', tenant: 'none', subject: 'none', check: (p) => canUseOwnAccount(p) },
} as const satisfies Record<string, PermissionSpec>;

export type PermissionName = keyof typeof PERMISSIONS;

export const PERMISSION_NAMES = Object.keys(PERMISSIONS) as PermissionName[];

export function isPermissionName(name: string): name is PermissionName {
  return Object.hasOwn(PERMISSIONS, name);
}
