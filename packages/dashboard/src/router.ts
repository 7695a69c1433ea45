import { useEffect, useState } from 'react';

import { parseHash, type Route } from './route-parse.ts';

export { parseHash, type Route };

export function hrefOf(path: string, params?: Record<string, string | undefined> | URLSearchParams): string {
  const p = params instanceof URLSearchParams ? new URLSearchParams(params) : new URLSearchParams();
  if (params && !(params instanceof URLSearchParams)) for (const [k, v] of Object.entries(params)) if (v !== undefined && v !== '') p.set(k, v);
  const qs = p.toString();
  return `#${path}${qs ? `?${qs}` : ''}`;
}

export function navigate(path: string, params?: Record<string, string | undefined> | URLSearchParams, options: { replace?: boolean } = {}): void {
  const href = hrefOf(path, params);
  if (options.replace) {
    history.replaceState(null, '', href);
    window.dispatchEvent(new HashChangeEvent('hashchange'));
  } else {
    location.hash = href.slice(1);
  }
}

/** The current route; re-renders on every change of the hash. */
export function useRoute(): Route {
  const [route, setRoute] = useState(() => parseHash(location.hash));
  useEffect(() => {
    const on = () => setRoute(parseHash(location.hash));
    window.addEventListener('hashchange', on);
    return () => window.removeEventListener('hashchange', on);
  }, []);
  return route;
}

/** Changes some parameters of the current route, keeping the others. */
export function setParams(route: Route, changes: Record<string, string | undefined>): void {
  const p = new URLSearchParams(route.params);
  for (const [k, v] of Object.entries(changes)) {
    if (v === undefined || v === '') p.delete(k);
    else p.set(k, v);
  }
  navigate(route.path, p, { replace: true });
}
