import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { EbbError, isEbbError, type ErrorCode } from '../core/errors.ts';
import type { Logger } from '../core/logger.ts';

/** Fastify's own errors, in Ebb's codes. */
const FASTIFY_CODES: Record<string, { code: ErrorCode; message?: string }> = {
  FST_ERR_CTP_BODY_TOO_LARGE: { code: 'EBB_PAYLOAD_TOO_LARGE' },
  FST_ERR_CTP_INVALID_MEDIA_TYPE: { code: 'EBB_UNSUPPORTED_MEDIA_TYPE' },
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: { code: 'EBB_BAD_REQUEST', message: 'Content-Length does not match the body.' },
  FST_ERR_CTP_EMPTY_JSON_BODY: { code: 'EBB_INVALID_JSON', message: 'The body is empty. Send a JSON object.' },
  FST_ERR_CTP_INVALID_JSON_BODY: { code: 'EBB_INVALID_JSON' },
  FST_ERR_VALIDATION: { code: 'EBB_VALIDATION_FAILED' },
};

export function toEbbError(err: unknown): EbbError {
  if (isEbbError(err)) return err;
  const e = err as FastifyError & { statusCode?: number };
  const mapped = e.code ? FASTIFY_CODES[e.code] : undefined;
  if (mapped) return new EbbError(mapped.code, mapped.message, { cause: err });
  if (e instanceof SyntaxError || /prototype|constructor/i.test(e.message ?? '') && e.statusCode === 400) {
    return new EbbError('EBB_INVALID_JSON', 'The body is not valid JSON, or it sets __proto__ or constructor.prototype, which is refused.', { cause: err });
  }
  if (e.statusCode === 404) return new EbbError('EBB_NOT_FOUND');
  if (e.statusCode && e.statusCode >= 400 && e.statusCode < 500) return new EbbError('EBB_BAD_REQUEST', e.message, { cause: err });
  return new EbbError('EBB_INTERNAL', undefined, { cause: err });
}

export function sendError(reply: FastifyReply, err: EbbError): FastifyReply {
  if (err.retryAfterSeconds !== undefined) reply.header('Retry-After', String(err.retryAfterSeconds));
  return reply.status(err.status).send(err.toBody());
}

export function createErrorHandler(logger: Logger) {
  return function handleError(err: unknown, req: FastifyRequest, reply: FastifyReply) {
    const e = toEbbError(err);
    if (e.status >= 500 && e.code !== 'EBB_OVERLOADED' && e.code !== 'EBB_SHUTTING_DOWN') {
      logger.error({ err: e.cause ?? e, reqId: req.id, route: req.routeOptions.url }, 'request failed');
    }
    return sendError(reply, e);
  };
}
