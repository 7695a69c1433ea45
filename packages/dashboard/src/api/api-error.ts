/** An answer of the API that is not a success, with the API's own code and message. */
export class ApiError extends Error {
  readonly status: number;
  readonly code: string;
  readonly details: unknown;

  constructor(status: number, code: string, message: string, details?: unknown) {
    super(message);
    this.name = 'ApiError';
    this.status = status;
    this.code = code;
    this.details = details;
  }
}

/**
 * True when the server has no such endpoint (an older or partial server): the view says the
 * feature is not available here instead of showing an error.
 */
export function isUnavailable(e: unknown): boolean {
  return e instanceof ApiError && e.status === 404 && e.code === 'EBB_NOT_FOUND' && e.message.startsWith('Nothing exists at');
}

/** An error in words for a person: the API's message, or what went wrong on the way. */
export function errorText(e: unknown): string {
  if (e instanceof ApiError) return e.message;
  if (e instanceof Error) return e.message;
  return String(e);
}
