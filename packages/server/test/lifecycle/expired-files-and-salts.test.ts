import { existsSync, mkdirSync, utimesSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createManualClock, DAY_MS } from '../../src/core/clock.ts';
import type { PrivacyJobRecord } from '../../src/store/ports.ts';
import { startTestServer, type TestServer } from '../helpers/harness.ts';
import { sendOk, visit } from './retention-fixtures.ts';

const T0 = Date.parse('2026-04-01T09:00:00Z');

describe('export files and visitor salts', () => {
  const clock = createManualClock(T0);
  let t: TestServer;
  let exportsDir: string;

  const exportJob = (id: string, file: string, finishedAt: Date, subjectId: string | null = null): PrivacyJobRecord => ({
    id, tenantId: t.tenant.tenantId, kind: 'export', state: 'succeeded', requester: 'test', subjectId, params: {}, graceDeadline: null,
    result: null, file, fileDeletedAt: null, expiresAt: null, error: null, attempts: 1, createdAt: finishedAt, startedAt: finishedAt, finishedAt,
  });
  const touch = (file: string, mtime: Date) => {
    const full = path.join(exportsDir, file);
    mkdirSync(path.dirname(full), { recursive: true });
    writeFileSync(full, '{}');
    utimesSync(full, mtime, mtime);
    return full;
  };

  beforeAll(async () => {
    t = await startTestServer({ clock });
    exportsDir = path.join(t.dataDir, 'exports');
  });
  afterAll(() => t?.close());

  it('deletes export files older than the export_files policy, keeps younger and held ones, and records it on the job', async () => {
    await sendOk(t, visit('u-held', 's1'));
    const pseudonym = t.services.pseudonyms.subject(t.tenant.tenantId, 'u-held');
    const heldSubject = (await t.query<{ id: string }>('SELECT id FROM subjects WHERE pseudonym = $1', [pseudonym]))[0]!.id;
    await t.services.holds.place({ tenantId: t.tenant.tenantId, userId: 'u-held', reason: 'case 7', actor: 'test' });

    const old = touch(`${t.tenant.tenantId}/old.zip`, new Date(T0));
    const young = touch(`${t.tenant.tenantId}/young.zip`, new Date(T0 + 5 * DAY_MS));
    const heldFile = touch(`${t.tenant.tenantId}/held.zip`, new Date(T0));
    const stray = touch('stray-from-a-crash.partial', new Date(T0));
    const fresh = touch('in-progress.partial', new Date(T0 + 7.5 * DAY_MS));
    const jobs = t.services.store.privacyJobs;
    await jobs.insertJob(exportJob('pj_old', `${t.tenant.tenantId}/old.zip`, new Date(T0)));
    await jobs.insertJob(exportJob('pj_young', `${t.tenant.tenantId}/young.zip`, new Date(T0 + 5 * DAY_MS)));
    await jobs.insertJob(exportJob('pj_held', `${t.tenant.tenantId}/held.zip`, new Date(T0), heldSubject));
    await jobs.insertJob(exportJob('pj_outside', '../ebb.duckdb', new Date(T0)));

    clock.set(T0 + 8 * DAY_MS); // the default keeps export files 7 days
    const dry = await t.services.retentionRunner.run({ dryRun: true });
    expect(dry.tenants[0]!.exportFiles).toEqual({ deleted: 1, held: 1 });
    expect(dry.untrackedExportFilesDeleted).toBe(1);
    expect([old, young, heldFile, stray, fresh].every((f) => existsSync(f))).toBe(true);
    const exposure = await t.services.exposure.measure();
    expect(exposure.find((e) => e.category === 'export_files' && e.stage === 'delete')!.overdueSeconds).toBe(DAY_MS / 1000);

    const report = await t.services.retentionRunner.run();
    expect(report.tenants[0]!.exportFiles).toEqual({ deleted: 1, held: 1 });
    expect(report.totals.deleted.export_files).toBe(1);
    expect(report.untrackedExportFilesDeleted).toBe(1);
    expect(existsSync(old)).toBe(false);
    expect(existsSync(stray)).toBe(false);
    expect([young, heldFile, fresh].every((f) => existsSync(f))).toBe(true);
    // A job that names a file outside the exports folder never makes the job delete it.
    expect(existsSync(path.join(t.dataDir, 'ebb.duckdb'))).toBe(true);
    expect((await jobs.getJob('pj_old'))!.fileDeletedAt).toEqual(new Date(T0 + 8 * DAY_MS));
    expect((await jobs.getJob('pj_young'))!.fileDeletedAt).toBeNull();
    expect(report.exposure.after.filter((e) => e.category === 'export_files')).toEqual([]);

    const again = await t.services.retentionRunner.run();
    expect(again.tenants[0]!.exportFiles.deleted).toBe(0);
  });

  it('deletes visitor salts older than 48 hours, and a dry run counts the same', async () => {
    const control = t.services.store.control;
    const now = T0 + 8 * DAY_MS;
    for (const daysAgo of [5, 4, 3, 2, 1, 0]) {
      const day = new Date(now - daysAgo * DAY_MS).toISOString().slice(0, 10);
      await control.putSalt(day, Buffer.alloc(32, daysAgo), new Date(now - daysAgo * DAY_MS));
    }
    const dry = await t.services.retentionRunner.run({ dryRun: true });
    expect(dry.saltsDeleted).toBe(3);
    const days = async () => (await t.query<{ d: string }>(`SELECT strftime(day, '%Y-%m-%d') AS d FROM salts ORDER BY day`)).map((r) => r.d);
    expect(await days()).toHaveLength(6);
    const report = await t.services.retentionRunner.run();
    expect(report.saltsDeleted).toBe(3);
    expect(await days()).toEqual(['2026-04-07', '2026-04-08', '2026-04-09']);
  });
});
