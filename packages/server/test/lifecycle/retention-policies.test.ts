import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createManualClock, DAY_MS } from '../../src/core/clock.ts';
import { isEbbError } from '../../src/core/errors.ts';
import { DEFAULT_RETENTION } from '../../src/lifecycle/retention-defaults.ts';
import { planChunks } from '../../src/lifecycle/retention-chunks.ts';
import { retentionCutoffs, validateRetentionWindow } from '../../src/lifecycle/retention-policy.ts';
import { startTestServer, type TestServer } from '../helpers/harness.ts';

const codeOf = (fn: () => unknown): string | null => {
  try {
    fn();
    return null;
  } catch (e) {
    return isEbbError(e) ? e.code : 'not an EbbError';
  }
};

describe('validateRetentionWindow', () => {
  it('accepts whole days from 1 to 3650 with anonymisation no later than deletion', () => {
    expect(validateRetentionWindow('events', { anonymizeAfterDays: 1, deleteAfterDays: 1 })).toEqual({ anonymizeAfterDays: 1, deleteAfterDays: 1 });
    expect(validateRetentionWindow('events', { anonymizeAfterDays: 90, deleteAfterDays: 3650 })).toEqual({ anonymizeAfterDays: 90, deleteAfterDays: 3650 });
  });

  it('refuses each bad policy with its code', () => {
    expect(codeOf(() => validateRetentionWindow('events', { anonymizeAfterDays: 0, deleteAfterDays: 10 }))).toBe('EBB_RETENTION_OUT_OF_RANGE');
    expect(codeOf(() => validateRetentionWindow('events', { anonymizeAfterDays: 10, deleteAfterDays: 3651 }))).toBe('EBB_RETENTION_OUT_OF_RANGE');
    expect(codeOf(() => validateRetentionWindow('events', { anonymizeAfterDays: 1.5, deleteAfterDays: 10 }))).toBe('EBB_RETENTION_OUT_OF_RANGE');
    expect(codeOf(() => validateRetentionWindow('events', { anonymizeAfterDays: '30', deleteAfterDays: 10 }))).toBe('EBB_RETENTION_OUT_OF_RANGE');
    expect(codeOf(() => validateRetentionWindow('events', { anonymizeAfterDays: Number.NaN, deleteAfterDays: 10 }))).toBe('EBB_RETENTION_OUT_OF_RANGE');
    expect(codeOf(() => validateRetentionWindow('events', { anonymizeAfterDays: 31, deleteAfterDays: 30 }))).toBe('EBB_RETENTION_ANONYMIZE_AFTER_DELETE');
  });

  it('accepts exactly the windows in range and in order (property)', () => {
    fc.assert(fc.property(fc.integer({ min: -10, max: 4000 }), fc.integer({ min: -10, max: 4000 }), (a, d) => {
      const ok = a >= 1 && a <= 3650 && d >= 1 && d <= 3650 && a <= d;
      expect(codeOf(() => validateRetentionWindow('sessions', { anonymizeAfterDays: a, deleteAfterDays: d })) === null).toBe(ok);
    }));
  });

  it('puts the cutoffs whole days before now', () => {
    const now = new Date('2026-05-01T00:00:00Z');
    expect(retentionCutoffs({ anonymizeAfterDays: 90, deleteAfterDays: 730 }, now)).toEqual({
      anonymizeDueAt: new Date(now.getTime() - 90 * DAY_MS), deleteDueAt: new Date(now.getTime() - 730 * DAY_MS),
    });
  });
});

describe('planChunks', () => {
  const day = (n: number) => new Date(Date.UTC(2025, 0, 1) + n * DAY_MS);

  it('groups consecutive days up to the limit and never splits a day', () => {
    const chunks = planChunks([{ day: day(0), rows: 40 }, { day: day(1), rows: 50 }, { day: day(3), rows: 20 }, { day: day(4), rows: 500 }, { day: day(6), rows: 1 }], 100);
    expect(chunks).toEqual([
      { from: day(0), to: day(2), rows: 90 },
      { from: day(3), to: day(4), rows: 20 },
      { from: day(4), to: day(5), rows: 500 },
      { from: day(6), to: day(7), rows: 1 },
    ]);
  });

  it('covers every day exactly once, in order, without overlap (property)', () => {
    fc.assert(fc.property(fc.array(fc.integer({ min: 0, max: 300 }), { maxLength: 60 }), fc.integer({ min: 1, max: 500 }), (rows, max) => {
      const days = rows.map((n, i) => ({ day: day(i * 2), rows: n }));
      const chunks = planChunks(days, max);
      expect(chunks.reduce((a, c) => a + c.rows, 0)).toBe(rows.reduce((a, b) => a + b, 0));
      for (const d of days.filter((x) => x.rows > 0)) {
        expect(chunks.filter((c) => c.from <= d.day && d.day < c.to)).toHaveLength(1);
      }
      for (let i = 1; i < chunks.length; i++) expect(chunks[i - 1]!.to.getTime()).toBeLessThanOrEqual(chunks[i]!.from.getTime());
      for (const c of chunks) expect(c.rows <= max || c.to.getTime() - c.from.getTime() === DAY_MS).toBe(true);
    }));
  });
});

