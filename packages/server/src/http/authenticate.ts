import type { FastifyReply, FastifyRequest } from 'fastify';
import { EbbError } from '../core/errors.ts';
import type { ApiKeyService } from '../access/api-keys.ts';
import type { ApiKeyKind, ApiKeyRecord } from '../store/ports.ts';

declare module 'fastify' {
  interface FastifyRequest {
    apiKey?: ApiKeyRecord;
  }
}

export function bearer(req: FastifyRequest): string | undefined {
  const h = req.headers.authorization;
  if (!h) return undefined;
  const m = /^Bearer\s+(\S+)$/i.exec(h);
  return m ? m[1] : undefined;
}

/** A preHandler that admits only keys of the given kinds. */
export function createKeyCheck(keys: ApiKeyService, kinds: ReadonlyArray<ApiKeyKind>, from: (req: FastifyRequest) => string | undefined = bearer) {
  return async function checkKey(req: FastifyRequest, _reply: FastifyReply): Promise<void> {
    const key = await keys.authenticate(from(req));
    if (!kinds.includes(key.kind)) {
      throw new EbbError('EBB_WRONG_KEY_KIND', `A ${key.kind} key may not call ${req.method} ${req.routeOptions.url}; use a ${kinds.join(' or ')} key.`);
    }
    req.apiKey = key;
  };
}
