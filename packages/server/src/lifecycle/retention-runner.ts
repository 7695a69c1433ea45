import type { AuditLog } from '../audit/audit-log.ts';
import type { TenantService } from '../access/tenants.ts';
import type { Clock } from '../core/clock.ts';
import { DAY_MS } from '../core/clock.ts';
import { EbbError } from '../core/errors.ts';
import { uuidv7 } from '../core/ids.ts';
import type { Logger } from '../core/logger.ts';
import { retentionGroups, type DataCategory } from '../privacy/inventory.ts';
import { saltCutoffDay, type SaltService } from '../privacy/salts.ts';
import type { CategoryCounts, LifecycleStore, PrivacyJobStore, RetentionSlice, TableCounts, TableStats } from '../store/ports.ts';
import type { ExpiredExports } from './expired-exports.ts';
import type { LegalHolds } from './legal-holds.ts';
import type { ExposureEntry, PiiExposure } from './pii-exposure.ts';
import { planChunks, type RetentionChunk } from './retention-chunks.ts';
import { DATA_CATEGORIES, DEFAULT_RETENTION } from './retention-defaults.ts';
import type { RetentionPolicies } from './retention-policies.ts';
import { retentionCutoffs } from './retention-policy.ts';

export interface RetentionRunOptions {
  tenantId?: string;
  dryRun?: boolean;
  progress?: (p: { step: string; done?: number; total?: number }) => void;
  /** Who started the run, for the job record and the audit log. */
  actor?: string;
}

export interface CategoryOutcome {
  category: DataCategory;
  anonymizeAfterDays: number;
  deleteAfterDays: number;
  /** Rows whose time is at or before these instants were due. */
  anonymizeDueAt: string;
  deleteDueAt: string;
  /** Rows changed per table (or, in a dry run, that would be). */
  anonymized: TableCounts;
  deleted: TableCounts;
  /** Due rows of subjects under legal hold, left as they are. */
  held: { anonymize: number; delete: number };
}

export interface TenantOutcome {
  tenantId: string;
  /** Set when a hold on the whole tenant made the run skip it. */
  heldBy: string | null;
  heldSubjects: Array<{ holdId: string; subjects: number }>;
  categories: CategoryOutcome[];
  exportFiles: { deleted: number; held: number };
}

export interface StatsView {
  tables: Record<string, TableStats>;
  totalEvents: number;
  anonymizedEvents: number;
  /** Percentage of events rows that are anonymised, one decimal. */
  anonymizationRate: number;
}

export interface RetentionReport {
  jobId: string;
  dryRun: boolean;
  tenantId: string | null;
  startedAt: string;
  finishedAt: string;
  durationMs: number;
  before: StatsView;
  after: StatsView;
  tenants: TenantOutcome[];
  /** Rows per category, summed over tenants (a category's shared events rows included). */
  totals: { anonymized: Record<DataCategory, number>; deleted: Record<DataCategory, number>; rowsAnonymized: number; rowsDeleted: number };
  /** What legal holds kept from the run, and why. */
  skipped: Array<{ tenantId: string; holdIds: string[]; reason: string; subjects?: number; rows?: { anonymize: number; delete: number } }>;
  saltsDeleted: number;
  untrackedExportFilesDeleted: number;
  /** Only the late ones; every entry is in /metrics. */
  exposure: { before: ExposureEntry[]; after: ExposureEntry[]; maxOverdueSecondsAfter: number };
}

export interface RetentionRunner {
  run(options?: RetentionRunOptions): Promise<RetentionReport>;
  isRunning(): boolean;
  /** Stops a run at its next chunk boundary (for shutdown) and waits for it; the next run finishes the work. */
  stop(): Promise<void>;
}

/** Categories kept in tables; export files are handled as files. */
const TABLE_CATEGORIES = DATA_CATEGORIES.filter((c) => c !== 'export_files');

const nonZero = (c: TableCounts): TableCounts => Object.fromEntries(Object.entries(c).filter(([, n]) => n > 0));
const sum = (c: TableCounts) => Object.values(c).reduce((a, b) => a + b, 0);
const zeros = () => Object.fromEntries(DATA_CATEGORIES.map((c) => [c, 0])) as Record<DataCategory, number>;

export function toStatsView(tables: Record<string, TableStats>): StatsView {
  const events = tables.events ?? { rows: 0, anonymized: 0 };
  const anonymized = events.anonymized ?? 0;
  return {
    tables,
    totalEvents: events.rows,
    anonymizedEvents: anonymized,
    anonymizationRate: events.rows === 0 ? 0 : Math.round((anonymized / events.rows) * 1000) / 10,
  };
}

