import type { FastifyInstance, RouteOptions } from 'fastify';

/**
 * Every route declares who may call it in `config.access`. A route without a declaration
 * stops the server at start: nothing is reachable by accident.
 */
export type RouteAccess =
  | { kind: 'public'; why: string }
  | { kind: 'api-key'; keyKinds: ReadonlyArray<'server' | 'browser' | 'admin' | 'read'> };

declare module 'fastify' {
  interface FastifyContextConfig {
    access?: RouteAccess;
  }
}

/** Routes added by the docs plugin: they serve the API description, which is public. */
const DOCS_PREFIX = '/docs';

export function requireAccessDeclarations(app: FastifyInstance, seen: Array<{ method: string; url: string; access: RouteAccess }>): void {
  app.addHook('onRoute', (route: RouteOptions) => {
    const methods = ([] as string[]).concat(route.method);
    if (route.url.startsWith(DOCS_PREFIX) || methods.every((m) => m === 'HEAD')) return;
    const access = (route.config as { access?: RouteAccess } | undefined)?.access;
    if (!access) {
      throw new Error(`Route ${methods.join(',')} ${route.url} declares no access rule (config.access). Every route must say who may call it.`);
    }
    for (const method of methods) seen.push({ method, url: route.url, access });
  });
}
