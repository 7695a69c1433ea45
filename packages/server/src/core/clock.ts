/** Time as a port, so lifecycle and ingest rules can be tested at their boundaries. */
export interface Clock {
  now(): Date;
}

export const systemClock: Clock = { now: () => new Date() };

/** A clock tests move by hand. */
export function createManualClock(start: Date | string | number): Clock & { set(t: Date | string | number): void; advance(ms: number): void } {
  let current = new Date(start).getTime();
  return {
    now: () => new Date(current),
    set: (t) => { current = new Date(t).getTime(); },
    advance: (ms) => { current += ms; },
  };
}

export const DAY_MS = 24 * 60 * 60 * 1000;
