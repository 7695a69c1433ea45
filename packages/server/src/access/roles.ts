import { KEY_SCOPES, type ApiKeyKind, type KeyScope, type Role } from '../store/ports.ts';
import type { Principal } from './principal.ts';
import type { SubjectRef } from './subject-ref.ts';

export { ROLES, type Role } from '../store/ports.ts';

/** Scopes a key of each kind may hold. Ingest keys hold none: they can only write events. */
export const ALLOWED_SCOPES: Readonly<Record<ApiKeyKind, readonly KeyScope[]>> = Object.freeze({
  server: [],
  browser: [],
  admin: KEY_SCOPES,
  read: ['aggregates:read', 'subjects:read', 'audit:read'],
});

/** Scopes a new key gets when none are asked for. Read keys see aggregates only unless widened. */
export const DEFAULT_SCOPES: Readonly<Record<ApiKeyKind, readonly KeyScope[]>> = Object.freeze({
  server: [],
  browser: [],
  admin: KEY_SCOPES,
  read: ['aggregates:read'],
});

/**
 * The role an account holds in a tenant, or null: not an account, not a member, or an account
 * that must first replace its generated password.
 */
export function roleIn(p: Principal, tenantId: string | null): Role | null {
  if (p.kind !== 'account' || tenantId === null || p.mustChangePassword) return null;
  return p.memberships.get(tenantId) ?? null;
}

/** True for an admin or read key of this tenant that holds the scope. */
export function keyHasScope(p: Principal, tenantId: string | null, scope: KeyScope): boolean {
  return p.kind === 'api-key' && tenantId !== null && p.tenantId === tenantId && p.scopes.has(scope);
}

/** A viewer of this tenant acting about themselves. */
export function isSelf(p: Principal, tenantId: string | null, subject: SubjectRef | null | undefined): boolean {
  return p.kind === 'viewer' && tenantId !== null && p.tenantId === tenantId && subject != null && subject.pseudonym === p.pseudonym;
}

/** A guardian of this tenant acting about one of their linked children. */
export function isGuardianOf(p: Principal, tenantId: string | null, subject: SubjectRef | null | undefined): boolean {
  return p.kind === 'viewer' && p.role === 'guardian' && tenantId !== null && p.tenantId === tenantId
    && subject != null && subject.id !== null && p.wards.has(subject.id);
}

/** Why a principal is refused, in words that do not reveal more than the principal knows. */
export function refusal(p: Principal, what: string): string {
  if (p.kind === 'anonymous') return `Sign in or send a credential to ${what}.`;
  if (p.kind === 'account' && p.mustChangePassword) return 'Change the generated password first (POST /api/v1/auth/password).';
  return `This credential may not ${what}.`;
}
