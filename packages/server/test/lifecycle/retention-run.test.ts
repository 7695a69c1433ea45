import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createManualClock, DAY_MS } from '../../src/core/clock.ts';
import type { RetentionReport } from '../../src/lifecycle/retention-runner.ts';
import type { TableCounts } from '../../src/store/ports.ts';
import { startTestServer, type TestServer } from '../helpers/harness.ts';
import { scanForIdentifiers, sendOk, snapshotRows, tableCounts, visit } from './retention-fixtures.ts';

const T0 = Date.parse('2025-02-01T10:00:00Z');
const at = (days: number) => new Date(T0 + days * DAY_MS);

/** Per table, summed over categories and tenants. */
function perTable(report: RetentionReport, what: 'anonymized' | 'deleted'): TableCounts {
  const out: TableCounts = {};
  for (const t of report.tenants) for (const c of t.categories) for (const [table, n] of Object.entries(c[what])) out[table] = (out[table] ?? 0) + n;
  return out;
}

describe('a retention run over 800 days of activity', () => {
  const clock = createManualClock(T0);
  let t: TestServer;
  let dry: RetentionReport;
  let real: RetentionReport;
  let knownSessionIds: Set<string>;
  const policies = (id: string) => t.services.retention.forTenant(id);

  /** Events per UTC day and page views per page: what needs no identity. Errors (and their events
   * rows) are deleted after a year, so the per-day counts leave them out. */
  const aggregates = async () => ({
    perDay: await t.query<{ d: string; n: bigint }>(
      `SELECT strftime(occurred_at AT TIME ZONE 'UTC', '%Y-%m-%d') AS d, count(*) AS n FROM events
       WHERE id NOT IN (SELECT event_id FROM error_events) AND type <> 'app_error' GROUP BY 1 ORDER BY 1`,
    ),
    pageViews: await t.query<{ p: string; n: bigint }>(`SELECT page_path AS p, count(*) AS n FROM events WHERE type = 'page_view' GROUP BY 1 ORDER BY 1`),
    sessionsPerDay: await t.query<{ d: string; n: bigint; pv: bigint }>(`SELECT strftime(started_at AT TIME ZONE 'UTC', '%Y-%m-%d') AS d, count(*) AS n, sum(page_views) AS pv FROM sessions GROUP BY 1 ORDER BY 1`),
  });

  beforeAll(async () => {
    t = await startTestServer({ clock, env: { EBB_RETENTION_CHUNK_ROWS: '100' } });
    // Two learners visit every 10 days for 800 days; nothing runs retention meanwhile.
    for (let day = 0; day <= 800; day += 10) {
      clock.set(at(day));
      await sendOk(t, [...visit(`learner-${day % 30}`, `s-${day}-1`, `/quests/${day % 4}`), ...visit(`learner-${(day + 7) % 30}`, `s-${day}-2`, '/home')]);
    }
    clock.set(at(800));
    knownSessionIds = new Set((await t.query<{ id: string }>('SELECT id FROM sessions')).map((r) => r.id));
  });
  afterAll(() => t?.close());

  it('finds identifiers past the detail window before the run (the scan can fail)', async () => {
    const findings = await scanForIdentifiers(t, policies, { knownIds: knownSessionIds });
    expect(findings.length).toBeGreaterThan(100);
    expect(findings.some((f) => f.startsWith('sessions.id'))).toBe(true);
    expect(findings.some((f) => f.startsWith('events.identifying_props'))).toBe(true);
  });

  it('changes nothing in a dry run', async () => {
    const before = await snapshotRows(t);
    dry = await t.services.retentionRunner.run({ dryRun: true });
    expect(dry.dryRun).toBe(true);
    expect(await snapshotRows(t)).toEqual(before);
    expect(dry.totals.rowsAnonymized).toBeGreaterThan(0);
    expect(dry.totals.rowsDeleted).toBeGreaterThan(0);
  });

  it('then does exactly what the dry run reported, and the rows agree', async () => {
    const countsBefore = await tableCounts(t);
    const aggBefore = await aggregates();
    real = await t.services.retentionRunner.run();
    expect(real.dryRun).toBe(false);
    expect(real.tenants.map((x) => x.categories)).toEqual(dry.tenants.map((x) => x.categories));
    expect(real.totals).toEqual(dry.totals);

    // Not the job's word for it: the tables changed by exactly these counts.
    const countsAfter = await tableCounts(t);
    const deleted = perTable(real, 'deleted');
    const anonymized = perTable(real, 'anonymized');
    for (const table of Object.keys(countsBefore)) {
      expect(countsBefore[table]!.rows - countsAfter[table]!.rows, `${table} rows deleted`).toBe(deleted[table] ?? 0);
      expect(countsAfter[table]!.anonymized - countsBefore[table]!.anonymized, `${table} rows anonymised`).toBe(anonymized[table] ?? 0);
    }
    expect(deleted.events).toBeGreaterThan(0);
    expect(anonymized.sessions).toBeGreaterThan(0);

    // Anonymised rows still count: per day and per page, for every day that was kept.
    const aggAfter = await aggregates();
    const kept = new Set(aggAfter.perDay.map((r) => r.d));
    expect(aggAfter.perDay).toEqual(aggBefore.perDay.filter((r) => kept.has(r.d)));
    const keptSessions = new Set(aggAfter.sessionsPerDay.map((r) => r.d));
    expect(aggAfter.sessionsPerDay).toEqual(aggBefore.sessionsPerDay.filter((r) => keptSessions.has(r.d)));
    expect(aggAfter.pageViews.reduce((a, r) => a + Number(r.n), 0)).toBe(
      (await t.query<{ n: bigint }>(`SELECT count(*) AS n FROM events WHERE type = 'page_view'`)).map((r) => Number(r.n))[0],
    );
    // Nothing left past deletion age.
    const oldest = await t.query<{ t: Date }>('SELECT min(occurred_at) AS t FROM events');
    expect(oldest[0]!.t.getTime()).toBeGreaterThan(at(800 - 730).getTime());
  });

  it('leaves no identifier in any row past its detail window (every identifying column and property key, by the inventory)', async () => {
    expect(await scanForIdentifiers(t, policies, { knownIds: knownSessionIds })).toEqual([]);
  });

  it('reports stats before and after, the anonymisation rate, and nothing overdue', () => {
    expect(real.before.totalEvents).toBeGreaterThan(real.after.totalEvents);
    expect(real.before.anonymizationRate).toBe(0);
    expect(real.after.anonymizationRate).toBeGreaterThan(80);
    expect(real.exposure.before.length).toBeGreaterThan(0);
    expect(real.exposure.after).toEqual([]);
    expect(real.durationMs).toBeGreaterThanOrEqual(0);
  });

  it('changes nothing when run again (idempotent)', async () => {
    const before = await snapshotRows(t);
    const again = await t.services.retentionRunner.run();
    expect(again.totals.rowsAnonymized).toBe(0);
    expect(again.totals.rowsDeleted).toBe(0);
    expect(await snapshotRows(t)).toEqual(before);
  });

  it('records every run, dry runs too, in the audit log with its counts and in privacy_jobs', async () => {
    const entries = await t.services.store.control.readAudit(1, 1000);
    const runs = entries.filter((e) => e.action.startsWith('retention.') && e.tenantId === t.tenant.tenantId);
    expect(runs.map((e) => e.action)).toEqual(['retention.dry_run', 'retention.run', 'retention.run']);
    expect(runs[0]!.target).toBe(dry.jobId);
    expect(runs[1]!.details.anonymized).toEqual(Object.fromEntries(real.tenants[0]!.categories.map((c) => [c.category, c.anonymized])));
    expect(runs[1]!.details.deleted).toEqual(Object.fromEntries(real.tenants[0]!.categories.map((c) => [c.category, c.deleted])));
    expect(entries.filter((e) => e.action === 'retention.run' && e.tenantId === null)).toHaveLength(2);
    expect((await t.services.audit.verify()).ok).toBe(true);

    const jobs = await t.services.store.privacyJobs.listJobs({ kind: 'retention' });
    expect(jobs).toHaveLength(3);
    expect(jobs.every((j) => j.state === 'succeeded' && j.finishedAt !== null)).toBe(true);
    const dryJob = jobs.find((j) => j.id === dry.jobId)!;
    expect(dryJob.params).toEqual({ dryRun: true, tenantId: null });
    expect((dryJob.result as { totals: unknown }).totals).toEqual(dry.totals);
  });

  it('refuses a second run while one is in progress', async () => {
    const first = t.services.retentionRunner.run({ dryRun: true });
    await expect(t.services.retentionRunner.run()).rejects.toMatchObject({ code: 'EBB_RETENTION_RUNNING' });
    await first;
  });
});

