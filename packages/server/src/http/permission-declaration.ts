import type { FastifyInstance, RouteOptions } from 'fastify';
import { isPermissionName, PERMISSIONS, type PermissionName } from '../access/permissions.ts';

/** Where a route finds the app's user id of the person it is about. */
export interface SubjectLocator {
  in: 'params' | 'query' | 'body';
  field: string;
}

/**
 * Every route names the check that guards it in `config.permission` (a name from
 * access/permissions.ts), or says it is public and why. A route without one, or with an unknown
 * name, stops the server at start: nothing is reachable by accident.
 */
export type RoutePermission =
  | { check: 'public'; why: string }
  | { check: PermissionName; subject?: SubjectLocator };

declare module 'fastify' {
  interface FastifyContextConfig {
    permission?: RoutePermission;
    /** `ingest`: requests are counted against the API key's rate limit, and the body may be a full batch. */
    rateLimit?: 'ingest';
    /** Accept `text/plain` bodies (parsed as JSON) for navigator.sendBeacon. */
    textPlainJson?: boolean;
  }
}

export interface RouteEntry {
  method: string;
  url: string;
  permission: RoutePermission;
}

/** Routes added by the docs plugin: they serve the API description, which is public. */
const DOCS_PREFIX = '/docs';

export function requirePermissionDeclarations(app: FastifyInstance, seen: RouteEntry[]): void {
  app.addHook('onRoute', (route: RouteOptions) => {
    const methods = ([] as string[]).concat(route.method);
    if (route.url.startsWith(DOCS_PREFIX) || methods.every((m) => m === 'HEAD')) return;
    const where = `Route ${methods.join(',')} ${route.url}`;
    const permission = (route.config as { permission?: RoutePermission } | undefined)?.permission;
    if (!permission) throw new Error(`${where} declares no permission (config.permission). Every route must name its check, or be public with a reason.`);
    if (permission.check === 'public') {
      if (!permission.why) throw new Error(`${where} is public without a reason (config.permission.why).`);
    } else {
      if (!isPermissionName(permission.check)) throw new Error(`${where} names "${String(permission.check)}", which is not a check in access/permissions.ts.`);
      const spec = PERMISSIONS[permission.check];
      if (spec.subject === 'required' && !permission.subject) throw new Error(`${where}: ${permission.check} needs to know whose data; say where the user id is (config.permission.subject).`);
      if (spec.subject === 'none' && permission.subject) throw new Error(`${where}: ${permission.check} does not look at a subject; remove config.permission.subject.`);
    }
    for (const method of methods) seen.push({ method, url: route.url, permission });
  });
}
