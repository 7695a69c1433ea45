import { PATH_MAX } from './limits.ts';

const UTM = /^utm_\w+(=|$)/i;

/**
 * The path to report for a URL or path: the fragment never leaves the page, and of the query only
 * campaign tags (utm_*) are kept, since other parameters often carry tokens, e-mail addresses or ids.
 */
export function cleanPath(url: string): string {
  const [path, query = ''] = url.split('#')[0]!.split('?');
  const kept = query.split('&').filter((p) => UTM.test(p));
  return ((path || '/') + (kept.length ? `?${kept.join('&')}` : '')).slice(0, PATH_MAX);
}

/** Only the origin of an external referrer (Ebb keeps its host); nothing for same-site navigation. */
export function referrerOrigin(referrer: string, ownOrigin: string): string | undefined {
  try {
    const origin = new URL(referrer).origin;
    return origin === ownOrigin || origin === 'null' ? undefined : `${origin}/`;
  } catch {
    return undefined;
  }
}
