import type { ReactNode } from 'react';
import { releasesOf, type AnalyticsEnvelope, type ReleasedValue } from '../api/envelope.ts';
import { useApi } from '../api/use-api.ts';
import type { Query } from '../api/client.ts';
import type { Route } from '../router.ts';
import { FilterBar } from './filters.tsx';
import { analyticsQuery } from '../period.ts';
import { PrivacyNote } from './privacy-note.tsx';
import { ReleasesTable } from './releases-table.tsx';
import { Show } from './states.tsx';

export { analyticsQuery };

/** Loads one analytics answer for the route's period and level, and shows its state or its data. */
export function AnalyticsBlock<T>({ route, path, what, extra, children, releases }: {
  route: Route;
  path: string;
  what: string;
  extra?: Query;
  children: (data: T, envelope: AnalyticsEnvelope<T>) => ReactNode;
  /** How to draw a DP release of this metric; a table of released values by default. */
  releases?: (values: ReleasedValue[]) => ReactNode;
}) {
  const loaded = useApi<AnalyticsEnvelope<T>>(path, analyticsQuery(route, extra));
  return (
    <Show loaded={loaded} path={path} what={what}>
      {(env) => {
        const rel = releasesOf(env.data);
        return (
          <div className="block" data-testid={`data-${env.metric ?? what}`}>
            <PrivacyNote privacy={env.privacy} period={env.period} />
            {rel ? (releases ? releases(rel) : <ReleasesTable releases={rel} />) : children(env.data, env)}
          </div>
        );
      }}
    </Show>
  );
}

/** An analytics view: heading, what it shows, the period and level picker, then its blocks. */
export function AnalyticsPage({ route, title, lead, children }: { route: Route; title: string; lead: string; children: ReactNode }) {
  return (
    <section>
      <h1 tabIndex={-1}>{title}</h1>
      <p className="lead">{lead}</p>
      <FilterBar route={route} />
      {children}
    </section>
  );
}
