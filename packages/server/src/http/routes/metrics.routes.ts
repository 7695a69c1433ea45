import type { FastifyInstance } from 'fastify';
import type { Services } from '../../app/services.ts';

export function metricsRoutes(s: Services) {
  return async function registerMetricsRoutes(app: FastifyInstance): Promise<void> {
    app.get('/metrics', {
      config: { permission: { check: 'public', why: 'Prometheus scrape; counters without personal data. Bind to a private address or put behind the proxy\'s auth in production.' } },
      schema: { summary: 'Prometheus metrics', tags: ['operations'], hide: false },
    }, async (_req, res) => res.header('Content-Type', s.metrics.registry.contentType).send(await s.metrics.registry.metrics()));
  };
}