describe('catching up after downtime', () => {
  const clock = createManualClock(T0);
  let t: TestServer;
  const policies = (id: string) => t.services.retention.forTenant(id);

  beforeAll(async () => {
    t = await startTestServer({ clock });
  });
  afterAll(() => t?.close());

  it('does in one run everything that fell due during a 10-day outage, and the exposure metric shows the gap', async () => {
    // Activity every day; the daily job runs from day 90 to day 110, then the server is down for 10 days.
    for (let day = 0; day <= 120; day++) {
      clock.set(at(day));
      await sendOk(t, visit(`learner-${day % 5}`, `s-${day}`));
      if (day >= 90 && day <= 110) {
        clock.set(new Date(at(day).getTime() + 60_000));
        await t.services.retentionRunner.run();
      }
    }
    clock.set(at(121));
    const exposure = await t.services.exposure.measure();
    const late = exposure.filter((e) => e.tenantId === t.tenant.tenantId && e.stage === 'anonymize' && e.overdueSeconds > 0);
    // The oldest row waiting is from day 21: due at day 111, ten days ago.
    expect(late.map((e) => [e.category, e.overdueSeconds])).toEqual([
      ['events', 10 * 86400], ['sessions', 10 * 86400], ['learning_events', 10 * 86400], ['errors', 10 * 86400],
    ]);
    const metrics = await t.app.inject({ method: 'GET', url: '/metrics' });
    expect(metrics.body).toContain(`ebb_pii_overdue_seconds{tenant="${t.tenant.tenantId}",category="events",stage="anonymize"} 864000`);
    const healthBefore = (await t.app.inject({ method: 'GET', url: '/api/v1/health' })).json();
    expect(healthBefore.checks.retention).toEqual({ status: 'warn', detail: { overdue: 4, maxOverdueSeconds: 864000 } });
    expect(await scanForIdentifiers(t, policies)).not.toEqual([]);

    const report = await t.services.retentionRunner.run();
    expect(report.totals.anonymized.events).toBe(11); // days 21 to 31
    expect(report.totals.anonymized.sessions).toBe(11);
    expect(report.exposure.before.filter((e) => e.overdueSeconds === 864000)).toHaveLength(4);
    expect(report.exposure.after).toEqual([]);
    expect(await scanForIdentifiers(t, policies)).toEqual([]);

    const healthAfter = (await t.app.inject({ method: 'GET', url: '/api/v1/health' })).json();
    expect(healthAfter.checks.retention.status).toBe('ok');
    expect((await t.app.inject({ method: 'GET', url: '/metrics' })).body).toContain(`ebb_pii_overdue_seconds{tenant="${t.tenant.tenantId}",category="events",stage="anonymize"} 0`);

    const snapshot = await snapshotRows(t);
    const again = await t.services.retentionRunner.run();
    expect(again.totals.rowsAnonymized + again.totals.rowsDeleted).toBe(0);
    expect(await snapshotRows(t)).toEqual(snapshot);
  });
});
