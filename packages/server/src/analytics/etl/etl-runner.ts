import type { TenantService } from '../../access/tenants.ts';
import type { AuditLog } from '../../audit/audit-log.ts';
import type { Clock } from '../../core/clock.ts';
import { uuidv7 } from '../../core/ids.ts';
import type { Logger } from '../../core/logger.ts';
import { addDays, localDate, parseDateRange, parseTimeZone } from '../date-range.ts';
import { addEpsilon, formatEpsilon, parseEpsilon, type Epsilon } from '../dp/epsilon.ts';
import { defaultRandomSource, type RandomSource } from '../dp/random.ts';
import { ZERO } from '../dp/rational.ts';
import { minGroupSizeOf } from '../privacy-level-param.ts';
import type { DpLevel, PersistentBudgetLedger } from '../releases/privacy-budget.ts';
import type { ReleaseStore } from '../releases/release-store.ts';
import { weeksWithin } from '../releases/release-weeks.ts';
import { buildIepAggregates } from './aggregates/iep-aggregates.ts';
import { buildMasteryAggregates } from './aggregates/mastery-aggregates.ts';
import { buildPageViewAggregates } from './aggregates/page-view-aggregates.ts';
import { buildSessionAggregates } from './aggregates/session-aggregates.ts';
import { buildWeeklyActiveAggregates } from './aggregates/weekly-active-aggregates.ts';
import type { EtlDb, EtlPeriod, StepCounts } from './etl-period.ts';
import type { EtlJobName, EtlRunRecord, EtlRunStatus, EtlRunStore, EtlTrigger } from './etl-runs.ts';
import { RELEASE_METRICS, subjectCatalogOf } from './releases/release-catalog.ts';
import { releaseWeek, releaseWindow, type ReleaseOutcome } from './releases/week-releases.ts';

/**
 * The ETL: for each tenant and a period of local days, rebuild the aggregate tables (a re-run
 * replaces the period's rows, never adds to them), then release every whole week of the period
 * that has ended, at the tenant's level, with differential privacy (a week already released is
 * kept and re-served, never re-sampled). Every step is recorded in etl_runs.
 */
export interface EtlRunRequest {
  /** One tenant, or all. */
  tenantId?: string;
  /** First and last local day; default the 14 days up to yesterday. */
  from?: string;
  to?: string;
  timeZone?: string;
  /** Release at this level instead of the tenant's (charged to the same budget). */
  level?: DpLevel;
  trigger: EtlTrigger;
  actor: string;
  progress?: (p: { step: string; done?: number; total?: number }) => void;
}

export interface EtlStepReport {
  readonly job: EtlJobName;
  readonly runId: string;
  readonly status: EtlRunStatus;
  readonly rowsIn: number | null;
  readonly rowsOut: number | null;
  readonly durationMs: number;
  readonly error: string | null;
}

export interface EtlTenantReport {
  readonly tenantId: string;
  readonly from: string;
  readonly to: string;
  readonly timeZone: string;
  readonly level: DpLevel;
  readonly steps: EtlStepReport[];
  readonly releases: ReleaseOutcome[];
}

export interface EtlReport {
  readonly tenants: EtlTenantReport[];
}

export interface EtlRunner {
  run(request: EtlRunRequest): Promise<EtlReport>;
  list(q: { tenantId: string; status?: EtlRunStatus; limit: number }): Promise<EtlRunRecord[]>;
}

export const DEFAULT_ETL_DAYS = 14;

const AGGREGATE_STEPS: ReadonlyArray<{ job: EtlJobName; build: (db: EtlDb, p: EtlPeriod) => Promise<StepCounts> }> = [
  { job: 'session', build: buildSessionAggregates },
  { job: 'mastery', build: buildMasteryAggregates },
  { job: 'weekly_active', build: buildWeeklyActiveAggregates },
  { job: 'iep', build: buildIepAggregates },
  { job: 'page_views', build: buildPageViewAggregates },
];

export interface EtlRunnerDeps {
  /** The ETL's own connection: aggregates, releases and ledger writes all go through it. */
  db: EtlDb;
  runs: EtlRunStore;
  /** The run log on a reading connection, for listings while a run writes. */
  readRuns: EtlRunStore;
  releases: ReleaseStore;
  ledger: PersistentBudgetLedger;
  tenants: TenantService;
  audit: AuditLog;
  clock: Clock;
  logger: Logger;
  random?: RandomSource;
}