interface PlannedCategory {
  outcome: CategoryOutcome;
  deleteSlice: RetentionSlice;
  anonymizeSlice: RetentionSlice;
}

/** Categories whose rows share a table, run together: each chunk is one range of days for all of them. */
interface PlannedGroup {
  categories: PlannedCategory[];
  deleteChunks: RetentionChunk[];
  anonymizeChunks: RetentionChunk[];
}

/** Adds a chunk's rows per category and table to the categories' outcomes. */
function addCounts(group: PlannedGroup, counts: CategoryCounts, field: 'anonymized' | 'deleted'): number {
  let rows = 0;
  for (const c of group.categories) {
    for (const [table, n] of Object.entries(counts[c.outcome.category] ?? {})) {
      if (n <= 0) continue;
      c.outcome[field][table] = (c.outcome[field][table] ?? 0) + n;
      rows += n;
    }
  }
  return rows;
}

/**
 * The retention job. For each tenant and category it deletes what is past its deletion age,
 * then strips the identifiers of what is past its detail window, in chunks of bounded size,
 * each its own transaction. Categories whose rows share a table (events, errors and learning
 * milestones share `events` rows) are planned together: a chunk is a range of whole days in
 * which every one of them is done, each with its own cutoffs. Everything is relative to the run's start time and selects only
 * rows still due, so a run after downtime does all that is due, a second run finds nothing,
 * and a run killed midway is finished by the next one. A dry run counts the same rows with the
 * same conditions and changes nothing.
 */
