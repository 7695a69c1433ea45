import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { EbbError } from '../core/errors.ts';
import { addDays, localDate, parseDateRange, parseTimeZone, startOfLocalDay } from './date-range.ts';

const codeOf = (fn: () => unknown) => {
  try {
    fn();
  } catch (e) {
    return e instanceof EbbError ? e.code : 'not an EbbError';
  }
  return 'no error';
};

describe('date ranges in a time zone', () => {
  it('bounds local days by their midnights', () => {
    const r = parseDateRange({ from: '2025-01-10', to: '2025-01-12', tz: 'America/New_York' }, new Date('2025-02-01T00:00:00Z'));
    expect(r.start.toISOString()).toBe('2025-01-10T05:00:00.000Z');
    expect(r.end.toISOString()).toBe('2025-01-13T05:00:00.000Z');
    expect(r.days).toBe(3);
  });

  it('follows daylight saving time: 23- and 25-hour days', () => {
    // Europe/Berlin: clocks go forward on 2025-03-30 and back on 2025-10-26.
    const spring = parseDateRange({ from: '2025-03-30', to: '2025-03-30', tz: 'Europe/Berlin' }, new Date());
    expect(spring.end.getTime() - spring.start.getTime()).toBe(23 * 3600_000);
    const autumn = parseDateRange({ from: '2025-10-26', to: '2025-10-26', tz: 'Europe/Berlin' }, new Date());
    expect(autumn.end.getTime() - autumn.start.getTime()).toBe(25 * 3600_000);
  });

  it('starts a day without a midnight at the jump', () => {
    // America/Santiago moved clocks from 00:00 to 01:00 on 2024-09-08.
    const t = startOfLocalDay('2024-09-08', 'America/Santiago');
    expect(localDate(t, 'America/Santiago')).toBe('2024-09-08');
    expect(localDate(new Date(t.getTime() - 1), 'America/Santiago')).toBe('2024-09-07');
  });

  it('every day start is the first instant of that local day (property)', () => {
    const zones = ['UTC', 'Europe/Berlin', 'America/New_York', 'Australia/Lord_Howe', 'Asia/Kolkata', 'Pacific/Chatham', 'America/Havana'];
    fc.assert(fc.property(fc.integer({ min: 0, max: 9000 }), fc.constantFrom(...zones), (n, tz) => {
      const date = addDays('2001-01-01', n);
      const t = startOfLocalDay(date, tz);
      expect(localDate(t, tz)).toBe(date);
      expect(localDate(new Date(t.getTime() - 1000), tz)).toBe(addDays(date, -1));
    }), { numRuns: 300 });
  });

  it('defaults to the 30 days up to today in the zone', () => {
    const now = new Date('2025-06-01T02:00:00Z'); // still 31 May in New York
    const r = parseDateRange({ tz: 'America/New_York' }, now);
    expect(r.to).toBe('2025-05-31');
    expect(r.from).toBe('2025-05-02');
    expect(parseDateRange({}, now).to).toBe('2025-06-01');
  });

  it('refuses malformed dates, inverted and overlong ranges, unknown zones', () => {
    const now = new Date('2025-06-01T00:00:00Z');
    for (const q of [{ from: '2025-02-30' }, { to: '2025/01/01' }, { from: '2025-1-1' }, { from: '2025-03-02', to: '2025-03-01' }, { from: '2020-01-01', to: '2025-01-01' }, { to: ['2025-01-01'] }]) {
      expect(codeOf(() => parseDateRange(q, now))).toBe('EBB_DATE_RANGE_INVALID');
    }
    for (const tz of ['Mars/Olympus', 'Europe/Berlin; DROP', '../etc', ['UTC']]) expect(codeOf(() => parseTimeZone(tz))).toBe('EBB_TIME_ZONE_UNKNOWN');
    expect(parseTimeZone('utc')).toBe('UTC');
  });
});
