import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { BatchInput, LIMITS, type IngestResult } from '@ebb/contracts';
import { z } from 'zod';
import { EbbError } from '../../core/errors.ts';
import type { Services } from '../../app/services.ts';
import { apiKeyOf } from '../access-hooks.ts';

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
  const preflightAllows = async (req: FastifyRequest, origin: string): Promise<boolean> => {
    const key = (req.query as { key?: unknown } | undefined)?.key;
    if (typeof key !== 'string') return true;
    try {
      const record = await s.keys.authenticate(key);
      return record.kind === 'browser' && (record.allowedOrigins.includes('*') || record.allowedOrigins.includes(origin));
    } catch {
      return false;
    }
  };
  return async function registerIngestRoutes(app: FastifyInstance): Promise<void> {
    app.post('/api/v1/events', {
      config: { permission: { check: 'canIngestFromServer' }, rateLimit: 'ingest' },
      schema: {
        summary: 'Send a batch of events from a server',
        description: 'Up to 1,000 events or 1 MiB per request, with a server key. Each event is validated on its own: invalid events are listed in `rejected` while the valid ones are stored. A 200 means the stored events are committed.',
        tags: ['ingest'],
        body: batchDoc,
        security: [{ apiKey: [] }],
      },
    }, async (req, res) => {
      const events = parseBatch(req.body);
      const result = await s.ingest.ingest({ key: apiKeyOf(req), source: 'server', events, ip: null, userAgent: null, privacySignal: false });
      return reply(res, result);
    });

    app.options('/api/v1/collect', { config: { permission: { check: 'public', why: 'CORS preflight for browser ingest; carries no data' } } }, async (req, res) => {
      const origin = req.headers.origin;
      // With the key in the URL the allow-list is known already; with it in a header (not sent on a
      // preflight) the POST itself checks the origin and answers without CORS headers when refused.
      if (origin && (await preflightAllows(req, origin))) res.header('Access-Control-Allow-Origin', origin).header('Vary', 'Origin');
      return res
        .header('Access-Control-Allow-Methods', 'POST')
        .header('Access-Control-Allow-Headers', 'Content-Type, Authorization')
        .header('Access-Control-Max-Age', '86400')
        .status(204)
        .send();
    });

    app.post('/api/v1/collect', {
      config: { permission: { check: 'canIngestFromBrowser' }, rateLimit: 'ingest', textPlainJson: true },
      schema: {
        summary: 'Send events from a browser',
        description: 'For browsers: a browser key in `?key=` or `Authorization`, the page\'s Origin on the key\'s allow-list. Accepts `text/plain` JSON so `navigator.sendBeacon` works. Global Privacy Control and Do-Not-Track are honoured per tenant setting.',
        tags: ['ingest'],
        querystring: { type: 'object', properties: { key: { type: 'string' } } },
        body: batchDoc,
      },
      preHandler: async (req, res) => {
        const origin = req.headers.origin;
        const allowed = apiKeyOf(req).allowedOrigins;
        if (!allowed.includes('*') && (!origin || !allowed.includes(origin))) {
          throw new EbbError('EBB_ORIGIN_NOT_ALLOWED', `Origin ${origin ?? '(none)'} is not on this browser key's allow-list. Add it with "ebb keys create --kind browser --origin <origin>".`);
        }
        if (origin) res.header('Access-Control-Allow-Origin', origin).header('Vary', 'Origin');
      },
    }, async (req, res) => {
      const events = parseBatch(req.body);
      const result = await s.ingest.ingest({
        key: apiKeyOf(req), source: 'browser', events, ip: req.ip, userAgent: req.headers['user-agent'] ?? null, privacySignal: privacySignal(req),
      });
      return reply(res, result);
    });
  };
}
