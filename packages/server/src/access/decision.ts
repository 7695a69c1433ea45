import type { ErrorCode } from '../core/errors.ts';

/** The answer of a check: allowed, or refused with a reason a person can act on. */
export type Decision = { allowed: true } | { allowed: false; reason: string; code?: ErrorCode };

export const ALLOW: Decision = Object.freeze({ allowed: true });

/** A refusal; the code defaults to EBB_FORBIDDEN (or EBB_UNAUTHENTICATED for anonymous callers). */
export const deny = (reason: string, code?: ErrorCode): Decision => (code ? { allowed: false, reason, code } : { allowed: false, reason });
