import type { FastifyInstance } from 'fastify';

const ALLOWED_HEADERS = 'Content-Type, Authorization, X-Ebb-Tenant, X-Ebb-CSRF';
const ALLOWED_METHODS = 'GET, POST, PUT, DELETE';

/**
 * Cross-origin calls are allowed from the configured dashboard origins only (with credentials,
 * so the session cookie travels). Browser ingest (/collect) has its own rule: the browser key's
 * allow-list, applied by the ingest routes. Every other origin gets no CORS headers, so browsers
 * keep its pages from reading Ebb's answers.
 */
export function installDashboardCors(app: FastifyInstance, origins: readonly string[]): void {
  const allowed = new Set(origins);
  const ownsCors = (url: string) => url.startsWith('/api/v1/') && !url.startsWith('/api/v1/collect');

  app.addHook('onSend', async (req, reply) => {
    const origin = req.headers.origin;
    if (!origin || !allowed.has(origin) || !ownsCors(req.url)) return;
    reply.header('Access-Control-Allow-Origin', origin);
    reply.header('Access-Control-Allow-Credentials', 'true');
    reply.header('Access-Control-Expose-Headers', 'Retry-After');
    reply.header('Vary', 'Origin');
  });

  app.options('/api/v1/*', {
    config: { permission: { check: 'public', why: 'CORS preflight for the dashboard origins; carries and returns no data' } },
    schema: { summary: 'CORS preflight', tags: ['operations'], hide: true },
  }, async (req, reply) => {
    const origin = req.headers.origin;
    if (origin && allowed.has(origin)) {
      reply
        .header('Access-Control-Allow-Methods', ALLOWED_METHODS)
        .header('Access-Control-Allow-Headers', ALLOWED_HEADERS)
        .header('Access-Control-Max-Age', '600');
    }
    return reply.status(204).send();
  });
}
