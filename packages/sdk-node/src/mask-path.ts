const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const NUMBER = /^\d+$/;
const HEX_ID = /^(?=.*\d)[0-9a-f]{8,}$/i;
// Long tokens mixing letters and digits: ULIDs, nanoids, slugs with ids, base64url keys.
const TOKEN = /^(?=.*\d)(?=.*[A-Za-z])[A-Za-z0-9_~.=-]{16,}$/;

/** Whether a path segment looks like an identifier (or something personal) rather than a route word. */
export function isIdentifierSegment(segment: string): boolean {
  return NUMBER.test(segment) || UUID.test(segment) || HEX_ID.test(segment) || TOKEN.test(segment)
    || segment.includes('@') || segment.includes('%40') || segment.length > 64;
}

/**
 * A route-like path for servers without a router: the query string and fragment removed and every
 * segment that looks like an id replaced by `:id`, so `/quests/42/start?x=1` becomes
 * `/quests/:id/start` and no raw URL leaves the app.
 */
export function maskPath(url: string): string {
  let end = url.length;
  const q = url.indexOf('?');
  if (q >= 0) end = q;
  const h = url.indexOf('#');
  if (h >= 0 && h < end) end = h;
  const path = url.slice(0, end);
  const segments = path.split('/');
  for (let i = 0; i < segments.length; i++) {
    const seg = segments[i]!;
    if (seg !== '' && isIdentifierSegment(seg)) segments[i] = ':id';
  }
  const masked = segments.join('/');
  return masked === '' ? '/' : masked;
}
