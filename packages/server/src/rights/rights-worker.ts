import type { AuditLog } from '../audit/audit-log.ts';
import type { Clock } from '../core/clock.ts';
import { EbbError, isEbbError } from '../core/errors.ts';
import type { Logger } from '../core/logger.ts';
import type { Progress } from '../control/operation.ts';
import type { PrivacyJobRecord, PrivacyJobStore } from '../store/ports.ts';
import type { ErasureOutcome } from './erasure-runner.ts';
import type { ExportOutcome } from './export-runner.ts';
import { RIGHTS_KINDS } from './rights-requests.ts';

/** Attempts before a job that keeps failing for passing reasons is marked failed. */
export const MAX_ATTEMPTS = 5;
/** How long a legal hold defers an erasure before it is looked at again. */
export const HOLD_RECHECK_MS = 3600_000;

/** Backoff before attempt `n + 1` after `n` failed ones: 10 s, 20 s, 40 s ... at most 10 minutes. */
export const backoffMs = (attempts: number): number => Math.min(10_000 * 2 ** Math.max(0, attempts - 1), 600_000);

/** A failure worth retrying: the store was busy or the disk hiccupped, not a problem with the request. */
export function isTransient(err: unknown): boolean {
  if (isEbbError(err)) return err.status >= 500 && err.code !== 'EBB_ERASURE_NOT_VERIFIED' && err.code !== 'EBB_INTERNAL';
  return true;
}

export interface RightsWorker {
  /** Runs every job that is due now (pending, or scheduled with its grace period over), one after another. */
  runDue(progress?: Progress): Promise<PrivacyJobRecord[]>;
  /** Runs one job now if it is due; returns its record afterwards. */
  runJob(id: string, progress?: Progress): Promise<PrivacyJobRecord>;
  /** Jobs left `running` by a stopped process go back to pending, to be restarted cleanly. */
  recover(): Promise<number>;
  /** Starts looking for due jobs every `intervalMs` (and at once on `kick`). */
  start(intervalMs?: number): void;
  kick(): void;
  stop(): Promise<void>;
}

/**
 * The worker behind rights jobs: moves a job pending/scheduled -> running -> succeeded | failed
 * (or back to scheduled when a legal hold defers an erasure, or to pending with a backoff after a
 * passing failure), and audits every change. The server runs it on a timer; the CLI runs it once.
 */
