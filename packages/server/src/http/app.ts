import Fastify, { LogController, type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import { LIMITS } from '@ebb/contracts';
import type { Services } from '../app/services.ts';
import { EbbError } from '../core/errors.ts';
import { createErrorHandler, sendError } from './errors.ts';
import { installAccessHooks } from './access-hooks.ts';
import { installDashboardCors } from './cors.ts';
import { requirePermissionDeclarations, type RouteEntry } from './permission-declaration.ts';
import { installSecurityHeaders } from './security-headers.ts';
import { analyticsRoutes } from './routes/analytics.routes.ts';
import { auditRoutes } from './routes/audit.routes.ts';
import { authRoutes } from './routes/auth.routes.ts';
import { cspForPath, dashboardRoutes } from './routes/dashboard.routes.ts';
import { guardianshipRoutes } from './routes/guardianships.routes.ts';
import { healthRoutes } from './routes/health.routes.ts';
import { ingestRoutes } from './routes/ingest.routes.ts';
import { keyRoutes } from './routes/keys.routes.ts';
import { memberRoutes } from './routes/members.routes.ts';
import { metricsRoutes } from './routes/metrics.routes.ts';
import { retentionRoutes } from './routes/retention.routes.ts';
import { rightsRoutes } from './routes/rights.routes.ts';
import { subjectRoutes } from './routes/subjects.routes.ts';
import { tenantSettingsRoutes } from './routes/tenant-settings.routes.ts';
import { viewerKeyRoutes } from './routes/viewer-keys.routes.ts';
import { etlRoutes } from './routes/etl.routes.ts';
import { etlMetricsRoutes } from './routes/etl-metrics.routes.ts';
import { privacyBudgetRoutes } from './routes/privacy-budget.routes.ts';

export interface HttpApp {
  app: FastifyInstance;
  /** Every route and the permission it names, for the authorisation matrix and docs. */
  routes: RouteEntry[];
}

/** Route plugins, in one list: adding a file here is how a route reaches the server. */
const ROUTES = [ingestRoutes, healthRoutes, metricsRoutes, authRoutes, keyRoutes, memberRoutes, viewerKeyRoutes, guardianshipRoutes, subjectRoutes, tenantSettingsRoutes, retentionRoutes, rightsRoutes, auditRoutes, analyticsRoutes,
  etlRoutes, etlMetricsRoutes, privacyBudgetRoutes,
  // Last: the dashboard answers every other GET path with the single-page app.
  dashboardRoutes];

/** Bodies of everything but ingest are small JSON objects. */
const SMALL_BODY_LIMIT = 64 * 1024;

export async function createHttpApp(s: Services): Promise<HttpApp> {
  const app = Fastify({
    loggerInstance: s.logger.child({ component: 'http' }) as unknown as FastifyBaseLogger,
    // Request logs carry method, route template, status and time only: never URLs (query strings
    // may hold keys) nor addresses.
    logController: new LogController({ disableRequestLogging: true }),
    bodyLimit: LIMITS.batchMaxBytes,
    trustProxy: s.config.trustProxy,
    onProtoPoisoning: 'error',
    onConstructorPoisoning: 'error',
    return503OnClosing: true,
  });
  const routes: HttpApp['routes'] = [];
  requirePermissionDeclarations(app, routes);
  app.addHook('onRoute', (route) => {
    if (route.config?.rateLimit !== 'ingest') route.bodyLimit ??= SMALL_BODY_LIMIT;
  });
  installAccessHooks(app, s);

  // Browsers' sendBeacon sends text/plain; it is parsed as JSON with the same protections.
  app.addContentTypeParser('text/plain', { parseAs: 'string', bodyLimit: LIMITS.batchMaxBytes }, app.getDefaultJsonParser('error', 'error'));

  app.addHook('onResponse', async (req, reply) => {
    if (reply.statusCode >= 400 || s.logger.isLevelEnabled('debug')) {
      req.log[reply.statusCode >= 500 ? 'warn' : 'debug']({ method: req.method, route: req.routeOptions.url ?? 'unmatched', status: reply.statusCode, ms: Math.round(reply.elapsedTime) }, 'request');
    }
  });
  installSecurityHeaders(app, { cspFor: cspForPath });
  installDashboardCors(app, s.config.dashboardOrigins ? s.config.dashboardOrigins.split(',') : []);

  // Schemas on routes document the API; validation is done with the wire schemas (zod) in the
  // handlers, so every refusal carries Ebb's own error codes.
  app.setValidatorCompiler(() => () => true);
  app.setErrorHandler(createErrorHandler(s.logger));
  app.setNotFoundHandler((req, reply) => sendError(reply, new EbbError('EBB_NOT_FOUND', `Nothing exists at ${req.method} ${req.url.split('?')[0]}. The API is described at /docs.`)));

  await app.register(swagger, {
    openapi: {
      info: { title: 'Ebb API', version: '1', description: 'Privacy-first activity analytics. Errors are {"error": {"code", "message", "details"}} with codes listed in docs/errors.md.' },
      components: {
        securitySchemes: {
          apiKey: { type: 'http', scheme: 'bearer', description: 'An API key (ebb_srv_..., ebb_adm_..., ...) or a viewer token (JWT signed by the app).' },
          session: { type: 'apiKey', in: 'cookie', name: 'ebb_session', description: 'Dashboard session from POST /api/v1/auth/login; state-changing requests also send X-Ebb-CSRF.' },
        },
      },
    },
  });
  await app.register(swaggerUi, { routePrefix: '/docs' });

  for (const plugin of ROUTES) await app.register(plugin(s));
  return { app, routes };
}
