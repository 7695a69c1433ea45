import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, rmSync, statSync } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { tempDataDir } from '../helpers/harness.ts';

const ROOT = new URL('../../../../', import.meta.url).pathname;
const dirs: string[] = [];
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));
const fresh = () => {
  const d = tempDataDir();
  dirs.push(d);
  return d;
};

function ebb(dataDir: string, ...args: string[]) {
  const r = spawnSync(process.execPath, ['bin/ebb.js', ...args, '--data-dir', dataDir], { cwd: ROOT, encoding: 'utf8', timeout: 30_000 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr, json: () => JSON.parse(r.stdout) };
}

async function serve(dataDir: string): Promise<{ child: ChildProcess; port: number; stop(): Promise<void> }> {
  const child = spawn(process.execPath, ['bin/ebb.js', 'serve', '--data-dir', dataDir, '--port', '0', '--log-level', 'warn'], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
  const port = await new Promise<number>((resolve, reject) => {
    child.stdout!.on('data', (d: Buffer) => {
      const m = /running at http:\/\/localhost:(\d+)/.exec(d.toString());
      if (m) resolve(Number(m[1]));
    });
    child.once('exit', (c) => reject(new Error(`server exited with ${c}`)));
  });
  const exited = new Promise<void>((r) => child.once('exit', () => r()));
  return { child, port, stop: async () => { child.kill('SIGTERM'); await exited; } };
}

describe('ebb CLI', () => {
  it('creates a tenant and prints its id and first keys once, as JSON', () => {
    const dir = fresh();
    const r = ebb(dir, 'tenant', 'create', '--name', 'Hillside School', '--json');
    expect(r.code, r.stderr).toBe(0);
    const out = r.json();
    expect(Object.keys(out).sort()).toEqual(['keys', 'tenantId']);
    expect(out.keys.server).toMatch(/^ebb_srv_/);
    expect(out.keys.browser).toMatch(/^ebb_brw_/);
    expect(out.keys.admin).toMatch(/^ebb_adm_/);
    expect(statSync(path.join(dir, 'secrets.json')).mode & 0o777).toBe(0o600);
    const list = ebb(dir, 'keys', 'list', '--tenant', out.tenantId, '--json');
    expect(list.code).toBe(0);
    expect(list.stdout).not.toContain(out.keys.server);
    expect(list.json()).toHaveLength(3);
  });

  it('answers bad input with a code and a message, and exit code 2', () => {
    const dir = fresh();
    const noName = ebb(dir, 'tenant', 'create');
    expect(noName.code).toBe(2);
    expect(noName.stderr).toMatch(/EBB_VALIDATION_FAILED: --name is required/);
    const badKind = ebb(dir, 'keys', 'create', '--tenant', 't_x', '--kind', 'root', '--json');
    expect(badKind.code).toBe(2);
    expect(badKind.json().error.code).toMatch(/EBB_VALIDATION_FAILED|EBB_TENANT_NOT_FOUND/);
    const unknown = ebb(dir, 'frobnicate');
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain('Unknown command');
    const badPort = ebb(dir, 'serve', '--port', 'x');
    expect(badPort.code).toBe(2);
    expect(badPort.stderr).toContain('EBB_CONFIG_INVALID');
  });

  it('works the same while a server holds the store, through its control socket', async () => {
    const dir = fresh();
    const server = await serve(dir);
    try {
      expect(existsSync(path.join(dir, 'ebb.sock'))).toBe(true);
      const created = ebb(dir, 'tenant', 'create', '--name', 'Riverside', '--json');
      expect(created.code, created.stderr).toBe(0);
      const { tenantId, keys } = created.json();
      // The key works at once on the running server: it was created inside it.
      const res = await fetch(`http://127.0.0.1:${server.port}/api/v1/events`, {
        method: 'POST', headers: { authorization: `Bearer ${keys.server}`, 'content-type': 'application/json' }, body: JSON.stringify({ events: [{ type: 'page_view' }] }),
      });
      expect(res.status).toBe(200);
      const list = ebb(dir, 'keys', 'list', '--tenant', tenantId, '--json').json() as Array<{ id: string; kind: string }>;
      const serverKey = list.find((k) => k.kind === 'server')!;
      expect(ebb(dir, 'keys', 'revoke', '--tenant', tenantId, '--id', serverKey.id, '--json').code).toBe(0);
      const refused = await fetch(`http://127.0.0.1:${server.port}/api/v1/events`, {
        method: 'POST', headers: { authorization: `Bearer ${keys.server}`, 'content-type': 'application/json' }, body: JSON.stringify({ events: [{ type: 'page_view' }] }),
      });
      expect(refused.status).toBe(401);
      const verify = ebb(dir, 'audit', 'verify', '--json');
      expect(verify.code).toBe(0);
      expect(verify.json().ok).toBe(true);
    } finally {
      await server.stop();
    }
    // And without the server, on the store directly.
    expect(existsSync(path.join(dir, 'ebb.sock'))).toBe(false);
    expect(ebb(dir, 'audit', 'verify', '--json').json().ok).toBe(true);
  }, 60_000);

  it('says so when another process holds the store and no server answers', async () => {
    const dir = fresh();
    ebb(dir, 'tenant', 'list');
    const holder = spawn(process.execPath, ['--import', 'tsx', '-e', `const { DuckDBInstance } = await import('@duckdb/node-api'); await DuckDBInstance.create(${JSON.stringify(path.join(dir, 'ebb.duckdb'))}); console.log('holding'); setInterval(() => {}, 1000);`], { cwd: ROOT, stdio: ['ignore', 'pipe', 'inherit'] });
    await new Promise<void>((r) => holder.stdout!.on('data', (d: Buffer) => { if (d.toString().includes('holding')) r(); }));
    try {
      const r = ebb(dir, 'tenant', 'list', '--json');
      expect(r.code).toBe(2);
      expect(r.json().error.code).toBe('EBB_STORE_LOCKED');
    } finally {
      holder.kill('SIGKILL');
    }
  }, 30_000);
});
