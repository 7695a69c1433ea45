import { EbbError } from '../core/errors.ts';
import type { Logger } from '../core/logger.ts';
import type { EventStore, SubjectRecord } from '../store/ports.ts';
import type { DedupeIndex } from './dedupe-index.ts';
import type { DirectoryEntry } from './subject-directory.ts';
import { sessionUpdates } from './session-updates.ts';
import type { PreparedEvent } from './to-rows.ts';

export interface WriteOutcome {
  written: number;
  duplicates: number;
}

export interface WriterObserver {
  queueDepth(events: number): void;
  committed(events: number, seconds: number): void;
}

export interface IngestWriter {
  /** Resolves once the events are committed; rejects with EBB_OVERLOADED when the queue is full. */
  write(events: PreparedEvent[]): Promise<WriteOutcome>;
  queued(): number;
  /** Waits for everything queued to be committed. */
  drain(): Promise<void>;
}

interface Pending {
  events: PreparedEvent[];
  resolve: (o: WriteOutcome) => void;
  reject: (e: unknown) => void;
}

/**
 * Group commit: requests queue their events; one loop commits whatever has gathered in a single
 * transaction, then answers every request in it. A 2xx is sent only after the commit. Dedupe is
 * decided here, in one place and in order, so two requests carrying the same event id cannot
 * both store it.
 */
export function createIngestWriter(deps: {
  store: EventStore;
  dedupe: DedupeIndex;
  logger: Logger;
  observer?: WriterObserver;
  maxQueuedEvents: number;
  maxGroupEvents?: number;
}): IngestWriter {
  const { store, dedupe, logger, observer } = deps;
  const maxGroup = deps.maxGroupEvents ?? 20_000;
  const queue: Pending[] = [];
  let queuedEvents = 0;
  let running: Promise<void> | null = null;

  const commitGroup = async (group: Pending[]): Promise<WriteOutcome[]> => {
    const seen = new Set<bigint>();
    const outcomes: WriteOutcome[] = [];
    const accepted: PreparedEvent[] = [];
    for (const p of group) {
      let written = 0;
      let duplicates = 0;
      for (const e of p.events) {
        const k = e.row.dedupeKey;
        if (k !== null && (seen.has(k) || dedupe.has(k))) {
          duplicates++;
          continue;
        }
        if (k !== null) seen.add(k);
        accepted.push(e);
        written++;
      }
      outcomes.push({ written, duplicates });
    }
    const newSubjects = new Map<string, DirectoryEntry>();
    for (const e of accepted) if (e.subject && !e.subject.persisted) newSubjects.set(e.subject.subject.id, e.subject);
    const started = performance.now();
    await store.commitIngest({
      newSubjects: [...newSubjects.values()].map((s): SubjectRecord => s.subject),
      events: accepted.map((e) => e.row),
      errors: accepted.flatMap((e) => (e.error ? [e.error] : [])),
      learning: accepted.flatMap((e) => (e.learning ? [e.learning] : [])),
      sessions: sessionUpdates(accepted),
    });
    observer?.committed(accepted.length, (performance.now() - started) / 1000);
    for (const s of newSubjects.values()) s.persisted = true;
    for (const k of seen) dedupe.add(k);
    return outcomes;
  };

  const settle = (group: Pending[], outcomes: WriteOutcome[]) => group.forEach((p, i) => p.resolve(outcomes[i]!));

  const loop = async () => {
    while (queue.length > 0) {
      const group: Pending[] = [];
      let n = 0;
      while (queue.length > 0 && (group.length === 0 || n + queue[0]!.events.length <= maxGroup)) {
        const p = queue.shift()!;
        group.push(p);
        n += p.events.length;
      }
      try {
        settle(group, await commitGroup(group));
      } catch (err) {
        // One request's rows must not fail the others: retry them one by one.
        logger.error({ err, requests: group.length, events: n }, 'group commit failed; retrying requests one at a time');
        for (const p of group) {
          try {
            settle([p], await commitGroup([p]));
          } catch (e) {
            logger.error({ err: e, events: p.events.length }, 'commit failed; the request is answered with an error and nothing of it is stored');
            p.reject(new EbbError('EBB_INTERNAL', 'The events could not be stored. Retry later with the same event ids.', { cause: e }));
          }
        }
      } finally {
        queuedEvents -= n;
        observer?.queueDepth(queuedEvents);
      }
    }
  };

  const kick = () => {
    running ??= loop().finally(() => {
      running = null;
      if (queue.length > 0) kick();
    });
  };

  return {
    write(events) {
      if (events.length === 0) return Promise.resolve({ written: 0, duplicates: 0 });
      if (queuedEvents + events.length > deps.maxQueuedEvents) {
        return Promise.reject(new EbbError('EBB_OVERLOADED', undefined, { retryAfterSeconds: 1 }));
      }
      queuedEvents += events.length;
      observer?.queueDepth(queuedEvents);
      const done = new Promise<WriteOutcome>((resolve, reject) => queue.push({ events, resolve, reject }));
      kick();
      return done;
    },
    queued: () => queuedEvents,
    async drain() {
      while (running) await running;
    },
  };
}
