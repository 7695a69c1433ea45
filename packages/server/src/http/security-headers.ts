import type { FastifyInstance } from 'fastify';

/** API answers are data, never documents: nothing may load, frame or submit from them. */
export const API_CSP = "default-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'";
/** The API explorer at /docs: its own scripts and styles (the UI sets inline styles), calls to this origin. */
export const DOCS_CSP = "default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; script-src 'self'; connect-src 'self'; object-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'";
/** For the dashboard when the server serves it: its bundled scripts and styles only, API calls to this origin. */
export const DASHBOARD_CSP = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; object-src 'none'; frame-ancestors 'none'; base-uri 'self'; form-action 'self'";

/** One year, subdomains included; sent only on HTTPS (on plain HTTP browsers ignore it). */
const HSTS = 'max-age=31536000; includeSubDomains';

export function installSecurityHeaders(app: FastifyInstance, options: { cspFor?: (path: string) => string } = {}): void {
  const cspFor = options.cspFor ?? ((path: string) => (path === '/docs' || path.startsWith('/docs/') ? DOCS_CSP : API_CSP));
  app.addHook('onSend', async (req, reply) => {
    reply.header('X-Content-Type-Options', 'nosniff');
    reply.header('Referrer-Policy', 'no-referrer');
    reply.header('X-Frame-Options', 'DENY');
    reply.header('Content-Security-Policy', cspFor(req.url.split('?')[0]!));
    reply.header('Cross-Origin-Opener-Policy', 'same-origin');
    if (req.protocol === 'https') reply.header('Strict-Transport-Security', HSTS);
    // Answers to a known caller may hold personal data: no shared or browser cache keeps them.
    if (req.access && req.access.principal.kind !== 'anonymous' && !reply.hasHeader('Cache-Control')) reply.header('Cache-Control', 'no-store');
  });
}