export function createRetentionRunner(deps: {
  lifecycle: LifecycleStore;
  jobs: PrivacyJobStore;
  exports: ExpiredExports;
  exposure: PiiExposure;
  tenants: TenantService;
  policies: RetentionPolicies;
  holds: LegalHolds;
  salts: SaltService;
  audit: AuditLog;
  clock: Clock;
  logger: Logger;
  /** Most rows one chunk (one transaction) touches, except that one day is never split. */
  chunkRows: number;
}): RetentionRunner {
  const log = deps.logger.child({ component: 'retention' });
  let current: Promise<unknown> | null = null;
  let stopping = false;
  const checkStop = () => {
    if (stopping) throw new EbbError('EBB_SHUTTING_DOWN', 'The retention run stopped because Ebb is shutting down; the next run finishes the work.');
  };

  const plan = async (tenantId: string, now: Date, dryRun: boolean): Promise<{ outcome: TenantOutcome; groups: PlannedGroup[]; skipped: RetentionReport['skipped'] }> => {
    const holds = await deps.holds.active(tenantId);
    const outcome: TenantOutcome = { tenantId, heldBy: null, heldSubjects: [], categories: [], exportFiles: { deleted: 0, held: 0 } };
    if (holds.tenant) {
      outcome.heldBy = holds.tenant.id;
      return { outcome, groups: [], skipped: [{ tenantId, holdIds: [holds.tenant.id], reason: 'the whole tenant is under a legal hold' }] };
    }
    outcome.heldSubjects = holds.subjects.map((s) => ({ holdId: s.hold.id, subjects: s.subjectIds.length }));
    const policy = await deps.policies.forTenant(tenantId);
    const held = holds.subjectIds;
    const except = held.length > 0 ? { except: held } : undefined;
    const categories = new Map<DataCategory, PlannedCategory>();
    for (const category of TABLE_CATEGORIES) {
      const window = policy[category];
      const { anonymizeDueAt, deleteDueAt } = retentionCutoffs(window, now);
      const deleteSlice: RetentionSlice = { tenantId, category, dueAt: deleteDueAt, subjects: except };
      // Rows past deletion age are deleted first, so anonymisation only takes the younger ones.
      const anonymizeSlice: RetentionSlice = { tenantId, category, dueAt: anonymizeDueAt, after: deleteDueAt, subjects: except };
      const heldCount = held.length === 0
        ? { anonymize: 0, delete: 0 }
        : {
            anonymize: sum(await deps.lifecycle.countDue('anonymize', { ...anonymizeSlice, subjects: { only: held } })),
            delete: sum(await deps.lifecycle.countDue('delete', { ...deleteSlice, subjects: { only: held } })),
          };
      const outcomeCategory: CategoryOutcome = {
        category,
        ...window,
        anonymizeDueAt: anonymizeDueAt.toISOString(),
        deleteDueAt: deleteDueAt.toISOString(),
        anonymized: dryRun ? nonZero(await deps.lifecycle.countDue('anonymize', anonymizeSlice)) : {},
        deleted: dryRun ? nonZero(await deps.lifecycle.countDue('delete', deleteSlice)) : {},
        held: heldCount,
      };
      outcome.categories.push(outcomeCategory);
      categories.set(category, { outcome: outcomeCategory, deleteSlice, anonymizeSlice });
    }
    const groups: PlannedGroup[] = [];
    for (const names of retentionGroups(TABLE_CATEGORIES)) {
      const members = names.map((c) => categories.get(c)!);
      groups.push({
        categories: members,
        deleteChunks: dryRun ? [] : planChunks(await deps.lifecycle.dueByDay('delete', members.map((c) => c.deleteSlice)), deps.chunkRows),
        anonymizeChunks: dryRun ? [] : planChunks(await deps.lifecycle.dueByDay('anonymize', members.map((c) => c.anonymizeSlice)), deps.chunkRows),
      });
    }
    const skipped: RetentionReport['skipped'] = holds.subjects.length === 0 ? [] : [{
      tenantId,
      holdIds: holds.subjects.map((s) => s.hold.id),
      reason: 'subjects under legal hold',
      subjects: held.length,
      rows: outcome.categories.reduce((a, c) => ({ anonymize: a.anonymize + c.held.anonymize, delete: a.delete + c.held.delete }), { anonymize: 0, delete: 0 }),
    }];
    return { outcome, groups, skipped };
  };

  const run = async (options: RetentionRunOptions = {}): Promise<RetentionReport> => {
    const dryRun = options.dryRun === true;
    const progress = options.progress ?? (() => {});
    const actor = options.actor ?? 'system:retention';
    const now = deps.clock.now();
    const started = performance.now();
    const tenants = options.tenantId ? [await deps.tenants.get(options.tenantId)] : await deps.tenants.list();

    // A run still marked running was stopped (this process runs one at a time): this run finishes its work.
    for (const stale of await deps.jobs.listJobs({ kind: 'retention', states: ['running'], limit: 1000 })) {
      await deps.jobs.updateJob(stale.id, { state: 'failed', finishedAt: now, error: 'interrupted: the process stopped during the run; a later run did the rest' });
    }
    const jobId = `pj_${uuidv7(now.getTime()).replaceAll('-', '')}`;
    await deps.jobs.insertJob({
      id: jobId, tenantId: options.tenantId ?? null, kind: 'retention', state: 'running', requester: actor, subjectId: null,
      params: { dryRun, tenantId: options.tenantId ?? null }, graceDeadline: null, result: null, file: null, fileDeletedAt: null,
      expiresAt: null, error: null, attempts: 1, createdAt: now, startedAt: now, finishedAt: null,
    });

    try {
      progress({ step: 'measuring' });
      const before = toStatsView(await deps.lifecycle.stats(options.tenantId));
      const exposureBefore = await deps.exposure.measure(options.tenantId);

      const planned: Array<Awaited<ReturnType<typeof plan>>> = [];
      for (const t of tenants) planned.push(await plan(t.id, now, dryRun));
      const total = planned.reduce((a, p) => a + p.groups.reduce((b, g) => b + [...g.deleteChunks, ...g.anonymizeChunks].reduce((x, k) => x + k.rows, 0), 0), 0);
      let done = 0;

      const totals: RetentionReport['totals'] = { anonymized: zeros(), deleted: zeros(), rowsAnonymized: 0, rowsDeleted: 0 };
      for (const p of planned) {
        const { outcome } = p;
        for (const g of p.groups) {
          const names = g.categories.map((c) => c.outcome.category);
          const step = (what: string) => `${outcome.tenantId}: ${what} ${names.join(', ')}`;
          for (const chunk of g.deleteChunks) {
            checkStop();
            const counts = await deps.lifecycle.deleteBefore(g.categories.map((c) => ({ ...c.deleteSlice, from: chunk.from, to: chunk.to })));
            const rows = addCounts(g, counts, 'deleted');
            done += chunk.rows;
            log.debug({ tenantId: outcome.tenantId, categories: names, stage: 'delete', rows }, 'retention chunk committed');
            progress({ step: step('deleting'), done, total });
          }
          for (const chunk of g.anonymizeChunks) {
            checkStop();
            const counts = await deps.lifecycle.anonymizeBefore(g.categories.map((c) => ({ ...c.anonymizeSlice, from: chunk.from, to: chunk.to })), now);
            const rows = addCounts(g, counts, 'anonymized');
            done += chunk.rows;
            log.debug({ tenantId: outcome.tenantId, categories: names, stage: 'anonymize', rows }, 'retention chunk committed');
            progress({ step: step('anonymising'), done, total });
          }
        }
        for (const c of outcome.categories) {
          totals.anonymized[c.category] += sum(c.anonymized);
          totals.deleted[c.category] += sum(c.deleted);
        }
        if (!outcome.heldBy) {
          const policy = await deps.policies.forTenant(outcome.tenantId);
          const { deleteDueAt } = retentionCutoffs(policy.export_files, now);
          const heldSubjects = (await deps.holds.active(outcome.tenantId)).subjectIds;
          outcome.exportFiles = await deps.exports.sweepTenant({ tenantId: outcome.tenantId, before: deleteDueAt, heldSubjects, dryRun });
          totals.deleted.export_files += outcome.exportFiles.deleted;
        }
        await deps.audit.record({
          tenantId: outcome.tenantId,
          actor,
          action: dryRun ? 'retention.dry_run' : 'retention.run',
          target: jobId,
          details: {
            heldBy: outcome.heldBy,
            anonymized: Object.fromEntries(outcome.categories.map((c) => [c.category, c.anonymized])),
            deleted: Object.fromEntries(outcome.categories.map((c) => [c.category, c.deleted])),
            held: Object.fromEntries(outcome.categories.filter((c) => c.held.anonymize + c.held.delete > 0).map((c) => [c.category, c.held])),
            exportFiles: outcome.exportFiles,
          },
        });
      }
      totals.rowsAnonymized = Object.values(totals.anonymized).reduce((a, b) => a + b, 0);
      totals.rowsDeleted = Object.values(totals.deleted).reduce((a, b) => a + b, 0) - totals.deleted.export_files;

      // Visitor salts older than 48 hours: without them no visitor id of those days can be recomputed.
      const saltsDeleted = dryRun ? await deps.lifecycle.countSaltsBefore(saltCutoffDay(now)) : (await deps.salts.rotate()).deleted;
      // Files no job tracks belong to no tenant: only a run over every tenant sweeps them, by the default policy.
      const untracked = options.tenantId
        ? { deleted: 0 }
        : await deps.exports.sweepUntracked({ before: new Date(now.getTime() - DEFAULT_RETENTION.export_files.deleteAfterDays * DAY_MS), dryRun });

      const after = toStatsView(await deps.lifecycle.stats(options.tenantId));
      const exposureAfter = await deps.exposure.measure(options.tenantId);
      const finished = deps.clock.now();
      const report: RetentionReport = {
        jobId,
        dryRun,
        tenantId: options.tenantId ?? null,
        startedAt: now.toISOString(),
        finishedAt: finished.toISOString(),
        durationMs: Math.round(performance.now() - started),
        before,
        after,
        tenants: planned.map((p) => p.outcome),
        totals,
        skipped: planned.flatMap((p) => p.skipped),
        saltsDeleted,
        untrackedExportFilesDeleted: untracked.deleted,
        exposure: {
          before: exposureBefore.filter((e) => e.overdueSeconds > 0),
          after: exposureAfter.filter((e) => e.overdueSeconds > 0),
          maxOverdueSecondsAfter: exposureAfter.reduce((m, e) => Math.max(m, e.overdueSeconds), 0),
        },
      };
      const summary = {
        dryRun, totals, saltsDeleted, untrackedExportFilesDeleted: untracked.deleted, skipped: report.skipped,
        tenants: report.tenants.length, durationMs: report.durationMs, anonymizationRate: { before: before.anonymizationRate, after: after.anonymizationRate },
      };
      if (!options.tenantId) {
        await deps.audit.record({ tenantId: null, actor, action: dryRun ? 'retention.dry_run' : 'retention.run', target: jobId, details: summary });
      }
      await deps.jobs.updateJob(jobId, { state: 'succeeded', finishedAt: finished, result: summary });
      log.info({ jobId, dryRun, anonymized: totals.rowsAnonymized, deleted: totals.rowsDeleted, ms: report.durationMs }, 'retention run finished');
      return report;
    } catch (err) {
      await deps.jobs.updateJob(jobId, { state: 'failed', finishedAt: deps.clock.now(), error: err instanceof Error ? err.message.slice(0, 1000) : String(err) }).catch(() => undefined);
      throw err;
    }
  };

  return {
    async run(options) {
      if (current) throw new EbbError('EBB_RETENTION_RUNNING');
      if (stopping) throw new EbbError('EBB_SHUTTING_DOWN');
      const p = run(options);
      current = p;
      try {
        return await p;
      } finally {
        current = null;
      }
    },
    isRunning: () => current !== null,
    async stop() {
      stopping = true;
      await current?.catch(() => undefined);
    },
  };
}
