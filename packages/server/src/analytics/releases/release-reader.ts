import type { PrivacyLevel, ReleasedValue } from '@ebb/contracts';
import { addEpsilon, formatEpsilon, parseEpsilon, type Epsilon } from '../dp/epsilon.ts';
import { ZERO } from '../dp/rational.ts';
import type { ReleaseStore } from './release-store.ts';
import { weeksWithin } from './release-weeks.ts';

/**
 * The request path's only access to differentially private numbers: it reads what the ETL stored
 * and never draws noise. A period is served with the releases of the ISO weeks that lie wholly
 * inside it, and only when every one of those weeks has been released.
 */
export interface ReleaseQuery {
  tenantId: string;
  /** Release name, one of RELEASE_METRICS. */
  metric: string;
  level: Exclude<PrivacyLevel, 'anonymized'>;
  /** First day, YYYY-MM-DD, local in `timeZone`. */
  from: string;
  /** Last day (included). */
  to: string;
  /** The time zone the releases were computed in must be this one. */
  timeZone: string;
}

export interface StoredRelease {
  /** When the newest of the served releases was computed. */
  releasedAt: Date;
  /** Privacy loss of what is served: the releases' losses added up (sequential composition over weeks). */
  epsilon: string;
  /** Each week's values in week order; params.window_start / window_end say which week a value is of. */
  values: ReleasedValue[];
}

export interface ReleaseReader {
  /** null when the period holds no whole week, or some week of it has no release yet. */
  read(q: ReleaseQuery): Promise<StoredRelease | null>;
}

export function createReleaseReader(deps: { store: ReleaseStore }): ReleaseReader {
  return {
    async read(q) {
      const weeks = weeksWithin(q.from, q.to);
      if (weeks.length === 0) return null;
      const rows = await deps.store.findWindows({ tenantId: q.tenantId, metric: q.metric, level: q.level, timeZone: q.timeZone, windowStarts: weeks });
      const byWeek = new Map(rows.map((r) => [r.windowStart, r]));
      if (weeks.some((w) => !byWeek.has(w))) return null;
      let epsilon: Epsilon = ZERO;
      let releasedAt = new Date(0);
      const values: ReleasedValue[] = [];
      for (const week of weeks) {
        const row = byWeek.get(week)!;
        epsilon = addEpsilon(epsilon, parseEpsilon(row.epsilon));
        if (row.releasedAt > releasedAt) releasedAt = row.releasedAt;
        values.push(...(JSON.parse(row.payload) as ReleasedValue[]));
      }
      return { releasedAt, epsilon: formatEpsilon(epsilon), values };
    },
  };
}
