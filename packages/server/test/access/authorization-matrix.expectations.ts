/**
 * What the authorisation matrix expects: for every route, the named check it declares; for every
 * check, which kinds of caller it lets through. Everyone not listed is refused.
 *
 * Adding a route: add one line to ROUTES naming its check, e.g.
 *   'GET /api/v1/analytics/pages': 'canReadAggregates',
 * Adding a check to access/permissions.ts: add its row to ALLOWED_BY_CHECK, written from what the
 * check is meant to allow (not copied from its code), so the matrix can catch a mistake in it.
 */
import type { ErrorCode } from '../../src/core/errors.ts';

/** Every kind of caller the matrix tries each route with (all against the tenant "A" unless said). */
export const PRINCIPALS = [
  'anonymous',
  /** Keys of tenant A. */
  'serverKey', 'browserKey',
  /** Admin key with every scope. */
  'adminKey',
  /** Read key with its default scope (aggregates:read). */
  'readKey',
  /** Read key with every scope a read key may hold (aggregates:read, subjects:read, audit:read). */
  'readKeyWide',
  /** Dashboard accounts, members of tenant A. */
  'owner', 'admin', 'analyst',
  /** An owner whose password was generated and not yet changed. */
  'ownerWithGeneratedPassword',
  /** Viewer tokens of tenant A: the learner routes ask about, another learner, that learner's guardian, another learner's guardian. */
  'learnerSelf', 'learnerOther', 'guardianOf', 'guardianNotOf',
  /** Tenant B's owner, admin key and learner (same app user id as learnerSelf), each naming tenant A in X-Ebb-Tenant. */
  'otherTenantOwner', 'otherTenantKey', 'otherTenantLearner',
  /** Credentials that no longer count: a revoked admin key, an expired learner token, a signed-out owner's session. */
  'revokedKey', 'expiredToken', 'signedOutOwner',
] as const;

export type PrincipalName = (typeof PRINCIPALS)[number];

const everyone: readonly PrincipalName[] = PRINCIPALS;
/** Refused by every guarded route, whatever its check. */
const refusedEverywhere: readonly PrincipalName[] = ['anonymous', 'otherTenantKey', 'otherTenantLearner', 'revokedKey', 'expiredToken', 'signedOutOwner'];
const staff = ['owner', 'admin', 'analyst'] as const;

/**
 * Who each check lets through. Checks that may be about one person (subject 'required' or
 * 'optional') are asked about `learnerSelf`; `<check>:tenant` is the same check with no person
 * named (the whole tenant), tried for checks whose subject is optional.
 */
export const ALLOWED_BY_CHECK: Record<string, readonly PrincipalName[]> = {
  /** Public routes: every caller gets the answer an anonymous caller gets (checked separately). */
  public: everyone,
  canIngestFromServer: ['serverKey'],
  canIngestFromBrowser: ['browserKey'],
  canReadAggregates: ['adminKey', 'readKey', 'readKeyWide', ...staff],
  canReadLearners: ['adminKey', 'readKeyWide', 'owner', 'admin'],
  canReadSubject: ['adminKey', 'readKeyWide', 'owner', 'admin', 'learnerSelf', 'guardianOf'],
  canManageSubjects: ['adminKey', 'owner', 'admin'],
  canManageKeys: ['adminKey', 'owner', 'admin'],
  canManageViewerKeys: ['adminKey', 'owner', 'admin'],
  canReadMembers: ['owner', 'admin'],
  canManageMembers: ['owner'],
  canReadRetention: ['adminKey', ...staff],
  canManageRetention: ['adminKey', 'owner'],
  canRequestErasure: ['adminKey', 'owner', 'admin', 'learnerSelf', 'guardianOf'],
  'canRequestErasure:tenant': ['owner'],
  canRequestExport: ['adminKey', 'owner', 'admin', 'learnerSelf', 'guardianOf'],
  'canRequestExport:tenant': ['owner'],
  /** Reaching the job routes; which jobs each sees is then decided per job (test/rights/rights-access.test.ts). */
  canTrackRightsRequests: ['adminKey', 'owner', 'admin', 'learnerSelf', 'learnerOther', 'guardianOf', 'guardianNotOf'],
  canReadAudit: ['adminKey', 'readKeyWide', 'owner', 'admin'],
  canReadTenantSettings: ['adminKey', ...staff],
  canManageTenantSettings: ['owner'],
  canOperateEtl: ['owner', 'admin'],
  canReadSelf: everyone.filter((p) => !refusedEverywhere.includes(p)),
  canUseOwnAccount: ['owner', 'admin', 'analyst', 'ownerWithGeneratedPassword', 'otherTenantOwner'],
};

/** A route's line: its check's name, or the name with callers the route treats differently. */
export type RouteExpectation = string | { check: string; alsoAllow?: PrincipalName[]; alsoDeny?: PrincipalName[]; why: string };