describe('tenant retention policies', () => {
  const clock = createManualClock('2026-02-01T00:00:00Z');
  let t: TestServer;
  beforeAll(async () => {
    t = await startTestServer({ clock });
  });
  afterAll(() => t?.close());

  it('starts from the defaults: 90 days of detail, two years until deletion, errors one year, aggregates 365 days', async () => {
    const policies = await t.services.retention.describe(t.tenant.tenantId);
    expect(policies.every((p) => p.source === 'default')).toBe(true);
    const by = Object.fromEntries(policies.map((p) => [p.category, [p.anonymizeAfterDays, p.deleteAfterDays]]));
    expect(by).toEqual({
      events: [90, 730], sessions: [90, 730], learning_events: [90, 730], errors: [90, 365], aggregates: [365, 365], request_logs: [90, 730], export_files: [7, 7],
    });
    expect(await t.services.retention.forTenant(t.tenant.tenantId)).toEqual(DEFAULT_RETENTION);
  });

  it('changes one period and keeps the other, is seen by ingest at once, and audits the change', async () => {
    const tenantId = t.tenant.tenantId;
    await t.services.retention.forTenant(tenantId); // cached
    const after = await t.services.retention.change({ tenantId, changes: { events: { anonymizeAfterDays: 30 } }, actor: 'key:k1' });
    expect(after.find((p) => p.category === 'events')).toMatchObject({ anonymizeAfterDays: 30, deleteAfterDays: 730, source: 'tenant', updatedBy: 'key:k1', updatedAt: '2026-02-01T00:00:00.000Z' });
    expect((await t.services.retention.forTenant(tenantId)).events).toEqual({ anonymizeAfterDays: 30, deleteAfterDays: 730 });
    // Ingest uses the new policy: an event 40 days old is stored already anonymised.
    const r = await t.send([{ type: 'page_view', userId: 'u1', occurredAt: new Date(clock.now().getTime() - 40 * DAY_MS).toISOString(), page: { path: '/x' } }]);
    expect(r.body.accepted).toBe(1);
    const [row] = await t.query<{ subject_id: string | null; anonymized_at: Date | null }>('SELECT subject_id, anonymized_at FROM events');
    expect(row).toMatchObject({ subject_id: null });
    expect(row!.anonymized_at).not.toBeNull();

    const audit = (await t.services.store.control.readAudit(1, 100)).filter((e) => e.action === 'retention.policy_changed');
    expect(audit).toHaveLength(1);
    expect(audit[0]).toMatchObject({ tenantId, actor: 'key:k1', details: { changes: { events: { from: { anonymizeAfterDays: 90, deleteAfterDays: 730 }, to: { anonymizeAfterDays: 30, deleteAfterDays: 730 } } } } });
  });

  it('checks the whole window after a partial change', async () => {
    await expect(t.services.retention.change({ tenantId: t.tenant.tenantId, changes: { errors: { anonymizeAfterDays: 400 } }, actor: 'x' }))
      .rejects.toMatchObject({ code: 'EBB_RETENTION_ANONYMIZE_AFTER_DELETE' });
  });

  it('refuses bad policies with their codes and changes nothing', async () => {
    const tenantId = t.tenant.tenantId;
    const before = await t.services.retention.describe(tenantId);
    const cases: Array<[Record<string, unknown>, string]> = [
      [{ logs: { deleteAfterDays: 30 } }, 'EBB_RETENTION_UNKNOWN_CATEGORY'],
      [{ events: { deleteAfterDays: 0 } }, 'EBB_RETENTION_OUT_OF_RANGE'],
      [{ events: { deleteAfterDays: 3651 } }, 'EBB_RETENTION_OUT_OF_RANGE'],
      [{ events: { anonymizeAfterDays: 'ninety' } }, 'EBB_RETENTION_OUT_OF_RANGE'],
      [{ sessions: { anonymizeAfterDays: 100, deleteAfterDays: 99 } }, 'EBB_RETENTION_ANONYMIZE_AFTER_DELETE'],
      // One bad category refuses the whole change.
      [{ sessions: { anonymizeAfterDays: 10 }, events: { deleteAfterDays: -1 } }, 'EBB_RETENTION_OUT_OF_RANGE'],
      [{ events: { keepDays: 10 } }, 'EBB_VALIDATION_FAILED'],
      [{ events: {} }, 'EBB_VALIDATION_FAILED'],
      [{}, 'EBB_VALIDATION_FAILED'],
    ];
    for (const [changes, code] of cases) {
      await expect(t.services.retention.change({ tenantId, changes: changes as never, actor: 'x' }), JSON.stringify(changes)).rejects.toMatchObject({ code });
    }
    expect(await t.services.retention.describe(tenantId)).toEqual(before);
    await expect(t.services.retention.change({ tenantId: 't_nope', changes: { events: { anonymizeAfterDays: 5 } }, actor: 'x' })).rejects.toMatchObject({ code: 'EBB_TENANT_NOT_FOUND' });
  });

  it('returns a category to its default with null', async () => {
    const after = await t.services.retention.change({ tenantId: t.tenant.tenantId, changes: { events: null }, actor: 'x' });
    expect(after.find((p) => p.category === 'events')).toMatchObject({ anonymizeAfterDays: 90, deleteAfterDays: 730, source: 'default', updatedBy: null });
    expect(await t.services.retention.forTenant(t.tenant.tenantId)).toEqual(DEFAULT_RETENTION);
  });
});
