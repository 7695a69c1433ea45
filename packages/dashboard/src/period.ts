import type { Query } from './api/client.ts';
import type { Route } from './route-parse.ts';

const iso = (d: Date) => d.toISOString().slice(0, 10);
export const today = () => iso(new Date());
export const daysAgo = (n: number) => iso(new Date(Date.now() - n * 86_400_000));

/** The period and privacy level every analytics view reads, kept in the address so links can be shared. */
export interface Filters {
  from: string;
  to: string;
  level: string;
}

export function filtersOf(route: Route): Filters {
  return {
    from: route.params.get('from') ?? daysAgo(30),
    to: route.params.get('to') ?? today(),
    level: route.params.get('level') ?? 'anonymized',
  };
}

/** The query every aggregate endpoint takes: the period, the privacy level, the viewer's time zone. */
export function analyticsQuery(route: Route, extra: Query = {}): Query {
  const f = filtersOf(route);
  return { privacy_level: f.level, from: f.from, to: f.to, tz: Intl.DateTimeFormat().resolvedOptions().timeZone, ...extra };
}
