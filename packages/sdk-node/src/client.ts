import { randomUUID } from 'node:crypto';
import { LIMITS, type EventInput } from '@ebb/contracts';
import { backoffDelay } from './backoff.ts';
import { createBatchBodyWriter, type BatchBodyWriter } from './batch-body.ts';
import { EbbClientError, type DeliveryProblem } from './client-error.ts';
import type { Classification } from './classify.ts';
import { DOES_NOT_FIT, NOT_RECORDED, type RequestShaper } from './request-event.ts';
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
  /** Events per request (at most 1,000, and under 1 MiB of JSON). Default 1,000: a request costs the sender a few hundred microseconds of CPU whatever its size. */
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

/** A body closed for sending: no more events join it. */
interface Sealed {
  firstSeq: number;
  lastSeq: number;
  writer: BatchBodyWriter;
  /** A view of the writer's buffer: resent as it is on a retry. */
  body: Buffer;
}

interface Batch extends Sealed {
  count: number;
  attempts: number;
  firstTriedAt: number;
  /** Given up by close(); a late answer is ignored. */
  abandoned: boolean;
  /** A request for it failed or ended before writing all of it, and may still read its buffer. */
  bufferHeld: boolean;
}

/**
 * A client that never throws into and never blocks its host: calls only queue, delivery happens
 * in the background, and every failure is counted (see `stats()`) and reported to `onError`.
 */
