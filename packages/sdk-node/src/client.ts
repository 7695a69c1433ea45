import { randomUUID } from 'node:crypto';
import { LIMITS, type EventInput } from '@ebb/contracts';
import { backoffDelay } from './backoff.ts';
import { EbbClientError, type DeliveryProblem } from './client-error.ts';
import { createTransport } from './transport.ts';

/** Everything of a wire event but its type. `id` and `occurredAt` are filled in when absent. */
export type EventFields = Omit<EventInput, 'type'>;

export interface ErrorFields extends EventFields {
  /** The event type; `api_error` unless given. */
  eventType?: string;
}

export interface ClientOptions {
  /** Ebb's base URL, e.g. `http://127.0.0.1:8080`. */
  endpoint: string;
  /** A server key (`ebb_srv_...`). */
  key: string;
  /** Events per request (at most 1,000). Default 100. */
  batchSize?: number;
  /** A partial batch is sent after this long. Default 1,000 ms. */
  flushIntervalMs?: number;
  /** Events held in memory at most, queued and in flight together; more are dropped and counted. Default 10,000. */
  maxQueue?: number;
  /** Per request. Default 10,000 ms. */
  timeoutMs?: number;
  retry?: {
    /** Default 500 ms. */
    baseDelayMs?: number;
    /** Default 30,000 ms. */
    maxDelayMs?: number;
    /** A batch is given up when it cannot be delivered within this time of its first try. Default 10 minutes. */
    maxElapsedMs?: number;
  };
  /** Flush once more when the process is about to exit on its own (`beforeExit`). Default true. */
  flushOnExit?: boolean;
  /** Told about every delivery problem. Whatever it throws is ignored. */
  onError?: (error: EbbClientError) => void;
  /** Deliver through this `fetch` (for tests, or a proxying fetch); node:http with keep-alive by default. */
  fetch?: typeof fetch;
  now?: () => number;
  random?: () => number;
}

export interface ClientStats {
  /** Waiting to be sent. */
  queued: number;
  /** In the batch being sent or waiting to be retried. */
  inFlight: number;
  /** Stored by Ebb. */
  accepted: number;
  /** Already stored earlier (a retry of a delivered batch). */
  duplicates: number;
  /** Accepted by Ebb but not stored by its privacy rules (consent refused, privacy signal). */
  filtered: number;
  /** Refused by Ebb as invalid. */
  rejected: number;
  /** Lost on this side, all reasons together. */
  dropped: number;
  droppedBy: Record<'queueFull' | 'retriesExhausted' | 'invalid' | 'refused' | 'closed', number>;
  requests: number;
  retries: number;
}

export interface EbbClient {
  track(type: string, fields?: EventFields): void;
  page(path: string, fields?: EventFields): void;
  error(error: unknown, fields?: ErrorFields): void;
  /** Resolves when everything queued before the call is delivered or given up (or after `timeoutMs`); never rejects. */
  flush(options?: { timeoutMs?: number }): Promise<void>;
  /** Stops accepting events, delivers what it can within `timeoutMs` (default 5,000) and drops the rest; never rejects. */
  close(options?: { timeoutMs?: number }): Promise<void>;
  stats(): ClientStats;
}

interface Entry {
  seq: number;
  event: EventInput;
}

interface Batch {
  firstSeq: number;
  lastSeq: number;
  count: number;
  body: string;
  attempts: number;
  firstTriedAt: number;
  /** Given up by close(); a late answer is ignored. */
  abandoned: boolean;
}

// The envelope `{"events":[]}` plus commas leave plenty of room under the 1 MiB body limit.
const MAX_BODY_BYTES = LIMITS.batchMaxBytes - 16 * 1024;

/**
 * A client that never throws into and never blocks its host: calls only queue, delivery happens
 * in the background, and every failure is counted (see `stats()`) and reported to `onError`.
 */
