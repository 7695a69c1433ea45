/**
 * The JSON body of a batch (`{"events":[...]}`), written event by event into one buffer that is
 * reused batch after batch. Joined as a string, a body of a few hundred kilobytes was a large object
 * of its own every batch, flattened twice (once for its length, once for the socket), and the fresh
 * pages it took each cost a page fault: together most of the CPU the client spent per event.
 */
export interface BatchBodyWriter {
  /** Starts a body. */
  begin(): void;
  /** Appends one event's JSON; false (and nothing written) when it does not fit. */
  add(json: string): boolean;
  /**
   * For an event written in place: the buffer, where the event starts (after the comma that will
   * separate it from the one before) and the offset it must end by. Nothing counts until commit().
   */
  target(): Buffer;
  start(): number;
  readonly limit: number;
  /** The event written from start() ends at `end`. */
  commit(end: number): void;
  /** Closes the body and returns it: a view of the buffer, valid until the next `begin()`. */
  end(): Buffer;
  /**
   * The body last returned may still be read by a request that did not finish (a timeout, a
   * connection cut mid-body): the next body is written to a buffer of its own.
   */
  detach(): void;
}

const OPEN = '{"events":[';
const CLOSE = ']}';

/** `maxBytes`: the largest body Ebb accepts. */
export function createBatchBodyWriter(maxBytes: number): BatchBodyWriter {
  let buf: Buffer | null = null;
  let used = 0;
  let count = 0;
  // Room kept for the closing `]}`.
  const limit = maxBytes - CLOSE.length;

  return {
    begin() {
      // Not from the shared pool: the buffer lives as long as the client.
      buf ??= Buffer.allocUnsafeSlow(maxBytes);
      used = buf.write(OPEN, 0, 'latin1');
      count = 0;
    },
    add(json) {
      const b = buf!;
      const comma = count === 0 ? 0 : 1;
      // A UTF-16 unit never takes more than 3 bytes in UTF-8; measure exactly only near the limit.
      if (used + comma + json.length * 3 > limit && used + comma + Buffer.byteLength(json, 'utf8') > limit) return false;
      if (comma === 1) b[used++] = 0x2c; // ','
      used += b.write(json, used, 'utf8');
      count++;
      return true;
    },
    target() {
      return buf!;
    },
    start() {
      return count === 0 ? used : used + 1;
    },
    limit,
    commit(end) {
      if (count > 0) buf![used] = 0x2c; // ','
      used = end;
      count++;
    },
    end() {
      const b = buf!;
      used += b.write(CLOSE, used, 'latin1');
      return b.subarray(0, used);
    },
    detach() {
      buf = null;
    },
  };
}
