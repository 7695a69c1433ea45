import type { Tracker } from './tracker.ts';

let current: Tracker | undefined;

/** The last tracker created, for the React helpers when none is passed. */
export function currentTracker(): Tracker | undefined {
  return current;
}

export function setCurrentTracker(tracker: Tracker): void {
  current = tracker;
}
