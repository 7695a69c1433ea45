import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { rmSync } from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { tempDataDir } from '../../helpers/harness.ts';

const ROOT = new URL('../../../../../', import.meta.url).pathname;
const dirs: string[] = [];
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

function ebb(dataDir: string, ...args: string[]) {
  const r = spawnSync(process.execPath, ['bin/ebb.js', ...args, '--data-dir', dataDir], { cwd: ROOT, encoding: 'utf8', timeout: 60_000 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr, json: () => JSON.parse(r.stdout) };
}

async function serve(dataDir: string): Promise<{ child: ChildProcess; stop(): Promise<void> }> {
  const child = spawn(process.execPath, ['bin/ebb.js', 'serve', '--data-dir', dataDir, '--port', '0', '--log-level', 'warn'], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
  await new Promise<void>((resolve, reject) => {
    child.stdout!.on('data', (d: Buffer) => { if (/running at http:\/\/localhost:\d+/.test(d.toString())) resolve(); });
    child.once('exit', (c) => reject(new Error(`server exited with ${c}`)));
  });
  const exited = new Promise<void>((r) => child.once('exit', () => r()));
  return { child, stop: async () => { child.kill('SIGTERM'); await exited; } };
}

describe('ebb etl', () => {
  it('runs the ETL for a period without a server, records every step, and lists the runs as JSON', () => {
    const dir = tempDataDir();
    dirs.push(dir);
    const tenant = ebb(dir, 'tenant', 'create', '--name', 'ETL School', '--json').json().tenantId as string;
    const run = ebb(dir, 'etl', 'run', '--tenant', tenant, '--from', '2025-01-06', '--to', '2025-01-19', '--json');
    expect(run.code, run.stderr).toBe(0);
    const report = run.json();
    expect(report.tenants).toHaveLength(1);
    expect(report.tenants[0].steps.map((s: { job: string; status: string }) => `${s.job}:${s.status}`)).toEqual([
      'session:succeeded', 'mastery:succeeded', 'weekly_active:succeeded', 'iep:succeeded', 'page_views:succeeded', 'releases:succeeded',
    ]);
    // Two whole ended weeks, six releases each, at the default level: spent once.
    expect(report.tenants[0].releases).toHaveLength(12);
    expect(report.tenants[0].releases.every((r: { status: string }) => r.status === 'released')).toBe(true);
    const again = ebb(dir, 'etl', 'run', '--tenant', tenant, '--from', '2025-01-06', '--to', '2025-01-19', '--json').json();
    expect(again.tenants[0].releases.every((r: { status: string }) => r.status === 'kept')).toBe(true);
    const jobs = ebb(dir, 'etl', 'jobs', '--tenant', tenant, '--status', 'succeeded', '--json');
    expect(jobs.code, jobs.stderr).toBe(0);
    expect(jobs.json()).toHaveLength(12);
    const bad = ebb(dir, 'etl', 'run', '--tenant', tenant, '--from', '2025-02-30', '--json');
    expect(bad.code).not.toBe(0);
    expect(bad.stderr + bad.stdout).toContain('EBB_DATE_RANGE_INVALID');
  }, 120_000);

  it('sends the run to a running server', async () => {
    const dir = tempDataDir();
    dirs.push(dir);
    const tenant = ebb(dir, 'tenant', 'create', '--name', 'Served School', '--json').json().tenantId as string;
    const server = await serve(dir);
    try {
      const run = ebb(dir, 'etl', 'run', '--tenant', tenant, '--from', '2025-01-06', '--to', '2025-01-12', '--level', 'dp_high', '--json');
      expect(run.code, run.stderr).toBe(0);
      expect(run.json().tenants[0].level).toBe('dp_high');
      expect(run.json().tenants[0].releases.every((r: { status: string }) => r.status === 'released')).toBe(true);
    } finally {
      await server.stop();
    }
  }, 120_000);
});
