import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createManualClock, DAY_MS } from '../../src/core/clock.ts';
import type { CreatedTenant } from '../../src/access/tenants.ts';
import type { RetentionPreview } from '../../src/lifecycle/retention-preview.ts';
import type { RetentionReport } from '../../src/lifecycle/retention-runner.ts';
import { startTestServer, type TestServer } from '../helpers/harness.ts';
import { sendOk, snapshotRows, visit } from './retention-fixtures.ts';

const T0 = Date.parse('2025-03-01T10:00:00Z');
const at = (days: number) => new Date(T0 + days * DAY_MS);
const PREVIEW = '/api/v1/privacy/retention/preview';

/** The change under test: shorter detail for events and sessions, errors kept for 200 days, export files for 3. */
const CHANGE = {
  events: { anonymizeAfterDays: 30 },
  sessions: { anonymizeAfterDays: 45, deleteAfterDays: 400 },
  errors: { deleteAfterDays: 200 },
  export_files: { anonymizeAfterDays: 3, deleteAfterDays: 3 },
};

const sum = (c: Record<string, number>) => Object.values(c).reduce((a, b) => a + b, 0);

describe('retention preview', () => {
  const clock = createManualClock(T0);
  let t: TestServer;
  let other: CreatedTenant;
  let heldSubjectId: string;

  const call = async (method: 'PUT' | 'POST', url: string, key: string, payload: unknown) => {
    const res = await t.app.inject({ method, url, headers: { authorization: `Bearer ${key}` }, payload: payload as object });
    return { status: res.statusCode, body: res.json() };
  };
  const preview = async (payload: unknown, key = t.tenant.keys.admin) => call('POST', PREVIEW, key, payload);
  /** Everything a preview must leave as it is: rows, audit log, job records, policies. */
  const state = async () => ({
    rows: await snapshotRows(t),
    audit: (await t.query<{ n: bigint }>('SELECT count(*) AS n FROM audit_log'))[0]!.n,
    jobs: (await t.query<{ n: bigint }>('SELECT count(*) AS n FROM privacy_jobs'))[0]!.n,
    policies: await t.query('SELECT * FROM retention_policies ORDER BY tenant_id, category'),
  });

  beforeAll(async () => {
    t = await startTestServer({ clock });
    other = await t.services.tenants.create({ name: 'Other School', actor: 'test' });
    // Two learners every 10 days for 500 days; one of them, learner-3, is later held.
    for (let day = 0; day <= 500; day += 10) {
      clock.set(at(day));
      await sendOk(t, [...visit(`learner-${day % 7}`, `s-${day}-1`), ...visit('learner-3', `s-${day}-3`)]);
      await sendOk(t, visit('elsewhere', `o-${day}`), other.keys.server);
    }
    clock.set(at(500));
    const pseudonym = t.services.pseudonyms.subject(t.tenant.tenantId, 'learner-3');
    heldSubjectId = (await t.query<{ id: string }>('SELECT id FROM subjects WHERE pseudonym = $1', [pseudonym]))[0]!.id;
    // Two finished exports, 5 and 10 days old: the default keeps them 7 days, the proposed policy 3.
    const dir = path.join(t.dataDir, 'exports', t.tenant.tenantId);
    mkdirSync(dir, { recursive: true });
    for (const age of [5, 10]) {
      writeFileSync(path.join(dir, `export-${age}.zip`), '{}');
      const finishedAt = at(500 - age);
      await t.services.store.privacyJobs.insertJob({
        id: `pj_export_${age}`, tenantId: t.tenant.tenantId, kind: 'export', state: 'succeeded', requester: 'test', subjectId: null, params: {},
        graceDeadline: null, result: null, file: `${t.tenant.tenantId}/export-${age}.zip`, fileDeletedAt: null, expiresAt: null, error: null,
        attempts: 1, createdAt: finishedAt, startedAt: finishedAt, finishedAt,
      });
    }
  });
  afterAll(() => t?.close());

  it('counts under the current and the proposed policy, and saves, runs and audits nothing', async () => {
    const before = await state();
    const r = await preview({ policies: CHANGE });
    expect(r.status).toBe(200);
    const p = r.body as RetentionPreview;
    expect(p.tenantId).toBe(t.tenant.tenantId);
    expect(p.heldByTenantHold).toBeNull();
    expect(p.heldSubjects).toBe(0);
    const events = p.categories.find((c) => c.category === 'events')!;
    expect(events).toMatchObject({ current: { anonymizeAfterDays: 90, deleteAfterDays: 730 }, proposed: { anonymizeAfterDays: 30, deleteAfterDays: 730 }, changed: true });
    // Shorter detail: more rows to anonymise than today; the learning category is unchanged and counted once.
    expect(events.then.anonymize).toBeGreaterThan(events.now.anonymize);
    const learning = p.categories.find((c) => c.category === 'learning_events')!;
    expect(learning.changed).toBe(false);
    expect(learning.then).toEqual(learning.now);
    const errors = p.categories.find((c) => c.category === 'errors')!;
    expect(errors.then.delete).toBeGreaterThan(errors.now.delete);
    expect(p.exportFiles).toMatchObject({ changed: true, now: 1, then: 2 });
    // Nothing saved, run or recorded; the other tenant's rows are not counted.
    expect(await state()).toEqual(before);
    expect((await t.services.retention.describe(t.tenant.tenantId)).every((x) => x.source === 'default')).toBe(true);
  });

  it('counts exactly what a run then does under the saved policy, per category and table', async () => {
    const p = (await preview({ policies: CHANGE })).body as RetentionPreview;
    const saved = await call('PUT', '/api/v1/privacy/retention', t.tenant.keys.admin, { policies: CHANGE });
    expect(saved.status).toBe(200);
    // Under the saved policy "now" is what was proposed.
    const again = (await preview({ policies: { events: { anonymizeAfterDays: 30 } } })).body as RetentionPreview;
    expect(again.categories.map((c) => c.now)).toEqual(p.categories.map((c) => c.then));

    const rowsBefore = await t.query<{ n: bigint }>('SELECT count(*) AS n FROM events WHERE tenant_id = $1', [t.tenant.tenantId]);
    const report: RetentionReport = await t.services.retentionRunner.run({ tenantId: t.tenant.tenantId });
    const outcome = report.tenants[0]!;
    for (const c of p.categories) {
      const done = outcome.categories.find((x) => x.category === c.category)!;
      expect({ anonymize: done.anonymized, delete: done.deleted }, c.category).toEqual({ anonymize: c.tables.anonymize, delete: c.tables.delete });
      expect({ anonymize: sum(done.anonymized), delete: sum(done.deleted) }, c.category).toEqual(c.then);
    }
    expect(outcome.exportFiles.deleted).toBe(p.exportFiles.then);
    // And the rows agree: the events table lost what the preview said would be deleted from it.
    const rowsAfter = await t.query<{ n: bigint }>('SELECT count(*) AS n FROM events WHERE tenant_id = $1', [t.tenant.tenantId]);
    const eventsDeleted = p.categories.reduce((a, c) => a + (c.tables.delete.events ?? 0), 0);
    expect(eventsDeleted).toBeGreaterThan(0);
    expect(Number(rowsBefore[0]!.n) - Number(rowsAfter[0]!.n)).toBe(eventsDeleted);

    // After the run, nothing is due under the saved policy.
    const after = (await preview({ policies: { events: { anonymizeAfterDays: 30 } } })).body as RetentionPreview;
    expect(after.categories.every((c) => c.now.anonymize === 0 && c.now.delete === 0)).toBe(true);
    expect(after.exportFiles.now).toBe(0);
  });

  it('leaves held subjects out, as the run does, and counts nothing under a hold on the whole tenant', async () => {
    clock.set(at(530)); // thirty more days of learner-3's and others' rows fall due
    const open = (await preview({ policies: { events: { anonymizeAfterDays: 20 } } })).body as RetentionPreview;
    // learner-3's plain events due under the proposed 20 days (not yet anonymised, not past deletion).
    const [heldDue] = await t.query<{ n: bigint }>(
      `SELECT count(*) AS n FROM events WHERE tenant_id = $1 AND subject_id = $2 AND anonymized_at IS NULL
         AND occurred_at <= $3::TIMESTAMPTZ AND occurred_at > $4::TIMESTAMPTZ
         AND id NOT IN (SELECT event_id FROM error_events) AND id NOT IN (SELECT event_id FROM learning_events)`,
      [t.tenant.tenantId, heldSubjectId, new Date(at(530).getTime() - 20 * DAY_MS).toISOString(), new Date(at(530).getTime() - 730 * DAY_MS).toISOString()],
    );
    expect(Number(heldDue!.n)).toBeGreaterThan(0);

    await t.services.holds.place({ tenantId: t.tenant.tenantId, userId: 'learner-3', reason: 'Complaint 9', actor: 'test' });
    const held = (await preview({ policies: { events: { anonymizeAfterDays: 20 } } })).body as RetentionPreview;
    expect(held.heldSubjects).toBe(1);
    const eventsOpen = open.categories.find((c) => c.category === 'events')!;
    const eventsHeld = held.categories.find((c) => c.category === 'events')!;
    expect(eventsOpen.then.anonymize - eventsHeld.then.anonymize).toBe(Number(heldDue!.n));

    // The run under that policy does what the held preview said, and learner-3's rows keep their link.
    await call('PUT', '/api/v1/privacy/retention', t.tenant.keys.admin, { policies: { events: { anonymizeAfterDays: 20 } } });
    const report = await t.services.retentionRunner.run({ tenantId: t.tenant.tenantId });
    const events = report.tenants[0]!.categories.find((c) => c.category === 'events')!;
    expect(sum(events.anonymized)).toBe(eventsHeld.then.anonymize);
    const [stillLinked] = await t.query<{ n: bigint }>('SELECT count(*) AS n FROM events WHERE subject_id = $1 AND anonymized_at IS NULL', [heldSubjectId]);
    expect(Number(stillLinked!.n)).toBeGreaterThanOrEqual(Number(heldDue!.n));

    await t.services.holds.place({ tenantId: t.tenant.tenantId, reason: 'Regulator audit', actor: 'test' });
    const whole = (await preview({ policies: { events: { anonymizeAfterDays: 1 } } })).body as RetentionPreview;
    expect(whole.heldByTenantHold).toMatch(/^lh_/);
    expect(whole.categories.every((c) => c.then.anonymize === 0 && c.then.delete === 0)).toBe(true);
    expect(whole.exportFiles.then).toBe(0);
  });

  it('refuses a bad policy with the same status and code as PUT, and stores nothing', async () => {
    const cases: unknown[] = [
      { policies: { events: { anonymizeAfterDays: 0 } } },
      { policies: { events: { deleteAfterDays: 4000 } } },
      { policies: { events: { anonymizeAfterDays: 12.5 } } },
      { policies: { events: { anonymizeAfterDays: '30' } } },
      { policies: { events: { anonymizeAfterDays: 400, deleteAfterDays: 300 } } },
      { policies: { sessions: { anonymizeAfterDays: 800 } } }, // after the saved 400 days of deletion
      { policies: { clicks: { anonymizeAfterDays: 30 } } },
      { policies: { events: { anonymizeAfterDays: 30, keep: true } } },
      { policies: { events: {} } },
      { policies: { events: 30 } },
      { policies: {} },
      { events: { anonymizeAfterDays: 30 } },
    ];
    const before = await state();
    for (const payload of cases) {
      const put = await call('PUT', '/api/v1/privacy/retention', t.tenant.keys.admin, payload);
      const pre = await preview(payload);
      expect(put.status, JSON.stringify(payload)).toBe(400);
      expect({ status: pre.status, code: pre.body.error?.code, details: pre.body.error?.details }, JSON.stringify(payload))
        .toEqual({ status: put.status, code: put.body.error.code, details: put.body.error.details });
    }
    expect(await state()).toEqual(before);
  });

  it('is for those who may change retention, and each tenant previews its own rows', async () => {
    const readKey = (await t.services.keys.create({ tenantId: t.tenant.tenantId, kind: 'read', actor: 'test' })).key;
    expect((await preview({ policies: CHANGE }, readKey)).status).toBe(403);
    expect((await preview({ policies: CHANGE }, t.tenant.keys.server)).status).toBe(403);
    const p = (await preview({ policies: { events: { anonymizeAfterDays: 1 } } }, other.keys.admin)).body as RetentionPreview;
    expect(p.tenantId).toBe(other.tenantId);
    expect(p.heldByTenantHold).toBeNull();
    // One visit every 10 days from day 0 to 500, all past one day: 51 page views (the error and milestone rows are their own categories).
    expect(p.categories.find((c) => c.category === 'events')!.then.anonymize).toBe(51);
  });
});
