import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { BatchInput, LIMITS, type IngestResult } from '@ebb/contracts';
import { z } from 'zod';
import { EbbError } from '../../core/errors.ts';
import type { Services } from '../../app/services.ts';
import { bearer, createKeyCheck } from '../authenticate.ts';

const batchDoc = z.toJSONSchema(z.strictObject({ events: z.array(z.record(z.string(), z.unknown())).min(1).max(LIMITS.batchMaxEvents) }), { target: 'draft-7' });

function parseBatch(body: unknown): unknown[] {
  if (Array.isArray((body as { events?: unknown })?.events) && ((body as { events: unknown[] }).events.length > LIMITS.batchMaxEvents)) {
    throw new EbbError('EBB_BATCH_TOO_LARGE');
  }
  const parsed = BatchInput.safeParse(body);
  if (!parsed.success) {
    throw new EbbError('EBB_VALIDATION_FAILED', `The body must be {"events": [...]} with 1-${LIMITS.batchMaxEvents} events: ${parsed.error.issues[0]?.message ?? ''}`, {
      details: parsed.error.issues.map((i) => ({ path: i.path.join('.'), message: i.message })),
    });
  }
  return parsed.data.events;
}

/** 200 when anything was accepted, dropped or deduplicated; 400 when every event was refused. */
function reply(res: FastifyReply, result: IngestResult): FastifyReply {
  if (result.accepted + result.duplicates + result.dropped === 0 && result.rejected.length > 0) {
    const codes = new Set(result.rejected.map((r) => r.code));
    const code = codes.size === 1 ? ([...codes][0] as 'EBB_EVENT_INVALID') : 'EBB_EVENT_INVALID';
    const first = result.rejected[0]!;
    throw new EbbError(code, `No event was stored. Event ${first.index}: ${first.message}`, { details: { rejected: result.rejected } });
  }
  return res.status(200).send(result);
}

const privacySignal = (req: FastifyRequest) => req.headers['sec-gpc'] === '1' || req.headers.dnt === '1';

export function ingestRoutes(s: Services) {
  return async function registerIngestRoutes(app: FastifyInstance): Promise<void> {
    app.post('/api/v1/events', {
      config: { access: { kind: 'api-key', keyKinds: ['server'] } },
      schema: {
        summary: 'Send a batch of events from a server',
        description: 'Up to 1,000 events or 1 MiB per request, with a server key. Each event is validated on its own: invalid events are listed in `rejected` while the valid ones are stored. A 200 means the stored events are committed.',
        tags: ['ingest'],
        body: batchDoc,
        security: [{ apiKey: [] }],
      },
      preHandler: createKeyCheck(s.keys, ['server']),
    }, async (req, res) => {
      const events = parseBatch(req.body);
      const result = await s.ingest.ingest({ key: req.apiKey!, source: 'server', events, ip: null, userAgent: null, privacySignal: false });
      return reply(res, result);
    });

    const collectKey = (req: FastifyRequest) => bearer(req) ?? (req.query as { key?: string }).key;
    const checkBrowserKey = createKeyCheck(s.keys, ['browser'], collectKey);

    app.options('/api/v1/collect', { config: { access: { kind: 'public', why: 'CORS preflight for browser ingest; carries no data' } } }, async (req, res) => {
      const origin = req.headers.origin;
      if (origin) res.header('Access-Control-Allow-Origin', origin).header('Vary', 'Origin');
      return res
        .header('Access-Control-Allow-Methods', 'POST')
        .header('Access-Control-Allow-Headers', 'Content-Type, Authorization')
        .header('Access-Control-Max-Age', '86400')
        .status(204)
        .send();
    });

    app.post('/api/v1/collect', {
      config: { access: { kind: 'api-key', keyKinds: ['browser'] } },
      schema: {
        summary: 'Send events from a browser',
        description: 'For browsers: a browser key in `?key=` or `Authorization`, the page\'s Origin on the key\'s allow-list. Accepts `text/plain` JSON so `navigator.sendBeacon` works. Global Privacy Control and Do-Not-Track are honoured per tenant setting.',
        tags: ['ingest'],
        querystring: { type: 'object', properties: { key: { type: 'string' } } },
        body: batchDoc,
      },
      preHandler: async (req, res) => {
        await checkBrowserKey(req, res);
        const origin = req.headers.origin;
        const allowed = req.apiKey!.allowedOrigins;
        if (!allowed.includes('*') && (!origin || !allowed.includes(origin))) {
          throw new EbbError('EBB_ORIGIN_NOT_ALLOWED', `Origin ${origin ?? '(none)'} is not on this browser key's allow-list. Add it with "ebb keys create --kind browser --origin <origin>".`);
        }
        if (origin) res.header('Access-Control-Allow-Origin', origin).header('Vary', 'Origin');
      },
    }, async (req, res) => {
      const events = parseBatch(req.body);
      const result = await s.ingest.ingest({
        key: req.apiKey!, source: 'browser', events, ip: req.ip, userAgent: req.headers['user-agent'] ?? null, privacySignal: privacySignal(req),
      });
      return reply(res, result);
    });
  };
}