export function createClient(options: ClientOptions): EbbClient {
  const now = options.now ?? Date.now;
  const batchSize = clamp(options.batchSize ?? 100, 1, LIMITS.batchMaxEvents);
  const maxQueue = Math.max(1, options.maxQueue ?? 10_000);
  const flushIntervalMs = Math.max(10, options.flushIntervalMs ?? 1000);
  const backoff = { baseDelayMs: options.retry?.baseDelayMs ?? 500, maxDelayMs: options.retry?.maxDelayMs ?? 30_000 };
  const maxElapsedMs = options.retry?.maxElapsedMs ?? 10 * 60_000;
  const send = createTransport({
    endpoint: options.endpoint,
    key: options.key,
    timeoutMs: options.timeoutMs ?? 10_000,
    fetch: options.fetch,
    now,
  });

  const queue: Entry[] = [];
  let head = 0; // queue[head..] are waiting; shifting a long array on every batch would be O(n)
  let lastSeq = 0;
  let pending: Batch | null = null;
  let pumping = false;
  let retryTimer: NodeJS.Timeout | null = null;
  let sendPartial = false;
  let closed = false;
  let overflowReported = false;
  const waiters: Array<{ target: number; resolve: () => void }> = [];
  const s: ClientStats = {
    queued: 0, inFlight: 0, accepted: 0, duplicates: 0, filtered: 0, rejected: 0, dropped: 0,
    droppedBy: { queueFull: 0, retriesExhausted: 0, invalid: 0, refused: 0, closed: 0 },
    requests: 0, retries: 0,
  };

  const waiting = () => queue.length - head;

  function report(problem: DeliveryProblem, message: string, events: number, status?: number): void {
    if (!options.onError) return;
    try {
      options.onError(new EbbClientError(problem, message, events, status));
    } catch {
      // The hook is the app's; its failures must not reach the delivery loop.
    }
  }

  function drop(reason: keyof ClientStats['droppedBy'], n: number): void {
    s.droppedBy[reason] += n;
    s.dropped += n;
  }

  const interval = setInterval(() => {
    if (waiting() > 0) {
      sendPartial = true;
      void pump();
    }
  }, flushIntervalMs);
  interval.unref();

  function enqueue(event: EventInput): void {
    if (closed) {
      drop('closed', 1);
      return;
    }
    if (waiting() + (pending?.count ?? 0) >= maxQueue) {
      drop('queueFull', 1);
      if (!overflowReported) {
        overflowReported = true;
        report('queue_full', `the queue holds ${maxQueue} events; new events are dropped until Ebb catches up`, 1);
      }
      return;
    }
    queue.push({ seq: ++lastSeq, event });
    if (waiting() >= batchSize && !pumping && retryTimer === null) queueMicrotask(() => void pump());
  }

  function takeBatch(): Batch | null {
    const parts: string[] = [];
    let bytes = 0;
    const firstSeq = queue[head]!.seq;
    let lastTaken = firstSeq;
    while (head < queue.length && parts.length < batchSize) {
      const entry = queue[head]!;
      let json: string;
      try {
        json = JSON.stringify(entry.event);
      } catch {
        // A cycle or a BigInt in props: this event cannot be sent.
        drop('invalid', 1);
        report('invalid', 'an event could not be serialised as JSON and was dropped', 1);
        lastTaken = entry.seq;
        head++;
        continue;
      }
      if (parts.length > 0 && bytes + json.length + 1 > MAX_BODY_BYTES) break;
      parts.push(json);
      bytes += json.length + 1;
      lastTaken = entry.seq;
      head++;
    }
    if (head > 1024 && head * 2 > queue.length) {
      queue.splice(0, head);
      head = 0;
    }
    if (parts.length === 0) return null;
    return { firstSeq, lastSeq: lastTaken, count: parts.length, body: `{"events":[${parts.join(',')}]}`, attempts: 0, firstTriedAt: now(), abandoned: false };
  }

  function settledUpTo(): number {
    if (pending) return pending.firstSeq - 1;
    if (waiting() > 0) return queue[head]!.seq - 1;
    return lastSeq;
  }

  function notify(): void {
    const settled = settledUpTo();
    for (let i = waiters.length - 1; i >= 0; i--) {
      if (waiters[i]!.target <= settled) waiters.splice(i, 1)[0]!.resolve();
    }
    if (waiting() === 0) {
      sendPartial = false;
      overflowReported = false;
    }
  }

  async function pump(): Promise<void> {
    if (pumping || retryTimer !== null) return;
    pumping = true;
    try {
      for (;;) {
        if (!pending) {
          if (waiting() === 0) break;
          if (waiting() < batchSize && !sendPartial && waiters.length === 0) break;
          pending = takeBatch();
          notify();
          if (!pending) continue;
        }
        const batch = pending;
        batch.attempts++;
        s.requests++;
        const outcome = await send(batch.body);
        if (batch.abandoned) break;
        if (outcome.kind === 'ok') {
          const r = outcome.result;
          s.accepted += r.accepted ?? 0;
          s.duplicates += r.duplicates ?? 0;
          s.filtered += r.dropped ?? 0;
          const rejected = Array.isArray(r.rejected) ? r.rejected.length : 0;
          s.rejected += rejected;
          if (rejected > 0) report('rejected', `Ebb refused ${rejected} event(s): ${r.rejected[0]?.code ?? ''} ${r.rejected[0]?.message ?? ''}`.trim(), rejected, 200);
          pending = null;
        } else if (outcome.kind === 'fail') {
          if (outcome.allRejected) {
            s.rejected += batch.count;
            report('rejected', outcome.message, batch.count, outcome.status);
          } else {
            drop('refused', batch.count);
            report('refused', `${outcome.message}; check the endpoint and the key`, batch.count, outcome.status);
          }
          pending = null;
        } else {
          report(outcome.reason, outcome.message, batch.count, outcome.status);
          const delay = Math.max(backoffDelay(batch.attempts - 1, backoff, options.random), outcome.retryAfterMs ?? 0);
          if (now() + delay - batch.firstTriedAt > maxElapsedMs) {
            drop('retriesExhausted', batch.count);
            report('retries_exhausted', `gave up after ${batch.attempts} attempt(s) over ${now() - batch.firstTriedAt} ms`, batch.count, outcome.status);
            pending = null;
          } else {
            s.retries++;
            retryTimer = setTimeout(() => {
              retryTimer = null;
              void pump();
            }, delay);
            retryTimer.unref();
            break;
          }
        }
        notify();
      }
    } catch (err) {
      // Nothing above should throw; if it does, the batch is dropped rather than wedging the loop.
      if (pending) {
        drop('refused', pending.count);
        pending = null;
      }
      report('network', `unexpected failure in delivery: ${String((err as Error)?.message ?? err)}`, 0);
    } finally {
      pumping = false;
      notify();
    }
  }

  function flush(opts: { timeoutMs?: number } = {}): Promise<void> {
    try {
      const target = lastSeq;
      if (settledUpTo() >= target) return Promise.resolve();
      return new Promise<void>((resolve) => {
        let timer: NodeJS.Timeout | null = null;
        const waiter = {
          target,
          resolve: () => {
            if (timer) clearTimeout(timer);
            resolve();
          },
        };
        waiters.push(waiter);
        if (opts.timeoutMs !== undefined) {
          timer = setTimeout(() => {
            const i = waiters.indexOf(waiter);
            if (i >= 0) waiters.splice(i, 1);
            resolve();
          }, opts.timeoutMs);
          timer.unref();
        }
        void pump();
      });
    } catch {
      return Promise.resolve();
    }
  }

  const onBeforeExit = () => void close();

  let closing: Promise<void> | null = null;
  function close(opts: { timeoutMs?: number } = {}): Promise<void> {
    if (closing) return closing;
    closed = true;
    clearInterval(interval);
    process.off('beforeExit', onBeforeExit);
    closing = flush({ timeoutMs: opts.timeoutMs ?? 5000 }).then(() => {
      // Whatever is left could not be delivered in time.
      if (retryTimer) {
        clearTimeout(retryTimer);
        retryTimer = null;
      }
      if (pending) {
        pending.abandoned = true;
        drop('closed', pending.count);
        pending = null;
      }
      const left = waiting();
      if (left > 0) {
        drop('closed', left);
        report('closed', `${left} event(s) were not delivered before close`, left);
        queue.length = 0;
        head = 0;
      }
      notify();
    }, () => undefined);
    return closing;
  }

  if (options.flushOnExit ?? true) process.on('beforeExit', onBeforeExit);

  function safe<A extends unknown[]>(fn: (...args: A) => void): (...args: A) => void {
    return (...args) => {
      try {
        fn(...args);
      } catch {
        drop('invalid', 1);
      }
    };
  }

  return {
    track: safe((type: string, fields?: EventFields) => {
      enqueue({ ...fields, id: fields?.id ?? randomUUID(), occurredAt: fields?.occurredAt ?? now(), type });
    }),
    page: safe((path: string, fields?: EventFields) => {
      enqueue({ ...fields, id: fields?.id ?? randomUUID(), occurredAt: fields?.occurredAt ?? now(), type: 'page_view', page: { ...fields?.page, path } });
    }),
    error: safe((error: unknown, fields?: ErrorFields) => {
      const { eventType, ...rest } = fields ?? {};
      const e = error instanceof Error ? error : null;
      enqueue({
        ...rest,
        id: rest.id ?? randomUUID(),
        occurredAt: rest.occurredAt ?? now(),
        type: eventType ?? 'api_error',
        error: {
          type: (e?.name || 'Error').slice(0, 64),
          message: (e ? e.message : String(error)).slice(0, LIMITS.textMaxLength),
          ...(e?.stack ? { stack: e.stack.slice(0, LIMITS.stackMaxLength) } : {}),
          ...rest.error,
        },
      });
    }),
    flush,
    close,
    stats: () => ({ ...s, droppedBy: { ...s.droppedBy }, queued: waiting(), inFlight: pending?.count ?? 0 }),
  };
}

function clamp(n: number, min: number, max: number): number {
  return Math.min(max, Math.max(min, Math.floor(n)));
}
