export { createTracker, type ConsentState, type Tracker, type TrackerOptions } from './tracker.ts';
export { currentTracker } from './current-tracker.ts';
export { cleanPath } from './page-url.ts';
