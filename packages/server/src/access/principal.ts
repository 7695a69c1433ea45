import type { ApiKeyRecord, KeyScope, Role } from '../store/ports.ts';

export type ViewerRole = 'learner' | 'guardian';

/** Nobody we know: no credential, or one that was not checked (public routes). */
export interface AnonymousPrincipal {
  kind: 'anonymous';
}

/** An app's server, a browser page, or an automation, holding an API key of one tenant. */
export interface ApiKeyPrincipal {
  kind: 'api-key';
  tenantId: string;
  key: ApiKeyRecord;
  scopes: ReadonlySet<KeyScope>;
}

/** A staff member signed in to the dashboard, with a role in each tenant they belong to. */
export interface AccountPrincipal {
  kind: 'account';
  accountId: string;
  /** Hash of the session token (never the token). */
  sessionId: string;
  memberships: ReadonlyMap<string, Role>;
  /** A generated password must be replaced before the account can do anything else. */
  mustChangePassword: boolean;
}

/** A learner or guardian acting for themselves with a short-lived token signed by their app. */
export interface ViewerPrincipal {
  kind: 'viewer';
  tenantId: string;
  role: ViewerRole;
  /** Keyed pseudonym of the app's user id (`sub`), exactly as ingest computes it. */
  pseudonym: string;
  /** The subject row, when Ebb has one for this person. */
  subjectId: string | null;
  /** Learners this person is the guardian of (subject ids); empty for learners. */
  wards: ReadonlySet<string>;
  expiresAt: Date;
}

export type Principal = AnonymousPrincipal | ApiKeyPrincipal | AccountPrincipal | ViewerPrincipal;

export const ANONYMOUS: AnonymousPrincipal = Object.freeze({ kind: 'anonymous' });

/** How the audit log names who acted: internal ids only. */
export function actorOf(p: Principal): string {
  switch (p.kind) {
    case 'anonymous': return 'anonymous';
    case 'api-key': return `key:${p.key.id}`;
    case 'account': return `account:${p.accountId}`;
    case 'viewer': return `viewer:${p.subjectId ?? 'unknown'}`;
  }
}

/** The one tenant a key or viewer token is bound to; accounts name theirs per request. */
export function boundTenant(p: Principal): string | null {
  return p.kind === 'api-key' || p.kind === 'viewer' ? p.tenantId : null;
}
