/**
 * The one registry of error codes. Codes are stable: clients and docs depend on them.
 * Every code here must be documented in docs/errors.md (a test checks it).
 */
export interface ErrorSpec {
  readonly status: number;
  /** What happened and what to do, for a person. Specific throws may give a sharper message. */
  readonly message: string;
}

export const ERRORS = {
  EBB_BAD_REQUEST: { status: 400, message: 'The request is malformed. Check the body against the API docs at /docs.' },
  EBB_INVALID_JSON: { status: 400, message: 'The body is not valid JSON. Send a JSON object.' },
  EBB_VALIDATION_FAILED: { status: 400, message: 'The request does not match the schema. See details for each problem.' },
  EBB_UNSUPPORTED_MEDIA_TYPE: { status: 415, message: 'Send the body as application/json (or text/plain JSON for /collect).' },
  EBB_PAYLOAD_TOO_LARGE: { status: 413, message: 'The body is too large. Send at most 1 MiB and 1,000 events per batch.' },
  EBB_BATCH_TOO_LARGE: { status: 413, message: 'A batch may hold at most 1,000 events. Split it into smaller batches.' },
  EBB_EVENT_INVALID: { status: 400, message: 'The event does not match the event schema.' },
  EBB_EVENT_IN_FUTURE: { status: 400, message: 'occurredAt lies more than 5 minutes in the future. Check the client clock.' },
  EBB_EVENT_TOO_OLD: { status: 400, message: 'occurredAt is older than the deletion age of its category, so it would be deleted at once.' },
  EBB_UNAUTHENTICATED: { status: 401, message: 'Send a credential: an API key or viewer token as "Authorization: Bearer ...", or the session cookie from signing in.' },
  EBB_KEY_REVOKED: { status: 401, message: 'This API key was revoked. Create a new key with "ebb keys create".' },
  EBB_WRONG_KEY_KIND: { status: 403, message: 'This kind of API key may not call this endpoint.' },
  EBB_ORIGIN_NOT_ALLOWED: { status: 403, message: 'This origin is not on the browser key\'s allow-list.' },
  EBB_FORBIDDEN: { status: 403, message: 'You are not allowed to do this.' },
  EBB_INVALID_CREDENTIALS: { status: 401, message: 'The e-mail or password is wrong.' },
  EBB_SESSION_EXPIRED: { status: 401, message: 'The dashboard session ended (signed out, expired or unused too long). Sign in again.' },
  EBB_TOKEN_INVALID: { status: 401, message: 'The viewer token is refused: it is malformed, unsigned, signed with an unregistered key or algorithm, or its claims are wrong.' },
  EBB_TOKEN_EXPIRED: { status: 401, message: 'The viewer token has expired. Ask the app for a new one.' },
  EBB_CSRF_FAILED: { status: 403, message: 'Requests that change something with the session cookie must send the X-Ebb-CSRF header given at sign-in.' },
  EBB_TENANT_MISMATCH: { status: 403, message: 'The credential belongs to another tenant than the one named in X-Ebb-Tenant.' },
  EBB_PASSWORD_CHANGE_REQUIRED: { status: 403, message: 'The account has a generated password. Change it (POST /api/v1/auth/password) before doing anything else.' },
  EBB_TENANT_REQUIRED: { status: 400, message: 'Name the tenant in the X-Ebb-Tenant header: this account belongs to several (or none).' },
  EBB_PASSWORD_TOO_WEAK: { status: 400, message: 'The password does not meet the policy: at least 12 characters.' },
  EBB_ACCOUNT_LOCKED: { status: 429, message: 'Too many wrong passwords for this account. Wait for the time in Retry-After, or ask an operator to reset the password.' },
  EBB_NOT_FOUND: { status: 404, message: 'Nothing exists at this address.' },
  EBB_TENANT_NOT_FOUND: { status: 404, message: 'No tenant has this id.' },
  EBB_KEY_NOT_FOUND: { status: 404, message: 'No API key has this id in this tenant.' },
  EBB_ACCOUNT_NOT_FOUND: { status: 404, message: 'No account (or member of this tenant) has this id or e-mail.' },
  EBB_SUBJECT_NOT_FOUND: { status: 404, message: 'Ebb holds nothing about this user id in this tenant.' },
  EBB_CONFLICT: { status: 409, message: 'The request conflicts with the current state.' },
  EBB_LAST_OWNER: { status: 409, message: 'The tenant must keep at least one owner. Make another member owner first.' },
  EBB_RATE_LIMITED: { status: 429, message: 'Too many requests. Wait for the time in Retry-After, then try again.' },
  EBB_OVERLOADED: { status: 503, message: 'Ebb is busy writing earlier events. Retry after the time in Retry-After.' },
  EBB_SHUTTING_DOWN: { status: 503, message: 'Ebb is shutting down. Retry after the time in Retry-After.' },
  EBB_STORE_LOCKED: { status: 503, message: 'Another process holds the data directory. Stop it, or run the command while "ebb serve" is running so it is sent to the server.' },
  EBB_CONFIG_INVALID: { status: 500, message: 'The configuration is invalid. Fix the named setting and start again.' },
  EBB_AUDIT_CHAIN_BROKEN: { status: 500, message: 'The audit log chain does not verify: an entry was edited, removed or reordered.' },
  EBB_RETENTION_UNKNOWN_CATEGORY: { status: 400, message: 'No such data category. Categories: events, sessions, learning_events, errors, aggregates, request_logs, export_files.' },
  EBB_RETENTION_OUT_OF_RANGE: { status: 400, message: 'Retention periods are whole numbers of days from 1 to 3650.' },
  EBB_RETENTION_ANONYMIZE_AFTER_DELETE: { status: 400, message: 'anonymizeAfterDays may not be later than deleteAfterDays: data is anonymised before it is deleted, never after.' },
  EBB_RETENTION_RUNNING: { status: 409, message: 'A retention run is in progress. Wait for it to finish, then try again.' },
  EBB_HOLD_NOT_FOUND: { status: 404, message: 'No legal hold has this id in this tenant.' },
  EBB_HOLD_RELEASED: { status: 409, message: 'This legal hold was released already.' },
  EBB_CONFIRMATION_MISMATCH: { status: 400, message: 'confirm must repeat the user id of the person to erase (or the tenant\'s name, to erase the whole tenant), exactly.' },
  EBB_RIGHTS_JOB_NOT_FOUND: { status: 404, message: 'No export or erasure job has this id in this tenant.' },
  EBB_RIGHTS_JOB_NOT_CANCELLABLE: { status: 409, message: 'Only a job that has not started (pending, or scheduled in its grace period) can be cancelled.' },
  EBB_DOWNLOAD_LINK_INVALID: { status: 403, message: 'This download link is not valid: it was changed, or it names no export. Ask for the job again to get a fresh link.' },
  EBB_DOWNLOAD_LINK_EXPIRED: { status: 410, message: 'This download link has expired. Ask for the job again (GET /api/v1/privacy/jobs/:id) while the file is kept, or request a new export.' },
  EBB_EXPORT_FILE_GONE: { status: 410, message: 'The export file was deleted (retention of export files, or an erasure). Request a new export.' },
  EBB_ERASURE_NOT_VERIFIED: { status: 500, message: 'The verification scan after an erasure found data of the erased person (or tenant). The job failed; its result names where.' },
  EBB_PRIVACY_LEVEL_UNKNOWN: { status: 400, message: 'privacy_level must be one of anonymized, dp_low, dp_medium, dp_high (default anonymized).' },
  EBB_PRIVACY_LEVEL_NOT_APPLICABLE: { status: 400, message: 'This endpoint is not served at the privacy level asked for; the message names the levels it serves.' },
  EBB_RELEASE_PENDING: { status: 404, message: 'No differentially private release exists yet for this metric, period and level. Releases are computed by the ETL job (ebb etl run), never on request.' },
  EBB_DATE_RANGE_INVALID: { status: 400, message: 'from and to must be calendar dates (YYYY-MM-DD), from not after to, at most 732 days apart.' },
  EBB_TIME_ZONE_UNKNOWN: { status: 400, message: 'tz must be an IANA time zone name, such as Europe/Berlin or America/New_York.' },
  EBB_INTERNAL: { status: 500, message: 'Something went wrong inside Ebb. The server log has the details under the request id.' },
} as const satisfies Record<string, ErrorSpec>;

export type ErrorCode = keyof typeof ERRORS;

export class EbbError extends Error {
  readonly code: ErrorCode;
  readonly status: number;
  readonly details: unknown;
  readonly retryAfterSeconds: number | undefined;

  constructor(code: ErrorCode, message?: string, options: { details?: unknown; retryAfterSeconds?: number; cause?: unknown } = {}) {
    super(message ?? ERRORS[code].message, { cause: options.cause });
    this.name = 'EbbError';
    this.code = code;
    this.status = ERRORS[code].status;
    this.details = options.details;
    this.retryAfterSeconds = options.retryAfterSeconds;
  }

  toBody(): { error: { code: string; message: string; details?: unknown } } {
    return { error: { code: this.code, message: this.message, ...(this.details === undefined ? {} : { details: this.details }) } };
  }
}

export function isEbbError(e: unknown): e is EbbError {
  return e instanceof EbbError;
}
