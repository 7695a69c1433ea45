import { existsSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import fastifyStatic from '@fastify/static';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Services } from '../../app/services.ts';
import { EbbError } from '../../core/errors.ts';
import type { RoutePermission } from '../permission-declaration.ts';
import { API_CSP, DASHBOARD_CSP, DOCS_CSP } from '../security-headers.ts';

/** Where `npm install` (or `npm run build -w @ebb/dashboard`) puts the built dashboard. */
export const DASHBOARD_DIST = fileURLToPath(new URL('../../../../dashboard/dist/', import.meta.url));

const PUBLIC: RoutePermission = { check: 'public', why: 'static assets of the dashboard; data comes from the API with its own checks' };
/** Paths that belong to the API or its docs: never answered with the app. */
const NOT_APP = /^\/(api|docs)(\/|$)|^\/metrics$/;
/** Vite names bundled assets by content hash, so they never change under a name. */
const HASHED = /^\/assets\//;

/** The Content-Security-Policy of a path: the API's (nothing loads), the docs', or the dashboard's. */
export function cspForPath(p: string): string {
  if (p === '/docs' || p.startsWith('/docs/')) return DOCS_CSP;
  if (NOT_APP.test(p)) return API_CSP;
  return DASHBOARD_CSP;
}

const NOT_BUILT = `<!doctype html><meta charset="utf-8"><title>Ebb</title>
<h1>The dashboard is not built</h1>
<p>Run <code>npm install</code> (it builds the dashboard) or <code>npm run build -w @ebb/dashboard</code>, then reload. The API is at <a href="/docs">/docs</a>.</p>`;

/**
 * Serves the dashboard's single-page app at `/`: files from its build folder, and index.html for
 * every other path that is not the API's (the app routes in the browser). Data never comes from
 * here: the app calls the API, which checks every request on its own.
 */
export function dashboardRoutes(_s: Services, options: { dist?: string } = {}) {
  const dist = options.dist ?? DASHBOARD_DIST;
  return async function registerDashboardRoutes(app: FastifyInstance): Promise<void> {
    // Only reply.sendFile (content types, ETags, ranges, no escape from the root); routes are ours.
    await app.register(fastifyStatic, { root: dist, serve: false, suppressWarning: true });

    const sendIndex = (reply: FastifyReply) => {
      if (!existsSync(path.join(dist, 'index.html'))) return reply.status(503).type('text/html; charset=utf-8').header('Cache-Control', 'no-store').send(NOT_BUILT);
      return reply.header('Cache-Control', 'no-cache').sendFile('index.html');
    };

    const serve = async (req: FastifyRequest, reply: FastifyReply) => {
      const raw = req.url.split('?')[0]!;
      let p: string;
      try {
        p = decodeURIComponent(raw);
      } catch {
        throw new EbbError('EBB_BAD_REQUEST', 'The path is not valid percent-encoding.');
      }
      if (NOT_APP.test(p)) throw new EbbError('EBB_NOT_FOUND', `Nothing exists at ${req.method} ${raw}. The API is described at /docs.`);
      const rel = path.posix.normalize(p).replace(/^\/+/, '');
      if (rel === '' || rel === 'index.html') return sendIndex(reply);
      if (rel.split('/').includes('..') || rel.includes('\0')) throw new EbbError('EBB_NOT_FOUND');
      const file = path.join(dist, rel);
      if (existsSync(file) && statSync(file).isFile()) {
        reply.header('Cache-Control', HASHED.test(p) ? 'public, max-age=31536000, immutable' : 'no-cache');
        return reply.sendFile(rel);
      }
      // A missing file (a name with an extension) is a 404; any other path is a view of the app.
      if (path.posix.extname(rel) !== '') throw new EbbError('EBB_NOT_FOUND', `The dashboard has no file ${raw}.`);
      return sendIndex(reply);
    };

    const schema = { hide: true, summary: 'The dashboard (single-page app)', tags: ['dashboard'] };
    app.get('/', { config: { permission: PUBLIC }, schema }, serve);
    app.get('/*', { config: { permission: PUBLIC }, schema }, serve);
  };
}
