// A separate small entry, run before the main bundle is even parsed: a signed-in staff member
// opening the overview gets its data asked for at once, while React loads.
import { csrfToken, primeGets, withQuery } from './api/client.ts';
import { analyticsQuery } from './period.ts';
import { parseHash } from './route-parse.ts';

/** Data each view asks for first, for the views that open on their own (the overview). */
const FIRST: Record<string, string[]> = {
  '/': ['/api/v1/analytics/overview', '/api/v1/analytics/event-counts'],
  '/overview': ['/api/v1/analytics/overview', '/api/v1/analytics/event-counts'],
};

/** Signed in: the readable CSRF cookie says so. A viewer link is left to the app. */
function primeFirstView(): void {
  if (!csrfToken() || location.hash.includes('token=')) return;
  const route = parseHash(location.hash);
  const paths = FIRST[route.path];
  if (!paths) return;
  const query = analyticsQuery(route);
  primeGets(paths.map((p) => withQuery(p, query)), localStorage.getItem('ebb.tenant'));
}

primeFirstView();
