import { spawnSync } from 'node:child_process';
import { rmSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Cron } from 'croner';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createServices } from '../../src/app/services.ts';
import { DAY_MS } from '../../src/core/clock.ts';
import { loadConfig } from '../../src/core/config.ts';
import { EbbError } from '../../src/core/errors.ts';
import { createLogger } from '../../src/core/logger.ts';
import { findJob } from '../../src/jobs/registry.ts';
import type { RetentionReport } from '../../src/lifecycle/retention-runner.ts';
import { createDuckDbStore } from '../../src/store/duckdb/index.ts';
import { tempDataDir } from '../helpers/harness.ts';

const ROOT = fileURLToPath(new URL('../../../../', import.meta.url));
const EVENTS = 3000;
const SPAN_DAYS = 900;

describe('the retention schedule', () => {
  it('runs daily at 02:00 UTC by default, on another schedule when configured, and refuses a pattern that is not cron', () => {
    const job = findJob('retention')!;
    const schedule = (env: Record<string, string>) => job.schedule({ config: loadConfig({}, env) } as never);
    expect(schedule({})).toBe('0 2 * * *');
    const next = new Cron(schedule({}), { paused: true, timezone: 'UTC' }).nextRun(new Date('2026-03-10T02:00:00Z'));
    expect(next?.toISOString()).toBe('2026-03-11T02:00:00.000Z');
    expect(schedule({ EBB_RETENTION_CRON: '30 3 * * 1' })).toBe('30 3 * * 1');
    let refused: unknown;
    try {
      loadConfig({}, { EBB_RETENTION_CRON: 'every day at 2' });
    } catch (e) {
      refused = e;
    }
    expect(refused).toBeInstanceOf(EbbError);
    expect((refused as EbbError).code).toBe('EBB_CONFIG_INVALID');
    expect((refused as EbbError).message).toContain('EBB_RETENTION_CRON');
  });
});

