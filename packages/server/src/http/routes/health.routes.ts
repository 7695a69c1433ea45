import type { FastifyInstance } from 'fastify';
import type { Services } from '../../app/services.ts';
import { exposureHealth } from '../../lifecycle/pii-exposure.ts';

export function healthRoutes(s: Services) {
  return async function registerHealthRoutes(app: FastifyInstance): Promise<void> {
    app.get('/api/v1/health', {
      config: { permission: { check: 'public', why: 'liveness for load balancers; no tenant data' } },
      schema: { summary: 'Health of the server, the store and the ingest queue', tags: ['operations'] },
    }, async (_req, res) => {
      const checks: Record<string, { status: 'ok' | 'warn' | 'fail'; detail?: unknown }> = {};
      try {
        await s.store.events.countEvents('__health__');
        checks.store = { status: 'ok' };
      } catch (err) {
        checks.store = { status: 'fail', detail: 'the store does not answer' };
        s.logger.error({ err }, 'health check: store failed');
      }
      const queued = s.writer.queued();
      checks.ingestQueue = { status: queued > s.config.queueMaxEvents * 0.8 ? 'warn' : 'ok', detail: { queued, max: s.config.queueMaxEvents } };
      try {
        // Warns when anonymisation or deletion is more than a day late: the retention job did not run.
        checks.retention = exposureHealth(await s.exposure.snapshot(60_000));
      } catch (err) {
        checks.retention = { status: 'warn', detail: 'retention exposure could not be measured' };
        s.logger.warn({ err }, 'health check: retention exposure failed');
      }
      const statuses = Object.values(checks).map((c) => c.status);
      const status = statuses.includes('fail') ? 'fail' : statuses.includes('warn') ? 'warn' : 'ok';
      return res.status(status === 'fail' ? 503 : 200).send({ status, checks, time: s.clock.now().toISOString() });
    });
  };
}
