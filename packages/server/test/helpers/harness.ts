import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { FastifyInstance } from 'fastify';
import { createServices, type Services } from '../../src/app/services.ts';
import { loadConfig } from '../../src/core/config.ts';
import type { Clock } from '../../src/core/clock.ts';
import { createLogger } from '../../src/core/logger.ts';
import { createHttpApp, type HttpApp } from '../../src/http/app.ts';
import type { CreatedTenant } from '../../src/access/tenants.ts';

export interface TestServer {
  services: Services;
  app: FastifyInstance;
  routes: HttpApp['routes'];
  dataDir: string;
  tenant: CreatedTenant;
  /** Sends a batch with the tenant's server key. */
  send(events: unknown[], key?: string): Promise<{ status: number; body: any }>;
  query<T = Record<string, unknown>>(sql: string, params?: unknown[]): Promise<T[]>;
  close(): Promise<void>;
}

export function tempDataDir(): string {
  return mkdtempSync(path.join(tmpdir(), 'ebb-test-'));
}

/** A server on a fresh data directory with one tenant, driven through app.inject (no socket). */
export async function startTestServer(options: { clock?: Clock; dataDir?: string; env?: Record<string, string> } = {}): Promise<TestServer> {
  const dataDir = options.dataDir ?? tempDataDir();
  const config = loadConfig({ 'data-dir': dataDir, 'log-level': 'silent' }, options.env ?? {});
  const services = await createServices(config, { clock: options.clock, logger: createLogger('silent') });
  const { app, routes } = await createHttpApp(services);
  await app.ready();
  const tenant = await services.tenants.create({ name: 'Test School', actor: 'test' });
  const db = await services.store.connect();
  return {
    services, app, routes, dataDir, tenant,
    async send(events, key = tenant.keys.server) {
      const res = await app.inject({ method: 'POST', url: '/api/v1/events', headers: { authorization: `Bearer ${key}` }, payload: { events } });
      return { status: res.statusCode, body: res.json() };
    },
    query: (sql, params) => db.all(sql, params as never) as never,
    async close() {
      await app.close();
      await services.close();
      if (!options.dataDir) rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
