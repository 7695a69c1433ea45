/**
 * Remembers the dedupe keys (64-bit hashes of tenant + client event id) of recent events so a
 * retried event is stored once. Two generations of open-addressing tables over typed arrays:
 * about 16 bytes per key instead of ~80 for a Set of bigints. A key is remembered for at
 * least one window (generations rotate once per window) and is reloaded from the store at start.
 */
export interface DedupeIndex {
  has(key: bigint): boolean;
  add(key: bigint): void;
  /** Starts a new generation; keys older than two generations are forgotten. */
  rotate(): void;
  /** Rotates when the current generation is older than `ms`; returns whether it did. */
  rotateIfOlderThan(ms: number, now: number): boolean;
  size(): number;
}

class KeyTable {
  hi: Uint32Array;
  lo: Uint32Array;
  used: Uint8Array;
  count = 0;
  constructor(capacity: number) {
    this.hi = new Uint32Array(capacity);
    this.lo = new Uint32Array(capacity);
    this.used = new Uint8Array(capacity);
  }
  private slot(hi: number, lo: number): number {
    const mask = this.used.length - 1;
    let i = (Math.imul(lo ^ (hi >>> 7), 0x9e3779b1) >>> 0) & mask;
    while (this.used[i] && (this.hi[i] !== hi || this.lo[i] !== lo)) i = (i + 1) & mask;
    return i;
  }
  has(hi: number, lo: number): boolean {
    return this.used[this.slot(hi, lo)] === 1;
  }
  add(hi: number, lo: number): void {
    if ((this.count + 1) * 2 > this.used.length) this.grow();
    const i = this.slot(hi, lo);
    if (this.used[i]) return;
    this.used[i] = 1;
    this.hi[i] = hi;
    this.lo[i] = lo;
    this.count++;
  }
  private grow(): void {
    const old = { hi: this.hi, lo: this.lo, used: this.used };
    const capacity = this.used.length * 2;
    this.hi = new Uint32Array(capacity);
    this.lo = new Uint32Array(capacity);
    this.used = new Uint8Array(capacity);
    this.count = 0;
    for (let i = 0; i < old.used.length; i++) if (old.used[i]) this.add(old.hi[i]!, old.lo[i]!);
  }
}

const split = (key: bigint): [number, number] => [Number((key >> 32n) & 0xffffffffn), Number(key & 0xffffffffn)];

export function createDedupeIndex(initialCapacity = 1 << 16, now = Date.now()): DedupeIndex {
  let current = new KeyTable(initialCapacity);
  let previous = new KeyTable(16);
  let startedAt = now;
  const index: DedupeIndex = {
    has(key) {
      const [hi, lo] = split(key);
      return current.has(hi, lo) || previous.has(hi, lo);
    },
    add(key) {
      const [hi, lo] = split(key);
      current.add(hi, lo);
    },
    rotate() {
      previous = current;
      current = new KeyTable(initialCapacity);
    },
    rotateIfOlderThan(ms, at) {
      if (at - startedAt < ms) return false;
      index.rotate();
      startedAt = at;
      return true;
    },
    size: () => current.count + previous.count,
  };
  return index;
}