export function createClient(options: ClientOptions): EbbClient {
  const now = options.now ?? Date.now;
  const batchSize = clamp(options.batchSize ?? LIMITS.batchMaxEvents, 1, LIMITS.batchMaxEvents);
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

  // The queue: each event is written as JSON into a batch body (tracked events when they come,
  // requests recorded by the middleware a batch at a time, below), so what waits is bytes off the
  // JS heap and a batch is ready to send when taken. Bodies fill one at a time and are sealed when
  // full, oldest sent first.
  let open: BatchBodyWriter | null = null;
  let openFirstSeq = 0;
  const sealed: Sealed[] = [];
  // Writers of delivered batches, kept for the next bodies with the buffers they grew.
  const spare: BatchBodyWriter[] = [];
  // A batch of average request events (about 250 bytes each) fits the first buffer.
  const firstBodyBytes = Math.min(LIMITS.batchMaxBytes, Math.max(4096, batchSize * 320));
  let head = 0; // events taken off the queue so far (sent, being sent or given up)
  let lastSeq = 0; // events queued so far
  let pumpScheduled = false;
  // Ids of request events: a random UUID per client and a counter, as unique as a UUID per event
  // (122 random bits) at a fraction of the cost. Given when the event is written, so a retry resends them.
  const idPrefix = randomUUID();
  let idCounter = 0;
  const nextRequestId = () => `${idPrefix}.${(idCounter++).toString(36)}`;
  const idPrefixJson = Buffer.from(`"${idPrefix}.`);
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

  // Requests recorded by the middleware wait as rows of their parts (strings and numbers, which
  // cannot change) and are written into the body a batch at a time, just after the response of the
  // request that filled the rows: the writing code then runs in one loop rather than once in every
  // request among the app's own code, which measured several points of a hello-world app's
  // throughput (docs/benchmarks.md). Any other event has the rows written first, so order is kept.
  let rows = 0;
  let rowsScheduled = false;
  let writingRows = false;
  const rowShaper: Array<RequestShaper | undefined> = new Array(batchSize).fill(undefined);
  const rowMethod: string[] = new Array(batchSize).fill('');
  const rowRoute: string[] = new Array(batchSize).fill('');
  const rowStatus = new Float64Array(batchSize);
  const rowDuration = new Float64Array(batchSize);
  const rowEnd = new Float64Array(batchSize);
  const rowUser: Array<string | undefined> = new Array(batchSize).fill(undefined);
  const rowAgent: Array<string | undefined> = new Array(batchSize).fill(undefined);
  const rowIp: Array<string | undefined> = new Array(batchSize).fill(undefined);

  const waiting = () => lastSeq - head + rows;
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

  /** Whether one more event may be queued; counts and reports it when not. */
  function admit(): boolean {
    if (closed) {
      drop('closed', 1);
      return false;
    }
    if (waiting() + (pending === null ? 0 : pending.count) >= maxQueue) {
      drop('queueFull', 1);
      if (!overflowReported) {
        overflowReported = true;
        report('queue_full', `the queue holds ${maxQueue} events; new events are dropped until Ebb catches up`, 1);
      }
      return false;
    }
    return true;
  }

  /** The body events are written to now. */
  function openBody(): BatchBodyWriter {
    if (open === null) {
      open = spare.pop() ?? createBatchBodyWriter(LIMITS.batchMaxBytes, firstBodyBytes);
      open.begin();
      openFirstSeq = lastSeq + 1;
    }
    return open;
  }

  /** Closes the open body for sending, when it holds anything. */
  function seal(): void {
    if (open === null || open.count() === 0) return;
    sealed.push({ firstSeq: openFirstSeq, lastSeq, writer: open, body: open.end() });
    open = null;
  }

  /** An event was written to the open body. */
  function written(): void {
    lastSeq++;
    if (open!.count() >= batchSize) {
      seal();
      sendSoon();
    }
  }

  /** The open body is full: sealed, and a new one opened. */
  function nextBody(): BatchBodyWriter {
    seal();
    sendSoon();
    return openBody();
  }

  function sendSoon(): void {
    if (!pumping && !pumpScheduled && retryTimer === null) {
      pumpScheduled = true;
      queueMicrotask(pumpSoon);
    }
  }

  function pumpSoon(): void {
    pumpScheduled = false;
    void pump();
  }

  /** An event that cannot be sent at all: dropped, counted and reported. */
  function invalid(message: string): void {
    drop('invalid', 1);
    report('invalid', message, 1);
  }

  const tooBig = () => invalid(`an event of more than ${LIMITS.batchMaxBytes} bytes of JSON is more than Ebb takes in one request; it was dropped`);

  /** Queues an event given as JSON text. */
  function enqueueJson(json: string): void {
    if (rows > 0) writeRows();
    let w = openBody();
    if (!w.add(json)) {
      // Too big to join this body: the next one starts with it, unless it fits in none.
      if (w.count() === 0) return tooBig();
      w = nextBody();
      if (!w.add(json)) return tooBig();
    }
    written();
  }

  function enqueue(event: EventInput): void {
    if (!admit()) return;
    let json: string;
    try {
      json = JSON.stringify(event);
    } catch {
      // A cycle or a BigInt in props: this event cannot be sent.
      return invalid('an event could not be serialised as JSON and was dropped');
    }
    enqueueJson(json);
  }

  /** The middleware's path: a finished request written straight into the body, its parts never made an object. */
  function recordRequest(shaper: RequestShaper, method: string, route: string, status: number, durationMs: number, userId: string | undefined, userAgent: string | undefined, ip: string | undefined, kind: Classification | undefined, extra: Record<string, unknown> | undefined): void {
    try {
      if (!admit()) return;
      if (kind !== undefined || extra !== undefined) {
        // Custom classification or props: as JSON text.
        let json: string | null;
        try {
          json = shaper.json(method, route, status, durationMs, now(), userId, userAgent, ip, kind, extra, nextRequestId());
        } catch {
          return invalid('the props of a request could not be serialised as JSON; the request was dropped');
        }
        if (json !== null) enqueueJson(json);
        return;
      }
      // Full, the rows' writing not yet come: written now to make room (unless this is the app's
      // onError, told of a problem while they are being written, recording a request).
      if (rows === batchSize) {
        writeRows();
        if (rows === batchSize) return drop('invalid', 1);
      }
      const r = rows;
      rowShaper[r] = shaper;
      rowMethod[r] = method;
      rowRoute[r] = route;
      rowStatus[r] = status;
      rowDuration[r] = durationMs;
      rowEnd[r] = now();
      rowUser[r] = userId;
      rowAgent[r] = userAgent;
      rowIp[r] = ip;
      rows = r + 1;
      // Written just after this request's response is handed over, not before it.
      if (rows === batchSize && !rowsScheduled) {
        rowsScheduled = true;
        queueMicrotask(writeRowsSoon);
      }
    } catch {
      drop('invalid', 1);
    }
  }

  function writeRowsSoon(): void {
    rowsScheduled = false;
    if (rows === batchSize) writeRows();
  }

  /** The waiting request rows written into bodies, oldest first. */
  function writeRows(): void {
    if (writingRows) return;
    writingRows = true;
    let r = 0;
    try {
      // `rows` read anew each time: a request recorded by the app's onError meanwhile is written too.
      for (; r < rows; r++) writeRow(r);
    } catch {
      drop('invalid', rows - r);
    } finally {
      writingRows = false;
    }
    forgetRows();
  }

  /** Nothing of a request is held once it is written or given up. */
  function forgetRows(): void {
    rowUser.fill(undefined, 0, rows);
    rowAgent.fill(undefined, 0, rows);
    rowIp.fill(undefined, 0, rows);
    rows = 0;
  }

  function writeRow(r: number): void {
    const shaper = rowShaper[r]!;
    let w = openBody();
    let end: number;
    // Not fitting: a bigger buffer, else the next body, else (alone in a body of the largest size) never.
    while ((end = shaper.write(w.target(), w.start(), w.limit(), rowMethod[r]!, rowRoute[r]!, rowStatus[r]!, rowDuration[r]!, rowEnd[r]!, rowUser[r], rowAgent[r], rowIp[r], idPrefixJson, idCounter)) === DOES_NOT_FIT) {
      if (w.grow()) continue;
      if (w.count() === 0) return tooBig();
      w = nextBody();
    }
    if (end === NOT_RECORDED) return;
    idCounter++;
    w.commit(end);
    written();
  }

  /** The oldest sealed body, sealing the open one when nothing else waits. */
  function takeBatch(): Batch | null {
    if (rows > 0) writeRows();
    if (sealed.length === 0) seal();
    const next = sealed.shift();
    if (next === undefined) return null;
    head = next.lastSeq;
    return { ...next, count: next.lastSeq - next.firstSeq + 1, attempts: 0, firstTriedAt: now(), abandoned: false, bufferHeld: false };
  }

  function settledUpTo(): number {
    if (pending) return pending.firstSeq - 1;
    return head;
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
          if (sealed.length === 0 && !sendPartial && waiters.length === 0) break;
          pending = takeBatch();
          notify();
          if (!pending) break;
        }
        const batch = pending;
        batch.attempts++;
        s.requests++;
        const outcome = await send(batch.body);
        // Its buffer is written over by a later body only if every request for it is known to be done with it.
        if (outcome.kind !== 'ok' || !outcome.bodyWritten) batch.bufferHeld = true;
        if (batch.abandoned) break;
        if (outcome.kind === 'ok') {
          if (!batch.bufferHeld && spare.length < 2) spare.push(batch.writer);
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
      if (rows > 0) writeRows();
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
        sealed.length = 0;
        open = null;
        forgetRows();
        head = lastSeq;
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

  const client: EbbClient = {
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
  // Not enumerable: a wrapper made by spreading this client (to change `track`, say) does not carry
  // it, so the middleware records through the wrapper's `track` instead.
  Object.defineProperty(client, RECORD_REQUEST, { value: recordRequest, enumerable: false });
  return client;
}

/**
 * The middleware's way into a client made by `createClient`: a finished request written as its
 * event's JSON straight into the batch body being filled (no event object).
 */
export const RECORD_REQUEST = Symbol('ebb.recordRequest');

export type RecordRequest = (shaper: RequestShaper, method: string, route: string, status: number, durationMs: number, userId: string | undefined, userAgent: string | undefined, ip: string | undefined, kind: Classification | undefined, extra: Record<string, unknown> | undefined) => void;

/** The client's compact request path, when it has one. */
export function requestRecorderOf(client: EbbClient): RecordRequest | undefined {
  const fn = (client as unknown as Record<symbol, unknown>)[RECORD_REQUEST];
  return typeof fn === 'function' ? (fn as RecordRequest) : undefined;
}

function clamp(n: number, min: number, max: number): number {
  return Math.min(max, Math.max(min, Math.floor(n)));
}
