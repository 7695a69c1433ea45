import type { ReleasedValue } from '@ebb/contracts';
import { addDays, startOfLocalDay } from '../../date-range.ts';
import type { ReleaseWindow } from '../../dp/budget.ts';
import { formatEpsilon } from '../../dp/epsilon.ts';
import { getPrivacyLevel } from '../../dp/privacy-levels.ts';
import { mul, type Rational } from '../../dp/rational.ts';
import type { RandomSource } from '../../dp/random.ts';
import type { Release } from '../../dp/release.ts';
import { releaseKey } from '../../dp/release-key.ts';
import type { PersistentBudgetLedger, DpLevel } from '../../releases/privacy-budget.ts';
import type { ReleaseStore } from '../../releases/release-store.ts';
import type { EtlDb } from '../etl-period.ts';
import {
  computeIepRelease,
  computeMasteryRelease,
  computeOverviewRelease,
  computePagesRelease,
  computeSessionsRelease,
  computeWeeklyActiveRelease,
  type ComputeContext,
} from './compute-releases.ts';
import { DEFINITION_VERSION, RELEASE_METRICS, RELEASE_SPLIT, type ReleaseMetric } from './release-catalog.ts';
import {
  activeDaysByVisitor,
  iepByLearner,
  masteryByLearner,
  pageViewsByVisitor,
  sessionSecondsByLearner,
  weekDays,
  weeklyKindByLearner,
  type ReleaseWeek,
} from './release-inputs.ts';

/**
 * One week's releases of a tenant at a level. For each release name: if its release key is
 * already stored, it is re-served as is (never re-sampled); otherwise its share of the level's
 * epsilon is reserved in the ledger first (refused: nothing is computed or released), the inputs
 * are read, the noise drawn, and the release stored and the reservation committed together.
 */
export type ReleaseOutcomeStatus = 'released' | 'kept' | 'refused' | 'spent_without_release';

export interface ReleaseOutcome {
  readonly metric: ReleaseMetric;
  readonly weekStart: string;
  readonly level: DpLevel;
  readonly status: ReleaseOutcomeStatus;
  readonly epsilon: string;
  readonly reason?: string;
  readonly values?: number;
}

export interface WeekReleaseDeps {
  readonly db: EtlDb;
  readonly releases: ReleaseStore;
  readonly ledger: PersistentBudgetLedger;
  readonly random: RandomSource;
  readonly now: () => Date;
}

export interface WeekReleaseRequest extends ReleaseWeek {
  readonly level: DpLevel;
  readonly minGroupSize: number;
  readonly subjects: readonly string[];
  readonly runId: string;
}

export function releaseWindow(w: ReleaseWeek): ReleaseWindow {
  return {
    start: startOfLocalDay(w.weekStart, w.timeZone).toISOString(),
    end: startOfLocalDay(addDays(w.weekStart, 7), w.timeZone).toISOString(),
  };
}

async function compute(metric: ReleaseMetric, deps: WeekReleaseDeps, req: WeekReleaseRequest, ctx: ComputeContext): Promise<Release[]> {
  const days = weekDays(req.weekStart);
  switch (metric) {
    case 'overview': return computeOverviewRelease(ctx, days, await activeDaysByVisitor(deps.db, req));
    case 'sessions': return computeSessionsRelease(ctx, await sessionSecondsByLearner(deps.db, req));
    case 'weekly-active': return computeWeeklyActiveRelease(ctx, await weeklyKindByLearner(deps.db, req));
    case 'mastery': return computeMasteryRelease(ctx, req.subjects, await masteryByLearner(deps.db, req));
    case 'iep': return computeIepRelease(ctx, await iepByLearner(deps.db, req));
    case 'pages': return computePagesRelease(ctx, days, await pageViewsByVisitor(deps.db, req));
  }
}

/** The window, in public parameters, so a served value says which week it is of. */
function withWindow(r: Release, req: WeekReleaseRequest): ReleasedValue {
  return {
    ...r,
    interval95: r.interval95 ? { low: r.interval95.low, high: r.interval95.high } : null,
    params: { ...r.params, window_start: req.weekStart, window_end: addDays(req.weekStart, 7), time_zone: req.timeZone },
  };
}

export async function releaseWeek(deps: WeekReleaseDeps, req: WeekReleaseRequest): Promise<ReleaseOutcome[]> {
  const window = releaseWindow(req);
  const levelEpsilon = getPrivacyLevel(req.level).epsilon as Rational;
  const out: ReleaseOutcome[] = [];
  for (const metric of RELEASE_METRICS) {
    const epsilon = mul(RELEASE_SPLIT[metric], levelEpsilon);
    const base = { metric, weekStart: req.weekStart, level: req.level, epsilon: formatEpsilon(epsilon) };
    const key = releaseKey({ tenantId: req.tenantId, window, metric, level: req.level, definitionVersion: DEFINITION_VERSION });
    if (await deps.releases.get(key)) {
      out.push({ ...base, status: 'kept' });
      continue;
    }
    const decision = await deps.ledger.reserve(req.tenantId, key, epsilon, { window, metric });
    if (!decision.ok) {
      // A spent key without a stored release: an earlier run reserved and stopped. The noise may have
      // been drawn, so the reservation stays counted and the release needs a new definition version.
      out.push({ ...base, status: decision.reason === 'release_key_spent' ? 'spent_without_release' : 'refused', reason: decision.reason });
      continue;
    }
    const ctx: ComputeContext = { level: req.level, random: deps.random, epsilon, minGroupSize: req.minGroupSize };
    const values = (await compute(metric, deps, req, ctx)).map((r) => withWindow(r, req));
    await deps.db.transaction(async () => {
      await deps.releases.insert({
        releaseKey: key, tenantId: req.tenantId, metric, level: req.level, timeZone: req.timeZone, windowStart: req.weekStart,
        windowEnd: addDays(req.weekStart, 7), definitionVersion: DEFINITION_VERSION, epsilon: formatEpsilon(epsilon), delta: '0',
        payload: JSON.stringify(values), releasedAt: deps.now(), etlRunId: req.runId,
      });
      await deps.ledger.commit(req.tenantId, key);
    });
    out.push({ ...base, status: 'released', values: values.length });
  }
  return out;
}