export function createRightsWorker(deps: {
  jobs: PrivacyJobStore;
  audit: AuditLog;
  clock: Clock;
  logger: Logger;
  runExport: (job: PrivacyJobRecord, progress: Progress) => Promise<ExportOutcome>;
  runErasure: (job: PrivacyJobRecord, progress: Progress) => Promise<ErasureOutcome>;
}): RightsWorker {
  const { jobs, audit, clock, logger } = deps;
  const inFlight = new Set<string>();
  let recovered = false;
  let timer: NodeJS.Timeout | null = null;
  let loop: Promise<unknown> = Promise.resolve();
  let stopped = false;

  const record = (job: PrivacyJobRecord, action: string, details: Record<string, unknown> = {}) =>
    audit.record({ tenantId: job.tenantId, actor: 'job:rights', action: `rights.job.${action}`, target: job.id, details: { kind: job.kind, ...details } });

  const isDue = (job: PrivacyJobRecord, now: Date): boolean =>
    (job.state === 'pending' || job.state === 'scheduled')
    && (job.graceDeadline === null || job.graceDeadline <= now)
    && (!job.runAfter || job.runAfter <= now);

  const recover = async (): Promise<number> => {
    let n = 0;
    for (const job of await jobs.listJobs({ kinds: [...RIGHTS_KINDS], states: ['running'], limit: 10_000 })) {
      if (inFlight.has(job.id)) continue;
      // An export starts over from an empty scratch folder; an erasure deletes what is left (idempotent).
      if (await jobs.transitionJob(job.id, ['running'], { state: 'pending', runAfter: null, error: 'interrupted: the process stopped during the job; it starts again' })) {
        await record(job, 'resumed', { attempts: job.attempts });
        n++;
      }
    }
    recovered = true;
    return n;
  };

  const execute = async (job: PrivacyJobRecord, progress: Progress): Promise<void> => {
    const started = clock.now();
    const attempts = job.attempts + 1;
    if (!(await jobs.transitionJob(job.id, ['pending', 'scheduled'], { state: 'running', startedAt: started, attempts, error: null }))) return;
    inFlight.add(job.id);
    const running = { ...job, state: 'running' as const, startedAt: started, attempts };
    await record(running, 'started', { attempts });
    try {
      if (job.kind === 'export') {
        const out = await deps.runExport(running, progress);
        await jobs.updateJob(job.id, { state: 'succeeded', finishedAt: clock.now(), result: out.result, file: out.file, expiresAt: out.expiresAt, runAfter: null });
        await record(running, 'succeeded', { rows: out.result.rows, bytes: out.result.bytes });
        return;
      }
      const out = await deps.runErasure(running, progress);
      if ('deferred' in out) {
        const runAfter = new Date(clock.now().getTime() + HOLD_RECHECK_MS);
        await jobs.updateJob(job.id, { state: 'scheduled', runAfter, result: { deferred: out.deferred } });
        await record(running, 'deferred', { holdIds: out.deferred.holdIds });
        logger.warn({ jobId: job.id, holdIds: out.deferred.holdIds }, 'erasure deferred by a legal hold');
        return;
      }
      await jobs.updateJob(job.id, { state: 'succeeded', finishedAt: clock.now(), result: out.result, runAfter: null });
      await record(running, 'succeeded', { rowsDeleted: out.result.rowsDeleted, verified: true });
    } catch (err) {
      const message = (err instanceof Error ? err.message : String(err)).slice(0, 2000);
      const code = isEbbError(err) ? err.code : 'EBB_INTERNAL';
      const details = isEbbError(err) && err.details && typeof err.details === 'object' ? (err.details as Record<string, unknown>) : null;
      if (isTransient(err) && attempts < MAX_ATTEMPTS) {
        const runAfter = new Date(clock.now().getTime() + backoffMs(attempts));
        await jobs.updateJob(job.id, { state: 'pending', runAfter, error: `attempt ${attempts} failed (${code}): ${message}; retrying at ${runAfter.toISOString()}` });
        await record(running, 'retry_scheduled', { attempts, code, runAfter: runAfter.toISOString() });
        logger.warn({ jobId: job.id, attempts, err }, 'rights job failed; it is retried');
        return;
      }
      await jobs.updateJob(job.id, { state: 'failed', finishedAt: clock.now(), error: `${code}: ${message}`, ...(details ? { result: (details.verification ?? details) as Record<string, unknown> } : {}) });
      await record(running, 'failed', { attempts, code });
      logger.error({ jobId: job.id, kind: job.kind, code, err }, 'rights job FAILED');
    } finally {
      inFlight.delete(job.id);
    }
  };

  let chain: Promise<unknown> = Promise.resolve();
  /** One job at a time in this process: exports and erasures are heavy, and order is kept. */
  const serial = <T>(fn: () => Promise<T>): Promise<T> => {
    const next = chain.then(fn, fn);
    chain = next.catch(() => undefined);
    return next;
  };

  const runDue = (progress: Progress = () => {}) =>
    serial(async () => {
      if (!recovered) await recover();
      const now = clock.now();
      const candidates = (await jobs.listJobs({ kinds: [...RIGHTS_KINDS], states: ['pending', 'scheduled'], limit: 10_000 }))
        .filter((j) => isDue(j, now))
        .reverse(); // oldest first
      const done: PrivacyJobRecord[] = [];
      for (const job of candidates) {
        if (stopped) break;
        await execute(job, progress);
        const after = await jobs.getJob(job.id);
        if (after) done.push(after);
      }
      return done;
    });

  const kick = () => {
    if (stopped || timer === null) return;
    loop = loop.then(() => runDue()).catch((err: unknown) => logger.error({ err }, 'the rights worker could not run its jobs'));
  };

  return {
    runDue,
    async runJob(id, progress = () => {}) {
      return serial(async () => {
        if (!recovered) await recover();
        const job = await jobs.getJob(id);
        if (!job) throw new EbbError('EBB_RIGHTS_JOB_NOT_FOUND', `No job has the id "${id}".`);
        if (isDue(job, clock.now())) await execute(job, progress);
        return (await jobs.getJob(id))!;
      });
    },
    recover: () => serial(recover),
    start(intervalMs = 5000) {
      if (timer) return;
      stopped = false;
      timer = setInterval(kick, intervalMs);
      timer.unref();
      kick();
    },
    kick,
    async stop() {
      stopped = true;
      if (timer) clearInterval(timer);
      timer = null;
      await loop.catch(() => undefined);
      await chain.catch(() => undefined);
    },
  };
}
