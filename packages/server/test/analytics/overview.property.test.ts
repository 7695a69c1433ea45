import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createManualClock } from '../../src/core/clock.ts';
import { computeOverview } from '../../src/analytics/metrics/overview.ts';
import { addDays, localDate, rangeOf } from '../../src/analytics/date-range.ts';
import { startTestServer, type TestServer } from '../helpers/harness.ts';
import { insertEvents, metricDb, type EventFixture } from './analytics-fixtures.ts';

/**
 * The overview's people counts come from per-person bit sets (a bit per day of the window and per
 * event type). Here they are checked against the plain definition, computed in JavaScript from
 * the same rows: random events of identified people, anonymous visitors and anonymised rows, in
 * time zones with daylight-saving changes (Lord Howe's is half an hour), over ranges short and
 * long enough to need several 63-bit words, with more event types than one word holds.
 */
let t: TestServer;
let db: Awaited<ReturnType<typeof metricDb>>;
let tenantSeq = 0;

beforeAll(async () => {
  t = await startTestServer({ clock: createManualClock('2026-06-30T12:00:00Z') });
  db = await metricDb(t);
});
afterAll(() => t.close());

const ZONES = ['UTC', 'America/New_York', 'Europe/Berlin', 'Asia/Kolkata', 'Australia/Lord_Howe'];
const FIRST = Date.parse('2026-01-01T00:00:00Z');
const SPAN_MS = 180 * 86_400_000;

function expected(rows: EventFixture[], from: string, to: string, zone: string) {
  const person = (r: EventFixture) => (r.anonymized ? null : r.subject ?? r.anonymous ?? null);
  const day = (r: EventFixture) => localDate(new Date(r.at), zone);
  const distinct = (xs: EventFixture[]) => new Set(xs.map(person).filter((p) => p !== null)).size;
  const within = (a: string, b: string) => rows.filter((r) => day(r) >= a && day(r) <= b);
  const inRange = within(from, to);
  const types = [...new Set(inRange.map((r) => r.type))];
  const days: Array<{ date: string; events: number; people: number }> = [];
  for (let d = from; d <= to; d = addDays(d, 1)) {
    const on = inRange.filter((r) => day(r) === d);
    days.push({ date: d, events: on.length, people: distinct(on) });
  }
  return {
    total: { events: inRange.length, people: distinct(inRange) },
    byType: Object.fromEntries(types.map((ty) => {
      const of = inRange.filter((r) => r.type === ty);
      return [ty, { events: of.length, people: distinct(of) }];
    })),
    daily: days,
    dau: distinct(within(to, to)),
    wau: distinct(within(addDays(to, -6), to)),
    mau: distinct(within(addDays(to, -29), to)),
  };
}

const eventArb = (typePool: number) => fc.record({
  at: fc.integer({ min: 0, max: SPAN_MS - 1 }).map((ms) => new Date(FIRST + ms).toISOString()),
  type: fc.integer({ min: 0, max: typePool - 1 }).map((i) => `type_${i}`),
  who: fc.oneof(
    fc.integer({ min: 0, max: 12 }).map((i) => ({ subject: `s${i}` })),
    fc.integer({ min: 0, max: 6 }).map((i) => ({ anonymous: `v${i}` })),
    fc.constant({ subject: 's0', anonymized: true }),
  ),
}).map(({ at, type, who }): EventFixture => ({ at, type, ...who }));

describe('overview people counts', () => {
  it('equal distinct counts of the same rows by day, type, range, day, week and month', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(4, 70).chain((pool) => fc.array(eventArb(pool), { minLength: 0, maxLength: 120 })),
        fc.constantFrom(...ZONES),
        fc.integer({ min: 0, max: 170 }),
        fc.constantFrom(1, 7, 31, 70, 140),
        async (rows, zone, startOffset, length) => {
          const tenantId = `t_overview_${++tenantSeq}`;
          await insertEvents(t, tenantId, rows);
          const from = addDays('2026-01-01', startOffset);
          const to = addDays(from, length - 1);
          const raw = await computeOverview(db, { tenantId, range: rangeOf(from, to, zone) });
          const want = expected(rows, from, to, zone);
          expect(raw.total).toEqual(want.total);
          expect(raw.daily).toEqual(want.daily);
          expect(Object.fromEntries(raw.byType.map((r) => [r.type, { events: r.events, people: r.people }]))).toEqual(want.byType);
          expect({ dau: raw.dau, wau: raw.wau, mau: raw.mau }).toEqual({ dau: want.dau, wau: want.wau, mau: want.mau });
        },
      ),
      { numRuns: 40 },
    );
  }, 120_000);
});
