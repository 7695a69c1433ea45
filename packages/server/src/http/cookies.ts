import type { FastifyReply, FastifyRequest } from 'fastify';

/** The session cookie is HttpOnly; the CSRF cookie is readable by the dashboard's scripts. */
export const SESSION_COOKIE = 'ebb_session';
export const CSRF_COOKIE = 'ebb_csrf';
/** Over HTTPS the names carry the __Host- prefix: Secure, no Domain, Path=/, so no subdomain can set them. */
const HOST_PREFIX = '__Host-';

export function parseCookies(header: string | undefined): Map<string, string> {
  const out = new Map<string, string>();
  if (!header) return out;
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    if (eq <= 0) continue;
    const name = part.slice(0, eq).trim();
    let value = part.slice(eq + 1).trim();
    if (value.startsWith('"') && value.endsWith('"') && value.length >= 2) value = value.slice(1, -1);
    if (!out.has(name)) out.set(name, value);
  }
  return out;
}

const isHttps = (req: FastifyRequest) => req.protocol === 'https';

/**
 * The session token from the request's cookies. Over HTTPS only the __Host- name counts: a cookie
 * without the prefix may have been set by a sibling subdomain to plant its own session.
 */
export function sessionCookie(req: FastifyRequest): string | undefined {
  const cookies = parseCookies(req.headers.cookie);
  return isHttps(req) ? cookies.get(HOST_PREFIX + SESSION_COOKIE) : cookies.get(SESSION_COOKIE);
}

function cookie(req: FastifyRequest, name: string, value: string, options: { httpOnly: boolean; maxAgeSeconds: number }): string {
  const https = isHttps(req);
  return [
    `${https ? HOST_PREFIX : ''}${name}=${value}`,
    'Path=/',
    `Max-Age=${options.maxAgeSeconds}`,
    'SameSite=Strict',
    ...(options.httpOnly ? ['HttpOnly'] : []),
    ...(https ? ['Secure'] : []),
  ].join('; ');
}

export function setSessionCookies(req: FastifyRequest, reply: FastifyReply, session: { token: string; csrfToken: string; maxAgeSeconds: number }): void {
  reply.header('Set-Cookie', [
    cookie(req, SESSION_COOKIE, session.token, { httpOnly: true, maxAgeSeconds: session.maxAgeSeconds }),
    cookie(req, CSRF_COOKIE, session.csrfToken, { httpOnly: false, maxAgeSeconds: session.maxAgeSeconds }),
  ]);
}

export function clearSessionCookies(req: FastifyRequest, reply: FastifyReply): void {
  reply.header('Set-Cookie', [
    cookie(req, SESSION_COOKIE, '', { httpOnly: true, maxAgeSeconds: 0 }),
    cookie(req, CSRF_COOKIE, '', { httpOnly: false, maxAgeSeconds: 0 }),
  ]);
}
