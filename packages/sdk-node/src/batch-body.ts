/**
 * The JSON body of a batch (`{"events":[...]}`), written event by event into one buffer off the JS
 * heap that is reused body after body. Joined as a string, a body of a few hundred kilobytes was a
 * large object of its own every batch, flattened twice (once for its length, once for the socket),
 * and the fresh pages it took each cost a page fault: together most of the CPU the client spent per
 * event. The buffer starts small and doubles as needed up to the largest body Ebb accepts, so a
 * client with small batches holds little memory per queued body.
 */
export interface BatchBodyWriter {
  /** Starts a body (the buffer is written over). */
  begin(): void;
  /** Appends one event's JSON; false (and nothing written) when the body cannot take it. */
  add(json: string): boolean;
  /**
   * For an event written in place: the buffer, where the event starts (after the comma that will
   * separate it from the one before) and the offset it must end by. Nothing counts until commit();
   * grow() moves the limit, and the buffer, when the event does not fit.
   */
  target(): Buffer;
  start(): number;
  limit(): number;
  /** Doubles the buffer, keeping what is written, up to the largest body; false when it is already that big. */
  grow(): boolean;
  /** The event written from start() ends at `end`. */
  commit(end: number): void;
  /** Events in the body. */
  count(): number;
  /** Closes the body and returns it: a view of the buffer, valid until the next `begin()`. */
  end(): Buffer;
}

const OPEN = '{"events":[';
const CLOSE = ']}';

/** `maxBytes`: the largest body Ebb accepts; `initialBytes`: the buffer's first size. */
export function createBatchBodyWriter(maxBytes: number, initialBytes = maxBytes): BatchBodyWriter {
  let buf: Buffer | null = null;
  let used = 0;
  let count = 0;
  const room = () => buf!.length - CLOSE.length;

  function grow(): boolean {
    const b = buf!;
    if (b.length >= maxBytes) return false;
    // Not from the shared pool: the buffer lives as long as the writer.
    const next = Buffer.allocUnsafeSlow(Math.min(maxBytes, b.length * 2));
    b.copy(next, 0, 0, used);
    buf = next;
    return true;
  }

  return {
    begin() {
      buf ??= Buffer.allocUnsafeSlow(Math.max(OPEN.length + CLOSE.length + 1, Math.min(maxBytes, initialBytes)));
      used = buf.write(OPEN, 0, 'latin1');
      count = 0;
    },
    add(json) {
      const comma = count === 0 ? 0 : 1;
      // A UTF-16 unit never takes more than 3 bytes in UTF-8; measure exactly only near the limit.
      if (used + comma + json.length * 3 > room()) {
        const bytes = Buffer.byteLength(json, 'utf8');
        while (used + comma + bytes > room()) if (!grow()) return false;
      }
      const b = buf!;
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
    limit() {
      return room();
    },
    grow,
    commit(end) {
      if (count > 0) buf![used] = 0x2c; // ','
      used = end;
      count++;
    },
    count() {
      return count;
    },
    end() {
      const b = buf!;
      used += b.write(CLOSE, used, 'latin1');
      return b.subarray(0, used);
    },
  };
}
