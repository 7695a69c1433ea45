import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createManualClock, DAY_MS } from '../../src/core/clock.ts';
import type { CreatedTenant } from '../../src/access/tenants.ts';
import { startTestServer, type TestServer } from '../helpers/harness.ts';
import { scanForIdentifiers, sendOk, visit } from './retention-fixtures.ts';

const T0 = Date.parse('2025-09-01T12:00:00Z');

describe('legal holds', () => {
  const clock = createManualClock(T0);
  let t: TestServer;
  let held: CreatedTenant;
  let subjectOf: (userId: string, tenantId?: string) => Promise<string>;
  const policies = (id: string) => t.services.retention.forTenant(id);

  beforeAll(async () => {
    t = await startTestServer({ clock });
    held = await t.services.tenants.create({ name: 'Held School', actor: 'test' });
    subjectOf = async (userId, tenantId = t.tenant.tenantId) => {
      const pseudonym = t.services.pseudonyms.subject(tenantId, userId);
      return (await t.query<{ id: string }>('SELECT id FROM subjects WHERE pseudonym = $1', [pseudonym]))[0]!.id;
    };
    await sendOk(t, [...visit('u-held', 's1'), ...visit('u-free', 's2')]);
    await sendOk(t, visit('u-other', 's3'), held.keys.server);
  });
  afterAll(() => t?.close());

  it('skips a held subject and a held tenant, and reports what it skipped and why', async () => {
    const tenantId = t.tenant.tenantId;
    const subjectHold = await t.services.holds.place({ tenantId, userId: 'u-held', reason: 'Case 2025-114', actor: 'test' });
    clock.advance(1000);
    // A hold may come before the subject's first event: it is kept by pseudonym.
    const earlyHold = await t.services.holds.place({ tenantId, userId: 'u-late', reason: 'Case 2025-115', actor: 'test' });
    clock.advance(1000);
    const tenantHold = await t.services.holds.place({ tenantId: held.tenantId, reason: 'Regulator inquiry', actor: 'test' });
    expect(subjectHold).toMatchObject({ scope: 'subject', subjectId: await subjectOf('u-held'), active: true });
    expect(earlyHold.subjectId).toBeNull();
    expect(tenantHold).toMatchObject({ scope: 'tenant', subjectId: null });

    clock.set(T0 + DAY_MS);
    await sendOk(t, visit('u-late', 's4'));
    clock.set(T0 + 100 * DAY_MS);

    const dry = await t.services.retentionRunner.run({ dryRun: true });
    const report = await t.services.retentionRunner.run();
    // Per held subject: one plain event, one session, a milestone and an error (each with its events row).
    const bySubject = { tenantId, holdIds: [earlyHold.id, subjectHold.id], reason: 'subjects under legal hold', subjects: 2, rows: { anonymize: 12, delete: 0 } };
    const byTenant = { tenantId: held.tenantId, holdIds: [tenantHold.id], reason: 'the whole tenant is under a legal hold' };
    expect(report.skipped).toHaveLength(2);
    expect(report.skipped).toEqual(expect.arrayContaining([bySubject, byTenant]));
    expect(dry.skipped).toEqual(report.skipped);
    const mine = report.tenants.find((x) => x.tenantId === tenantId)!;
    expect(mine.categories.find((c) => c.category === 'events')!).toMatchObject({ anonymized: { events: 1 }, held: { anonymize: 2, delete: 0 } });
    expect(mine.heldSubjects).toEqual([{ holdId: earlyHold.id, subjects: 1 }, { holdId: subjectHold.id, subjects: 1 }]);
    expect(report.tenants.find((x) => x.tenantId === held.tenantId)).toMatchObject({ heldBy: tenantHold.id, categories: [] });

    // Held rows keep every identifier; the rest lost them.
    const linked = await t.query<{ subject_id: string | null; n: bigint }>('SELECT subject_id, count(*) AS n FROM events WHERE subject_id IS NOT NULL GROUP BY 1');
    const heldSubjects = new Set([await subjectOf('u-held'), await subjectOf('u-late')]);
    expect(new Set(linked.filter((r) => r.subject_id && !heldSubjects.has(r.subject_id)).map((r) => r.subject_id))).toEqual(new Set([await subjectOf('u-other', held.tenantId)]));
    expect(await scanForIdentifiers(t, policies, { heldSubjects, heldTenants: new Set([held.tenantId]) })).toEqual([]);
    expect((await scanForIdentifiers(t, policies)).length).toBeGreaterThan(0);

    // Nothing held is late: the exposure metric leaves held data out.
    expect(report.exposure.after).toEqual([]);
  });

  it('catches up once the holds are released', async () => {
    const tenantId = t.tenant.tenantId;
    for (const h of await t.services.holds.list(tenantId, { activeOnly: true })) await t.services.holds.release({ tenantId, id: h.id, actor: 'test' });
    const [tenantHold] = await t.services.holds.list(held.tenantId);
    const released = await t.services.holds.release({ tenantId: held.tenantId, id: tenantHold!.id, actor: 'test' });
    expect(released).toMatchObject({ active: false, releasedBy: 'test' });
    await expect(t.services.holds.release({ tenantId: held.tenantId, id: tenantHold!.id, actor: 'test' })).rejects.toMatchObject({ code: 'EBB_HOLD_RELEASED' });
    await expect(t.services.holds.release({ tenantId, id: 'lh_nope', actor: 'test' })).rejects.toMatchObject({ code: 'EBB_HOLD_NOT_FOUND' });
    // A hold id of another tenant is not found here.
    await expect(t.services.holds.release({ tenantId, id: tenantHold!.id, actor: 'test' })).rejects.toMatchObject({ code: 'EBB_HOLD_NOT_FOUND' });

    const report = await t.services.retentionRunner.run();
    // Per held subject: one plain event, one session, a milestone and an error (each with its events row).
    expect(report.skipped).toEqual([]);
    expect(report.totals.anonymized.events).toBe(3);
    expect(await scanForIdentifiers(t, policies)).toEqual([]);
    expect(await t.services.holds.isSubjectHeld(tenantId, await subjectOf('u-held'))).toBe(false);
  });

  it('audits placing and releasing holds without the user id or the reason', async () => {
    const entries = (await t.services.store.control.readAudit(1, 1000)).filter((e) => e.action.startsWith('legal_hold.'));
    expect(entries.map((e) => e.action)).toEqual(['legal_hold.placed', 'legal_hold.placed', 'legal_hold.placed', 'legal_hold.released', 'legal_hold.released', 'legal_hold.released']);
    const text = JSON.stringify(entries);
    for (const secret of ['u-held', 'u-late', 'Case 2025', 'Regulator']) expect(text).not.toContain(secret);
  });

  it('refuses a hold without a reason', async () => {
    await expect(t.services.holds.place({ tenantId: t.tenant.tenantId, reason: '  ', actor: 'test' })).rejects.toMatchObject({ code: 'EBB_VALIDATION_FAILED' });
    await expect(t.services.holds.place({ tenantId: 't_missing', reason: 'x', actor: 'test' })).rejects.toMatchObject({ code: 'EBB_TENANT_NOT_FOUND' });
  });
});