/** Every route of the server, `METHOD url` as Fastify registers it. */
export const ROUTES: Record<string, RouteExpectation> = {
  // ingest
  'POST /api/v1/events': 'canIngestFromServer',
  'OPTIONS /api/v1/collect': 'public',
  'POST /api/v1/collect': 'canIngestFromBrowser',
  // operations
  'GET /api/v1/health': 'public',
  'GET /metrics': 'public',
  'OPTIONS /api/v1/*': 'public',
  // sign-in
  'POST /api/v1/auth/login': 'public',
  'POST /api/v1/auth/logout': 'canUseOwnAccount',
  'GET /api/v1/auth/me': 'canReadSelf',
  'POST /api/v1/auth/password': 'canUseOwnAccount',
  // keys
  'GET /api/v1/keys': 'canManageKeys',
  'POST /api/v1/keys': 'canManageKeys',
  'POST /api/v1/keys/:id/revoke': 'canManageKeys',
  'GET /api/v1/viewer-keys': 'canManageViewerKeys',
  'POST /api/v1/viewer-keys': 'canManageViewerKeys',
  'POST /api/v1/viewer-keys/:id/revoke': 'canManageViewerKeys',
  // members
  'GET /api/v1/members': 'canReadMembers',
  'POST /api/v1/members': 'canManageMembers',
  'PUT /api/v1/members/:accountId': 'canManageMembers',
  'DELETE /api/v1/members/:accountId': 'canManageMembers',
  // subjects, guardianships, consent
  'POST /api/v1/guardianships': 'canManageSubjects',
  'DELETE /api/v1/guardianships': 'canManageSubjects',
  'PUT /api/v1/subjects/consent': 'canManageSubjects',
  'GET /api/v1/subjects/:userId': 'canReadSubject',
  'GET /api/v1/tenant/settings': 'canReadTenantSettings',
  'PUT /api/v1/tenant/settings': 'canManageTenantSettings',
  // retention and legal holds
  'GET /api/v1/privacy/retention': 'canReadRetention',
  'PUT /api/v1/privacy/retention': 'canManageRetention',
  'POST /api/v1/privacy/retention/preview': 'canManageRetention',
  'GET /api/v1/privacy/holds': 'canReadRetention',
  'POST /api/v1/privacy/holds': 'canManageRetention',
  'POST /api/v1/privacy/holds/:id/release': 'canManageRetention',
  // data-subject rights
  'POST /api/v1/privacy/export': 'canRequestExport',
  'POST /api/v1/privacy/delete': 'canRequestErasure',
  'GET /api/v1/privacy/jobs': 'canTrackRightsRequests',
  'GET /api/v1/privacy/jobs/:id': 'canTrackRightsRequests',
  'POST /api/v1/privacy/jobs/:id/cancel': 'canTrackRightsRequests',
  'GET /api/v1/privacy/downloads/:token': 'public',
  // audit
  'GET /api/v1/audit': 'canReadAudit',
  'GET /api/v1/audit/verify': 'canReadAudit',
  // analytics
  'GET /api/v1/analytics/overview': 'canReadAggregates',
  'GET /api/v1/analytics/event-counts': 'canReadAggregates',
  'GET /api/v1/analytics/pages': 'canReadAggregates',
  'GET /api/v1/analytics/quests': 'canReadAggregates',
  'GET /api/v1/analytics/errors': 'canReadAggregates',
  'GET /api/v1/analytics/sessions': 'canReadAggregates',
  'GET /api/v1/analytics/weekly-active': 'canReadAggregates',
  'GET /api/v1/analytics/mastery': 'canReadAggregates',
  'GET /api/v1/analytics/iep': 'canReadAggregates',
  'GET /api/v1/analytics/at-risk': 'canReadLearners',
  'GET /api/v1/analytics/learners/:userId/engagement': 'canReadSubject',
  'GET /api/v1/analytics/learners/:userId/journey': 'canReadSubject',
  'GET /api/v1/analytics/learners/:userId/risk': 'canReadSubject',
  // ETL, privacy levels and budget, seed-004 tenant and learner metrics
  'POST /api/v1/etl/trigger': 'canOperateEtl',
  'GET /api/v1/etl/jobs': 'canReadAggregates',
  'GET /api/v1/privacy/levels': 'canReadAggregates',
  'GET /api/v1/privacy/budget': 'canReadAggregates',
  'GET /api/v1/metrics/tenant/:tenantId': 'canReadAggregates',
  'GET /api/v1/metrics/learner/:userId': 'canReadSubject',
  // dashboard (static files)
  'GET /': 'public',
  'GET /*': 'public',
};

/**
 * Values for path parameters. A parameter the route reads its person from gets that person's
 * user id instead; one not listed gets PLACEHOLDER (handlers answer 400/404, which counts as let
 * through: the gate passed).
 */
export const PATH_PARAMS: Record<string, (ctx: { tenantId: string }) => string> = {
  tenantId: ({ tenantId }) => tenantId,
};
export const PLACEHOLDER = 'matrix-placeholder';

const TENANT_A_KEYS: ReadonlySet<PrincipalName> = new Set(['serverKey', 'browserKey', 'adminKey', 'readKey', 'readKeyWide']);

/** The error code a refused caller must get, unless the route's line says otherwise. */
export function expectedDenial(principal: PrincipalName, check: string): ErrorCode {
  if (principal === 'anonymous') return 'EBB_UNAUTHENTICATED';
  if (principal === 'otherTenantKey' || principal === 'otherTenantLearner') return 'EBB_TENANT_MISMATCH';
  if (principal === 'revokedKey') return 'EBB_KEY_REVOKED';
  if (principal === 'expiredToken') return 'EBB_TOKEN_EXPIRED';
  if (principal === 'signedOutOwner') return 'EBB_SESSION_EXPIRED';
  if (principal === 'ownerWithGeneratedPassword') return 'EBB_PASSWORD_CHANGE_REQUIRED';
  if (check.startsWith('canIngest') && TENANT_A_KEYS.has(principal)) return 'EBB_WRONG_KEY_KIND';
  return 'EBB_FORBIDDEN';
}
