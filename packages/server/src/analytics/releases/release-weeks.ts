import { addDays, daysBetween } from '../date-range.ts';

/**
 * Release windows are ISO weeks (Monday to Sunday) of local dates. A period of days is served
 * with the weeks that lie wholly inside it: a partial week has no release of its own.
 */

/** Day of the week of a YYYY-MM-DD date, 0 = Monday. */
export function isoWeekday(date: string): number {
  const d = new Date(`${date}T00:00:00Z`).getUTCDay();
  return (d + 6) % 7;
}

/** The Monday on or before `date`. */
export function weekStartOf(date: string): string {
  return addDays(date, -isoWeekday(date));
}

/** Monday of every week whose seven days are all within [from, to] (both included). */
export function weeksWithin(from: string, to: string): string[] {
  const wd = isoWeekday(from);
  let start = wd === 0 ? from : addDays(from, 7 - wd);
  const out: string[] = [];
  while (daysBetween(start, to) >= 6) {
    out.push(start);
    start = addDays(start, 7);
  }
  return out;
}
