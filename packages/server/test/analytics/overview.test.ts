import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createManualClock } from '../../src/core/clock.ts';
import { computeOverview, publishOverview } from '../../src/analytics/metrics/overview.ts';
import { rangeOf } from '../../src/analytics/date-range.ts';
import { startTestServer, type TestServer } from '../helpers/harness.ts';
import { insertEvents, insertSessions, metricDb } from './analytics-fixtures.ts';

/**
 * Overview against a hand-computed fixture. New York is UTC-5 in January, so 03:00Z on the 15th is
 * 22:00 on the 14th there: the same rows give different days (and a different range) per time zone.
 */
let t: TestServer;
let tenantId: string;
let db: Awaited<ReturnType<typeof metricDb>>;

beforeAll(async () => {
  t = await startTestServer({ clock: createManualClock('2026-01-20T12:00:00Z') });
  tenantId = t.tenant.tenantId;
  db = await metricDb(t);
  await insertEvents(t, tenantId, [
    { at: '2026-01-15T03:00:00Z', type: 'page_view', subject: 's1' }, // NY: 14th 22:00
    { at: '2026-01-15T15:00:00Z', type: 'quest_started', subject: 's1' },
    { at: '2026-01-15T15:00:00Z', type: 'page_view', subject: 's2' },
    { at: '2026-01-14T15:00:00Z', type: 'page_view', subject: 's9', anonymized: true }, // anonymised: an event, nobody
    { at: '2026-01-16T04:30:00Z', type: 'page_view', subject: 's3' }, // NY: 15th 23:30
    { at: '2026-01-16T05:30:00Z', type: 'page_view', subject: 's4' }, // NY: 16th 00:30, after the range
    { at: '2026-01-09T12:00:00Z', type: 'page_view', subject: 's6' }, // 6 days before the 15th: weekly
    { at: '2026-01-08T12:00:00Z', type: 'page_view', subject: 's7' }, // 7 days before: monthly only
    { at: '2026-01-01T12:00:00Z', type: 'page_view', subject: 's5' }, // monthly
    { at: '2025-12-16T12:00:00Z', type: 'page_view', subject: 's8' }, // 30 days before: outside
  ]);
  await insertSessions(t, tenantId, [
    { subject: 's1', start: '2026-01-15T02:50:00Z', durationMs: 60_000 },
    { subject: 's2', start: '2026-01-15T14:50:00Z', durationMs: 60_000 },
    { start: '2026-01-14T14:50:00Z', durationMs: 60_000, anonymized: true },
  ]);
});
afterAll(() => t.close());

describe('overview metric', () => {
  it('counts days, types and active users in the asked time zone, anonymised rows as events only', async () => {
    const raw = await computeOverview(db, { tenantId, range: rangeOf('2026-01-14', '2026-01-15', 'America/New_York') });
    expect(raw.total).toEqual({ events: 5, people: 3 });
    expect(raw.sessions).toBe(3);
    expect(raw.daily).toEqual([
      { date: '2026-01-14', events: 2, people: 1 },
      { date: '2026-01-15', events: 3, people: 3 },
    ]);
    expect(raw.byType).toEqual([
      { type: 'page_view', events: 4, people: 3 },
      { type: 'quest_started', events: 1, people: 1 },
    ]);
    expect({ dau: raw.dau, wau: raw.wau, mau: raw.mau }).toEqual({ dau: 3, wau: 4, mau: 6 });
  });

  it('puts the same rows on other days in UTC', async () => {
    const raw = await computeOverview(db, { tenantId, range: rangeOf('2026-01-14', '2026-01-15', 'UTC') });
    expect(raw.total).toEqual({ events: 4, people: 2 });
    expect(raw.daily).toEqual([
      { date: '2026-01-14', events: 1, people: 0 },
      { date: '2026-01-15', events: 3, people: 2 },
    ]);
    expect(raw.dau).toBe(2);
  });

  it('publishes empty days as 0 and withholds days and types under k, with a second cell so the total does not give them away', async () => {
    const raw = await computeOverview(db, { tenantId, range: rangeOf('2026-01-13', '2026-01-15', 'America/New_York') });
    const k2 = publishOverview(raw, 2);
    expect(k2.daily[0]).toEqual({ key: '2026-01-13', suppressed: false, events: 0, activeUsers: 0 });
    // The 14th has one person: withheld; the total would give it away, so the 15th goes too.
    expect(k2.daily[1]).toEqual({ key: '2026-01-14', suppressed: true, reason: 'min_group' });
    expect(k2.daily[2]).toEqual({ key: '2026-01-15', suppressed: true, reason: 'complementary' });
    expect(k2.totals).toEqual({ key: 'total', suppressed: false, events: 5, users: 3, sessions: 3 });
    expect(k2.byType.find((r) => r.key === 'quest_started')).toMatchObject({ suppressed: true, reason: 'min_group' });
    expect(k2.byType.find((r) => r.key === 'page_view')).toMatchObject({ suppressed: true, reason: 'complementary' });
    expect(k2.activeUsers.daily).toEqual({ suppressed: false, value: 3 });
    const k4 = publishOverview(raw, 4);
    expect(k4.activeUsers.daily).toEqual({ suppressed: true, value: null, reason: 'min_group' });
    expect(k4.activeUsers.weekly).toEqual({ suppressed: false, value: 4 });
    expect(k4.totals).toMatchObject({ suppressed: true, reason: 'min_group' });
  });
});
