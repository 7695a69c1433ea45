import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import { unzipSync } from 'fflate';
import { afterAll, describe, expect, it } from 'vitest';
import { createDuckDbStore } from '../../src/store/duckdb/index.ts';
import { tempDataDir } from '../helpers/harness.ts';
import { filesUnder } from './rights-fixtures.ts';

const ROOT = new URL('../../../../', import.meta.url).pathname;
const dirs: string[] = [];
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

function ebb(dataDir: string, ...args: string[]) {
  const r = spawnSync(process.execPath, ['bin/ebb.js', ...args, '--data-dir', dataDir], { cwd: ROOT, encoding: 'utf8', timeout: 120_000 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr, json: () => JSON.parse(r.stdout) };
}

async function serve(dataDir: string): Promise<{ child: ChildProcess; port: number; stop(): Promise<void>; exited: Promise<void> }> {
  const child = spawn(process.execPath, ['bin/ebb.js', 'serve', '--data-dir', dataDir, '--port', '0', '--log-level', 'warn'], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
  child.stderr!.resume();
  const port = await new Promise<number>((resolve, reject) => {
    child.stdout!.on('data', (d: Buffer) => {
      const m = /running at http:\/\/localhost:(\d+)/.exec(d.toString());
      if (m) resolve(Number(m[1]));
    });
    child.once('exit', (c) => reject(new Error(`server exited with ${c}`)));
  });
  const exited = new Promise<void>((r) => child.once('exit', () => r()));
  return { child, port, exited, stop: async () => { child.kill('SIGTERM'); await exited; } };
}

/** Rows for a tenant straight into the store (set-based SQL): enough that a tenant export takes seconds. */
async function bulkEvents(dataDir: string, tenantId: string, events: number): Promise<void> {
  const store = await createDuckDbStore(dataDir);
  const db = await store.connect();
  try {
    await db.run(`
      INSERT INTO events (id, tenant_id, occurred_at, received_at, category, type, subject_id, session_id, page_path, page_title, referrer_host, load_time_ms, props, browser, os, device_type, locale)
      SELECT uuid(), $1, now() - to_seconds(i), now() - to_seconds(i), 'navigation', 'page_view', 's_bulk' || CAST(i % 5000 AS VARCHAR), 'ss_bulk' || CAST(i // 8 AS VARCHAR),
        '/quests/' || CAST(i % 300 AS VARCHAR), 'Quest ' || CAST(i % 300 AS VARCHAR), 'www.example.org', 200 + i % 900, '{"quest":"q' || CAST(i % 300 AS VARCHAR) || '","step":3}',
        'Chrome', 'Windows', 'desktop', 'en-GB'
      FROM range(${events}) r(i)`, [tenantId]);
    await db.run('CHECKPOINT');
  } finally {
    await store.close();
  }
}

describe('ebb export, erase and jobs', () => {
  it('work through a running server and on the store directly, with --json', async () => {
    const dir = tempDataDir();
    dirs.push(dir);
    const { tenantId, keys } = ebb(dir, 'tenant', 'create', '--name', 'Cli School', '--json').json();
    const server = await serve(dir);
    try {
      const sent = await fetch(`http://127.0.0.1:${server.port}/api/v1/events`, {
        method: 'POST', headers: { authorization: `Bearer ${keys.server}`, 'content-type': 'application/json' },
        body: JSON.stringify({ events: [{ type: 'page_view', userId: 'cli-u1', page: { path: '/a' } }, { type: 'page_view', userId: 'cli-u2', page: { path: '/b' } }] }),
      });
      expect(sent.status).toBe(200);
      const exp = ebb(dir, 'export', '--tenant', tenantId, '--user-id', 'cli-u1', '--format', 'csv', '--json');
      expect(exp.code, exp.stderr).toBe(0);
      const job = exp.json().job;
      expect(job.state).toBe('succeeded');
      expect(Object.keys(unzipSync(readFileSync(job.path)))).toContain('events.csv');
      // The link it gives works on the running server.
      const dl = await fetch(`http://127.0.0.1:${server.port}${job.download.url}`);
      expect(dl.status).toBe(200);
      const mismatch = ebb(dir, 'erase', '--tenant', tenantId, '--user-id', 'cli-u1', '--confirm', 'cli-u2', '--json');
      expect(mismatch.code).toBe(2);
      expect(mismatch.json().error.code).toBe('EBB_CONFIRMATION_MISMATCH');
      const scheduled = ebb(dir, 'erase', '--tenant', tenantId, '--user-id', 'cli-u1', '--confirm', 'cli-u1', '--grace-days', '3', '--json');
      expect(scheduled.code, scheduled.stderr).toBe(0);
      expect(scheduled.json().job.state).toBe('scheduled');
      const cancelled = ebb(dir, 'jobs', 'cancel', scheduled.json().job.id, '--json');
      expect(cancelled.json().state).toBe('cancelled');
      const list = ebb(dir, 'jobs', 'list', '--tenant', tenantId, '--json').json();
      expect(list.jobs.map((j: { kind: string; state: string }) => `${j.kind}:${j.state}`)).toEqual(['erase:cancelled', 'export:succeeded']);
      const human = ebb(dir, 'jobs', 'show', job.id);
      expect(human.stdout).toMatch(/export succeeded/);
    } finally {
      await server.stop();
    }
    // No server: the same commands open the store themselves.
    const now = ebb(dir, 'erase', '--tenant', tenantId, '--user-id', 'cli-u1', '--confirm', 'cli-u1', '--grace-days', '0', '--json');
    expect(now.code, now.stderr).toBe(0);
    expect(now.json().job.state).toBe('succeeded');
    expect(now.json().job.result.verification.clean).toBe(true);
    const shown = ebb(dir, 'jobs', 'show', now.json().job.id, '--json').json();
    expect(shown.subjectId).toBeNull();
    expect(ebb(dir, 'jobs', 'scheduled', '--json').json().map((j: { name: string }) => j.name)).toContain('rights');
  }, 120_000);

  it('restart a job cleanly after the server is killed with SIGKILL mid-export', async () => {
    const dir = tempDataDir();
    dirs.push(dir);
    const { tenantId } = ebb(dir, 'tenant', 'create', '--name', 'Crash School', '--json').json();
    await bulkEvents(dir, tenantId, 300_000);
    const server = await serve(dir);
    let jobId = '';
    try {
      const queued = ebb(dir, 'export', '--tenant', tenantId, '--all', '--format', 'both', '--no-wait', '--json');
      expect(queued.code, queued.stderr).toBe(0);
      jobId = queued.json().job.id;
      // Wait until the server's worker is inside the job, then kill it without warning.
      for (let i = 0; i < 600; i++) {
        const state = ebb(dir, 'jobs', 'show', jobId, '--json').json().state;
        if (state === 'running') break;
        expect(state).not.toBe('succeeded');
        await new Promise((r) => setTimeout(r, 50));
      }
      await new Promise((r) => setTimeout(r, 300));
      server.child.kill('SIGKILL');
      await server.exited;
    } catch (err) {
      server.child.kill('SIGKILL');
      throw err;
    }
    // What the killed process left: the job marked running, a scratch folder and maybe a partial zip.
    const left = filesUnder(path.join(dir, 'exports'));
    expect(left.some((f) => f.includes(`${path.sep}.work${path.sep}`) || f.endsWith('.partial')), left.join('\n')).toBe(true);
    expect(left.some((f) => f.endsWith(`${jobId}.zip`))).toBe(false);

    // The job runner (by hand here; a restarted server does the same at start) restarts it cleanly.
    const run = ebb(dir, 'jobs', 'run', 'rights', '--json');
    expect(run.code, run.stderr).toBe(0);
    const job = ebb(dir, 'jobs', 'show', jobId, '--json').json();
    expect(job.state, job.error).toBe('succeeded');
    expect(job.attempts).toBe(2);
    const zip = unzipSync(readFileSync(job.path));
    const events = JSON.parse(Buffer.from(zip['events.json']!).toString('utf8')) as unknown[];
    expect(events.length).toBe(300_000);
    expect(Buffer.from(zip['events.csv']!).toString('utf8').trim().split('\n').length).toBe(300_001);
    const after = filesUnder(path.join(dir, 'exports'));
    expect(after.filter((f) => f.endsWith('.partial') || f.includes(`${path.sep}.work${path.sep}`))).toEqual([]);
    expect(readdirSync(path.join(dir, 'exports', tenantId))).toEqual([`${jobId}.zip`]);
    const audit = ebb(dir, 'audit', 'verify', '--json');
    expect(audit.json().ok).toBe(true);
    expect(existsSync(path.join(dir, 'ebb.sock'))).toBe(false);
  }, 300_000);
});
