import { EbbError } from '../core/errors.ts';

/**
 * The days an analytics answer covers, in the time zone that says where a day begins. `start`
 * and `end` are the UTC instants of the first day's local midnight and of the midnight after the
 * last day (exclusive), so queries filter on instants and group by local date.
 */
export interface DateRange {
  /** First day, YYYY-MM-DD (local). */
  readonly from: string;
  /** Last day, included, YYYY-MM-DD (local). */
  readonly to: string;
  readonly timeZone: string;
  readonly start: Date;
  readonly end: Date;
  readonly days: number;
}

export const DEFAULT_RANGE_DAYS = 30;
export const MAX_RANGE_DAYS = 732;
const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
const DAY_MS = 86_400_000;

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatter(timeZone: string): Intl.DateTimeFormat {
  let f = formatters.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', { timeZone, hourCycle: 'h23', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit' });
    formatters.set(timeZone, f);
  }
  return f;
}

/** The canonical name of an IANA time zone (default UTC), or EBB_TIME_ZONE_UNKNOWN. */
export function parseTimeZone(raw: unknown): string {
  if (raw === undefined || raw === '') return 'UTC';
  if (typeof raw !== 'string' || raw.length > 64 || !/^[A-Za-z][A-Za-z0-9_+\-/]*$/.test(raw)) {
    throw new EbbError('EBB_TIME_ZONE_UNKNOWN', 'tz must be one IANA time zone name, such as Europe/Berlin.');
  }
  try {
    return formatter(raw).resolvedOptions().timeZone;
  } catch {
    throw new EbbError('EBB_TIME_ZONE_UNKNOWN', `"${raw}" is not an IANA time zone name (for example Europe/Berlin or America/New_York).`);
  }
}

function fields(timeZone: string, t: number): { y: number; m: number; d: number; h: number; mi: number; s: number } {
  const out: Record<string, number> = {};
  for (const p of formatter(timeZone).formatToParts(new Date(t))) if (p.type !== 'literal') out[p.type] = Number(p.value);
  return { y: out.year!, m: out.month!, d: out.day!, h: out.hour!, mi: out.minute!, s: out.second! };
}

/** Offset of local time from UTC at instant t, in ms (whole seconds). */
function offsetAt(timeZone: string, t: number): number {
  const f = fields(timeZone, t);
  return Date.UTC(f.y, f.m - 1, f.d, f.h, f.mi, f.s) - (t - (((t % 1000) + 1000) % 1000));
}

const pad = (n: number, w = 2) => String(n).padStart(w, '0');

/** The local calendar date of an instant. */
export function localDate(instant: Date, timeZone: string): string {
  const f = fields(timeZone, instant.getTime());
  return `${pad(f.y, 4)}-${pad(f.m)}-${pad(f.d)}`;
}

/** The calendar date n days after (or before) a date. */
export function addDays(date: string, n: number): string {
  const [y, m, d] = date.split('-').map(Number) as [number, number, number];
  return new Date(Date.UTC(y, m - 1, d + n)).toISOString().slice(0, 10);
}

/** Whole days from a to b (b - a). */
export function daysBetween(a: string, b: string): number {
  return Math.round((Date.parse(`${b}T00:00:00Z`) - Date.parse(`${a}T00:00:00Z`)) / DAY_MS);
}

/**
 * The first instant of a local day. Where midnight does not exist (a DST jump at midnight) the
 * day begins at the jump; where it happens twice, at the first.
 */
export function startOfLocalDay(date: string, timeZone: string): Date {
  const [y, m, d] = date.split('-').map(Number) as [number, number, number];
  const wall = Date.UTC(y, m - 1, d);
  let best: number | null = null;
  for (const probe of [wall - 1.5 * DAY_MS, wall, wall + 1.5 * DAY_MS]) {
    const t = wall - offsetAt(timeZone, probe);
    if (localDate(new Date(t), timeZone) === date && (best === null || t < best)) best = t;
  }
  if (best === null) throw new EbbError('EBB_DATE_RANGE_INVALID', `${date} has no local midnight in ${timeZone}.`);
  return new Date(best);
}

function parseDate(raw: unknown, name: string): string | null {
  if (raw === undefined || raw === '') return null;
  const m = typeof raw === 'string' ? DATE.exec(raw) : null;
  if (!m) throw new EbbError('EBB_DATE_RANGE_INVALID', `${name} must be a date written YYYY-MM-DD.`);
  const [, y, mo, d] = m;
  const t = Date.UTC(Number(y), Number(mo) - 1, Number(d));
  if (new Date(t).toISOString().slice(0, 10) !== raw || Number(y) < 2000 || Number(y) >= 2100) {
    throw new EbbError('EBB_DATE_RANGE_INVALID', `${name} is not a calendar date between 2000 and 2099: ${String(raw)}.`);
  }
  return raw as string;
}

/**
 * `from`, `to` and `tz` of a request. Without `to`, the range ends today (local); without `from`,
 * it spans `defaultDays` days up to `to`.
 */
export function parseDateRange(query: { from?: unknown; to?: unknown; tz?: unknown }, now: Date, options: { defaultDays?: number } = {}): DateRange {
  const timeZone = parseTimeZone(query.tz);
  const to = parseDate(query.to, 'to') ?? localDate(now, timeZone);
  const from = parseDate(query.from, 'from') ?? addDays(to, -((options.defaultDays ?? DEFAULT_RANGE_DAYS) - 1));
  const days = daysBetween(from, to) + 1;
  if (days < 1) throw new EbbError('EBB_DATE_RANGE_INVALID', `from (${from}) is after to (${to}).`);
  if (days > MAX_RANGE_DAYS) throw new EbbError('EBB_DATE_RANGE_INVALID', `The range spans ${days} days; at most ${MAX_RANGE_DAYS} are served at once.`);
  return rangeOf(from, to, timeZone);
}

/** The range of the given local days (both included). */
export function rangeOf(from: string, to: string, timeZone: string): DateRange {
  return { from, to, timeZone, start: startOfLocalDay(from, timeZone), end: startOfLocalDay(addDays(to, 1), timeZone), days: daysBetween(from, to) + 1 };
}

/** A single date parameter (such as `as_of`), or the fallback. */
export function parseDay(raw: unknown, name: string, fallback: string): string {
  return parseDate(raw, name) ?? fallback;
}