describe('ebb retention and ebb hold', () => {
  const dataDir = tempDataDir();
  const now = Date.now();
  let tenantId = '';

  const ebb = (...args: string[]) => {
    const r = spawnSync(process.execPath, ['bin/ebb.js', ...args, '--data-dir', dataDir, '--log-level', 'silent'], { cwd: ROOT, encoding: 'utf8', timeout: 60_000 });
    return { code: r.status, stdout: r.stdout, stderr: r.stderr, json: () => JSON.parse(r.stdout) };
  };
  const rows = async () => {
    const store = await createDuckDbStore(dataDir);
    const db = await store.connect();
    try {
      const one = async (sql: string) => Number(Object.values((await db.one(sql))!)[0] as bigint);
      return {
        events: await one('SELECT count(*) FROM events'),
        anonymized: await one('SELECT count(anonymized_at) FROM events'),
        jobs: await db.all<{ state: string; params: string }>(`SELECT state, CAST(params AS VARCHAR) AS params FROM privacy_jobs WHERE kind = 'retention' ORDER BY created_at`),
        audit: (await db.all<{ action: string }>(`SELECT action FROM audit_log WHERE action LIKE 'retention.%' AND tenant_id IS NOT NULL ORDER BY seq`)).map((r) => r.action),
      };
    } finally {
      await store.close();
    }
  };

  beforeAll(async () => {
    const s = await createServices(loadConfig({ 'data-dir': dataDir, 'log-level': 'silent' }, {}), { logger: createLogger('silent') });
    try {
      tenantId = (await s.tenants.create({ name: 'Command Line School', actor: 'test' })).tenantId;
      const db = await s.store.connect();
      // Page views spread over 900 days, each with a subject and a session; half a day off whole days.
      await db.run(`
        INSERT INTO events (id, tenant_id, occurred_at, received_at, category, type, subject_id, session_id, page_path, props, ip_prefix)
        SELECT uuid(), $1, to_timestamp(($2 + (i * ${SPAN_DAYS}) // ${EVENTS} * ${DAY_MS} + 12 * 3600000) / 1000.0),
               to_timestamp(($2 + (i * ${SPAN_DAYS}) // ${EVENTS} * ${DAY_MS} + 12 * 3600000) / 1000.0),
               'navigation', 'page_view', 's_cli_' || (i % 40), 'ss_cli_' || (i // 5), '/p/' || (i % 9), '{"level":1}', '198.51.100.0/24'
        FROM range(${EVENTS}) r(i)`, [tenantId, now - SPAN_DAYS * DAY_MS]);
    } finally {
      await s.close();
    }
  });
  afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

  it('shows and sets policies, and refuses bad ones with their codes and exit code 2', () => {
    const shown = ebb('retention', 'show', '--tenant', tenantId, '--json');
    expect(shown.code, shown.stderr).toBe(0);
    expect(shown.json().map((p: { category: string }) => p.category)).toEqual(['events', 'sessions', 'learning_events', 'errors', 'aggregates', 'request_logs', 'export_files']);
    const text = ebb('retention', 'show', '--tenant', tenantId);
    expect(text.stdout).toMatch(/events\s+90 days\s+730 days\s+default/);

    const zero = ebb('retention', 'set', '--tenant', tenantId, '--category', 'events', '--anonymize-after', '0');
    expect(zero.code).toBe(2);
    expect(zero.stderr).toContain('EBB_RETENTION_OUT_OF_RANGE');
    const order = ebb('retention', 'set', '--tenant', tenantId, '--category', 'events', '--anonymize-after', '400', '--delete-after', '300', '--json');
    expect(order.code).toBe(2);
    expect(order.json().error.code).toBe('EBB_RETENTION_ANONYMIZE_AFTER_DELETE');
    expect(ebb('retention', 'set', '--tenant', tenantId, '--category', 'clicks', '--delete-after', '30').stderr).toContain('EBB_RETENTION_UNKNOWN_CATEGORY');

    const set = ebb('retention', 'set', '--tenant', tenantId, '--category', 'events', '--delete-after', '700', '--json');
    expect(set.code, set.stderr).toBe(0);
    expect(set.json().find((p: { category: string }) => p.category === 'events')).toMatchObject({ anonymizeAfterDays: 90, deleteAfterDays: 700, source: 'tenant', updatedBy: 'operator:cli' });
  });

  it('skips a tenant under a legal hold and says why; releasing the hold lets the next run catch up', async () => {
    const placed = ebb('hold', 'add', '--tenant', tenantId, '--reason', 'Case 5', '--json');
    expect(placed.code, placed.stderr).toBe(0);
    const hold = placed.json();
    expect(hold).toMatchObject({ scope: 'tenant', reason: 'Case 5', active: true });
    expect(ebb('hold', 'list', '--tenant', tenantId).stdout).toMatch(new RegExp(`${hold.id}\\s+ACTIVE\\s+whole tenant`));

    const skipped = ebb('retention', 'run', '--tenant', tenantId);
    expect(skipped.code, skipped.stderr).toBe(0);
    expect(skipped.stdout).toContain(`Tenant ${tenantId}: skipped, the whole tenant is under legal hold ${hold.id}`);
    expect(skipped.stdout).toContain(`Skipped in ${tenantId}: the whole tenant is under a legal hold (${hold.id})`);
    expect((await rows()).anonymized).toBe(0);

    const released = ebb('hold', 'release', '--tenant', tenantId, '--id', hold.id);
    expect(released.code, released.stderr).toBe(0);
    expect(released.stdout).toContain('The next retention run catches up');
    expect(ebb('hold', 'release', '--tenant', tenantId, '--id', hold.id).stderr).toContain('EBB_HOLD_RELEASED');
  });

  it('prints a dry run as a log (stats before, counts per category, stats after, rate, duration) and changes nothing', async () => {
    const before = await rows();
    const dry = ebb('retention', 'run', '--dry-run');
    expect(dry.code, dry.stderr).toBe(0);
    const out = dry.stdout;
    expect(out).toContain('Ebb retention run (dry run: nothing is changed)');
    expect(out).toMatch(/Started at: \d{4}-\d\d-\d\dT/);
    expect(out).toContain(`Stats before: events ${EVENTS} (anonymised 0, 0.0%)`);
    expect(out).toMatch(/Overdue before: .*events anonymize/);
    expect(out).toMatch(/\n {2}events\s+90 d \/ 700 d\s+\d+\s+\d+/);
    expect(out).toMatch(/\n {2}sessions\s+90 d \/ 730 d/);
    expect(out).toContain('Visitor salts older than 48 hours would be deleted:');
    expect(out).toMatch(/Stats after: events 3000 \(anonymised 0, 0\.0%\)/);
    expect(out).toMatch(/Would anonymise: \d+ rows/);
    expect(out).toMatch(/Anonymisation rate: 0\.0% -> 0\.0%/);
    expect(out).toMatch(/Finished at: .* \(\d+\.\d s\)/);
    // Progress goes to a terminal only; here stderr is a pipe.
    expect(dry.stderr).toBe('');
    expect(await rows()).toMatchObject({ events: before.events, anonymized: 0 });
  });

  it('does with --json exactly what the dry run reported, records every run, and a second run changes nothing', async () => {
    const dry = ebb('retention', 'run', '--dry-run', '--json').json() as RetentionReport;
    const real = ebb('retention', 'run', '--json').json() as RetentionReport;
    expect(real.dryRun).toBe(false);
    expect(real.totals).toEqual(dry.totals);
    // The same counts per tenant, category and table (the due instants differ by the seconds between the runs).
    const counts = (r: RetentionReport) => r.tenants.map((t) => t.categories.map((c) => ({ category: c.category, anonymized: c.anonymized, deleted: c.deleted, held: c.held })));
    expect(counts(real)).toEqual(counts(dry));
    // Event i is (900 - d) days and 12 hours old, d = floor(i * 900 / 3000): deleted past 700 days, anonymised past 90.
    const day = (i: number) => Math.floor((i * SPAN_DAYS) / EVENTS);
    let deleted = 0;
    let anonymized = 0;
    for (let i = 0; i < EVENTS; i++) {
      if (SPAN_DAYS - day(i) - 0.5 >= 700) deleted++;
      else if (SPAN_DAYS - day(i) - 0.5 >= 90) anonymized++;
    }
    expect(real.totals.deleted.events).toBe(deleted);
    expect(real.totals.anonymized.events).toBe(anonymized);
    expect(real.before.anonymizationRate).toBe(0);
    expect(real.after.anonymizationRate).toBe(Math.round((anonymized / (EVENTS - deleted)) * 1000) / 10);
    const after = await rows();
    expect(after).toMatchObject({ events: EVENTS - deleted, anonymized });

    const again = ebb('retention', 'run');
    expect(again.stdout).toContain('Anonymised: 0 rows');
    expect(again.stdout).toContain('Deleted: 0 rows');
    expect(again.stdout).toContain('PII overdue after the run: none');

    // Every run, dry runs and the held one too, is a job and an audit entry of the tenant.
    const { jobs, audit } = await rows();
    expect(jobs.map((j) => [j.state, JSON.parse(j.params).dryRun])).toEqual([
      ['succeeded', false], ['succeeded', true], ['succeeded', true], ['succeeded', false], ['succeeded', false],
    ]);
    expect(audit.filter((a) => a !== 'retention.policy_changed')).toEqual(['retention.run', 'retention.dry_run', 'retention.dry_run', 'retention.run', 'retention.run']);
  });
});
