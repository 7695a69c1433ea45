import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createManualClock, DAY_MS } from '../../src/core/clock.ts';
import type { CreatedTenant } from '../../src/access/tenants.ts';
import { startTestServer, type TestServer } from '../helpers/harness.ts';
import { sendOk, visit } from './retention-fixtures.ts';

/**
 * Three cohorts of activity, one day apart, so that one run sees rows exactly one day younger,
 * exactly as old as, and one day older than a policy's age. Events carry no occurredAt: they
 * happen when they are received, to the millisecond.
 */
const T0 = Date.parse('2026-01-05T08:00:00Z');
const at = (days: number) => new Date(T0 + days * DAY_MS);

describe('retention at the policy boundaries', () => {
  const clock = createManualClock(T0);
  let t: TestServer;
  let other: CreatedTenant;

  /** Per table and cohort (day 0, 1, 2): rows, anonymised rows, rows with a subject. */
  const cohorts = async (table: string, tenantId: string, time = 'occurred_at') => {
    const rows = await t.query<{ d: number; n: bigint; anon: bigint; linked: bigint }>(
      `SELECT CAST((epoch_ms(${time}) - ${T0}) // ${DAY_MS} AS INTEGER) AS d, count(*) AS n, count(anonymized_at) AS anon, count(subject_id) AS linked
       FROM ${table} WHERE tenant_id = $1 GROUP BY 1 ORDER BY 1`,
      [tenantId],
    );
    const out: Record<number, { rows: number; anonymized: number; linked: number }> = {};
    for (const r of rows) out[Number(r.d)] = { rows: Number(r.n), anonymized: Number(r.anon), linked: Number(r.linked) };
    return out;
  };
  /** `events` rows that are not errors or learning milestones. */
  const plainEvents = async (tenantId: string) => {
    const rows = await t.query<{ d: number; n: bigint; anon: bigint }>(
      `SELECT CAST((epoch_ms(occurred_at) - ${T0}) // ${DAY_MS} AS INTEGER) AS d, count(*) AS n, count(anonymized_at) AS anon FROM events
       WHERE tenant_id = $1 AND id NOT IN (SELECT event_id FROM error_events) AND id NOT IN (SELECT event_id FROM learning_events) GROUP BY 1 ORDER BY 1`,
      [tenantId],
    );
    return Object.fromEntries(rows.map((r) => [Number(r.d), { rows: Number(r.n), anonymized: Number(r.anon) }]));
  };
  const errorTwins = async (tenantId: string) => {
    const rows = await t.query<{ d: number; n: bigint; anon: bigint }>(
      `SELECT CAST((epoch_ms(occurred_at) - ${T0}) // ${DAY_MS} AS INTEGER) AS d, count(*) AS n, count(anonymized_at) AS anon FROM events
       WHERE tenant_id = $1 AND id IN (SELECT event_id FROM error_events) GROUP BY 1 ORDER BY 1`,
      [tenantId],
    );
    return Object.fromEntries(rows.map((r) => [Number(r.d), { rows: Number(r.n), anonymized: Number(r.anon) }]));
  };

  beforeAll(async () => {
    t = await startTestServer({ clock });
    other = await t.services.tenants.create({ name: 'Short Memory School', actor: 'test' });
    await t.services.retention.change({ tenantId: other.tenantId, changes: { events: { anonymizeAfterDays: 30, deleteAfterDays: 60 } }, actor: 'test' });
    for (const day of [0, 1, 2]) {
      clock.set(at(day));
      await sendOk(t, [...visit(`a${day}`, `s-a${day}`), ...visit(`b${day}`, `s-b${day}`)]);
      await sendOk(t, visit(`c${day}`, `s-c${day}`), other.keys.server);
    }
  });
  afterAll(() => t?.close());

  it('applies each tenant\'s own policy: the other tenant\'s events anonymised at 30 days and deleted at 60, nothing else', async () => {
    const o = other.tenantId;
    clock.set(at(31)); // 31, 30 and 29 days
    await t.services.retentionRunner.run();
    expect(await plainEvents(o)).toEqual({ 0: { rows: 1, anonymized: 1 }, 1: { rows: 1, anonymized: 1 }, 2: { rows: 1, anonymized: 0 } });
    expect(await errorTwins(o)).toEqual({ 0: { rows: 1, anonymized: 0 }, 1: { rows: 1, anonymized: 0 }, 2: { rows: 1, anonymized: 0 } });
    expect(Object.values(await cohorts('sessions', o, 'started_at')).map((c) => c.anonymized)).toEqual([0, 0, 0]);
    expect(Object.values(await plainEvents(t.tenant.tenantId)).map((c) => c.anonymized)).toEqual([0, 0, 0]);

    clock.set(at(61)); // 61, 60 and 59 days
    await t.services.retentionRunner.run();
    expect(await plainEvents(o)).toEqual({ 2: { rows: 1, anonymized: 1 } });
    // Errors and their events rows follow the errors policy, which is the default here.
    expect(await errorTwins(o)).toEqual({ 0: { rows: 1, anonymized: 0 }, 1: { rows: 1, anonymized: 0 }, 2: { rows: 1, anonymized: 0 } });
    expect(Object.values(await plainEvents(t.tenant.tenantId)).map((c) => c.rows)).toEqual([2, 2, 2]);
  });

  it('keeps full detail until the day before the window ends (89 days), anonymises at 90 and 91 days, in every category', async () => {
    clock.set(at(91)); // cohorts are 91, 90 and 89 days old
    const report = await t.services.retentionRunner.run();
    const tenant = t.tenant.tenantId;
    for (const [table, time] of [['error_events', 'occurred_at'], ['learning_events', 'occurred_at'], ['sessions', 'started_at']] as const) {
      const c = await cohorts(table, tenant, time);
      expect(c[0], `${table} at 91 days`).toEqual({ rows: 2, anonymized: 2, linked: 0 });
      expect(c[1], `${table} at 90 days`).toEqual({ rows: 2, anonymized: 2, linked: 0 });
      expect(c[2], `${table} at 89 days`).toEqual({ rows: 2, anonymized: 0, linked: 2 });
    }
    expect(await plainEvents(tenant)).toEqual({ 0: { rows: 2, anonymized: 2 }, 1: { rows: 2, anonymized: 2 }, 2: { rows: 2, anonymized: 0 } });
    // The events rows of errors and milestones go with them.
    expect(await errorTwins(tenant)).toEqual({ 0: { rows: 2, anonymized: 2 }, 1: { rows: 2, anonymized: 2 }, 2: { rows: 2, anonymized: 0 } });
    const events = report.tenants.find((x) => x.tenantId === tenant)!.categories.find((c) => c.category === 'events')!;
    expect(events.anonymized).toEqual({ events: 4 });
    expect(events.deleted).toEqual({});
  });

  it('deletes errors at 365 days (not at 364), with their events rows', async () => {
    clock.set(at(366)); // 366, 365, 364 days
    await t.services.retentionRunner.run();
    const tenant = t.tenant.tenantId;
    expect(await cohorts('error_events', tenant)).toEqual({ 2: { rows: 2, anonymized: 2, linked: 0 } });
    expect(await errorTwins(tenant)).toEqual({ 2: { rows: 2, anonymized: 2 } });
    // Other categories are not due for deletion yet.
    expect(Object.keys(await cohorts('learning_events', tenant))).toEqual(['0', '1', '2']);
    expect(Object.keys(await plainEvents(tenant))).toEqual(['0', '1', '2']);
  });

  it('deletes events, sessions and learning events at 730 days (not at 729)', async () => {
    clock.set(at(731)); // 731, 730, 729 days
    const report = await t.services.retentionRunner.run();
    const tenant = t.tenant.tenantId;
    expect(await plainEvents(tenant)).toEqual({ 2: { rows: 2, anonymized: 2 } });
    expect(await cohorts('learning_events', tenant)).toEqual({ 2: { rows: 2, anonymized: 2, linked: 0 } });
    expect(await cohorts('sessions', tenant, 'started_at')).toEqual({ 2: { rows: 2, anonymized: 2, linked: 0 } });
    const byCategory = Object.fromEntries(report.tenants.find((x) => x.tenantId === tenant)!.categories.map((c) => [c.category, c.deleted]));
    expect(byCategory.events).toEqual({ events: 4 });
    expect(byCategory.sessions).toEqual({ sessions: 4 });
    expect(byCategory.learning_events).toEqual({ learning_events: 4, events: 4 });
    expect(byCategory.errors).toEqual({ error_events: 2, events: 2 });
  });
});