export function createEtlRunner(deps: EtlRunnerDeps): EtlRunner {
  const { clock } = deps;
  // One ETL at a time in the process: steps of two runs never interleave on the ETL connection.
  let tail: Promise<unknown> = Promise.resolve();
  const serial = <T>(fn: () => Promise<T>): Promise<T> => {
    const next = tail.then(fn, fn);
    tail = next.catch(() => undefined);
    return next;
  };

  async function step(job: EtlJobName, p: EtlPeriod, trigger: EtlTrigger, work: (runId: string) => Promise<StepCounts & { details?: Record<string, unknown> }>): Promise<EtlStepReport> {
    const runId = uuidv7(clock.now().getTime());
    const startedAt = clock.now();
    const t0 = performance.now();
    await deps.runs.start({ id: runId, tenantId: p.tenantId, job, periodStart: p.from, periodEnd: p.to, timeZone: p.timeZone, triggeredBy: trigger, startedAt });
    let status: EtlRunStatus = 'succeeded';
    let error: string | null = null;
    let counts: (StepCounts & { details?: Record<string, unknown> }) | null = null;
    try {
      counts = await work(runId);
    } catch (e) {
      status = 'failed';
      // The message of a store error names tables and statements, not row values.
      error = e instanceof Error ? e.message.slice(0, 500) : 'unknown error';
      deps.logger.error({ err: e, tenantId: p.tenantId, job }, 'ETL step failed');
    }
    const durationMs = Math.round(performance.now() - t0);
    await deps.runs.finish(runId, {
      status, rowsIn: counts?.rowsIn ?? null, rowsOut: counts?.rowsOut ?? null, finishedAt: clock.now(), durationMs, error, details: counts?.details ?? null,
    });
    return { job, runId, status, rowsIn: counts?.rowsIn ?? null, rowsOut: counts?.rowsOut ?? null, durationMs, error };
  }

  async function runTenant(tenantId: string, request: EtlRunRequest): Promise<EtlTenantReport> {
    const tenant = await deps.tenants.get(tenantId);
    const now = clock.now();
    const tz = parseTimeZone(request.timeZone);
    const yesterday = addDays(localDate(now, tz), -1);
    const range = parseDateRange({ from: request.from ?? addDays(request.to ?? yesterday, -(DEFAULT_ETL_DAYS - 1)), to: request.to ?? yesterday, tz }, now);
    const level = request.level ?? (await deps.ledger.settings(tenantId)).level;
    const period = (runId: string): EtlPeriod => ({ tenantId, from: range.from, to: range.to, timeZone: range.timeZone, runId, now: clock.now() });
    const steps: EtlStepReport[] = [];
    const total = AGGREGATE_STEPS.length + 1;
    for (const [i, s] of AGGREGATE_STEPS.entries()) {
      request.progress?.({ step: `${tenantId}: ${s.job} aggregates`, done: i, total });
      steps.push(await step(s.job, period(''), request.trigger, (runId) => s.build(deps.db, period(runId))));
    }
    request.progress?.({ step: `${tenantId}: releases`, done: AGGREGATE_STEPS.length, total });
    // Only weeks that have ended are released: a release is final, and a running week is not.
    const weeks = weeksWithin(range.from, range.to).filter((w) => Date.parse(releaseWindow({ tenantId, weekStart: w, timeZone: range.timeZone }).end) <= now.getTime());
    const releases: ReleaseOutcome[] = [];
    steps.push(await step('releases', period(''), request.trigger, async (runId) => {
      for (const weekStart of weeks) {
        releases.push(...await releaseWeek(
          { db: deps.db, releases: deps.releases, ledger: deps.ledger, random: deps.random ?? defaultRandomSource(), now: () => clock.now() },
          { tenantId, weekStart, timeZone: range.timeZone, level, minGroupSize: minGroupSizeOf(tenant.settings), subjects: subjectCatalogOf(tenant.settings), runId },
        ));
      }
      const count = (s: ReleaseOutcome['status']) => releases.filter((r) => r.status === s).length;
      return {
        rowsIn: weeks.length * RELEASE_METRICS.length,
        rowsOut: count('released'),
        details: { level, weeks, released: count('released'), kept: count('kept'), refused: count('refused'), spentWithoutRelease: count('spent_without_release') },
      };
    }));
    await auditRun(tenantId, request, range, level, steps, releases);
    return { tenantId, from: range.from, to: range.to, timeZone: range.timeZone, level, steps, releases };
  }

  async function auditRun(tenantId: string, request: EtlRunRequest, range: { from: string; to: string; timeZone: string }, level: DpLevel, steps: EtlStepReport[], releases: ReleaseOutcome[]): Promise<void> {
    const spent = releases.filter((r) => r.status === 'released');
    let epsilon: Epsilon = ZERO;
    for (const r of spent) epsilon = addEpsilon(epsilon, parseEpsilon(r.epsilon));
    await deps.audit.record({
      tenantId, actor: request.actor, action: 'etl.run', target: tenantId,
      details: {
        from: range.from, to: range.to, timeZone: range.timeZone, trigger: request.trigger,
        steps: steps.map((s) => ({ job: s.job, status: s.status, rowsIn: s.rowsIn, rowsOut: s.rowsOut })),
      },
    });
    if (spent.length > 0 || releases.some((r) => r.status === 'refused')) {
      await deps.audit.record({
        tenantId, actor: request.actor, action: 'privacy.budget_spent', target: tenantId,
        details: {
          level, epsilon: formatEpsilon(epsilon),
          released: spent.map((r) => `${r.metric}@${r.weekStart}`),
          refused: releases.filter((r) => r.status === 'refused').map((r) => `${r.metric}@${r.weekStart}`),
        },
      });
    }
  }

  return {
    run: (request) =>
      serial(async () => {
        const ids = request.tenantId ? [request.tenantId] : (await deps.tenants.list()).map((t) => t.id);
        if (request.tenantId) await deps.tenants.get(request.tenantId);
        const tenants: EtlTenantReport[] = [];
        for (const id of ids) tenants.push(await runTenant(id, request));
        return { tenants };
      }),
    list: (q) => deps.readRuns.list(q),
  };
}
