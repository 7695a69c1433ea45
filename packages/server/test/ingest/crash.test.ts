import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { afterAll, describe, expect, it } from 'vitest';
import { createDuckDbStore } from '../../src/store/duckdb/index.ts';
import { dedupeKeyOf } from '../../src/ingest/to-draft.ts';
import { tempDataDir } from '../helpers/harness.ts';

/**
 * Kills the server with SIGKILL while clients send batches, restarts it, and checks that every
 * acknowledged event is stored exactly once, also after clients retry what was not acknowledged.
 */
const ROOT = new URL('../../../../', import.meta.url).pathname;
const dataDir = tempDataDir();
afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

const freePort = () => new Promise<number>((resolve) => {
  const s = createServer().listen(0, '127.0.0.1', () => {
    const port = (s.address() as { port: number }).port;
    s.close(() => resolve(port));
  });
});

async function startServer(port: number): Promise<ChildProcess> {
  const child = spawn(process.execPath, ['bin/ebb.js', 'serve', '--data-dir', dataDir, '--port', String(port), '--log-level', 'warn'], { cwd: ROOT, stdio: ['ignore', 'pipe', 'inherit'] });
  await new Promise<void>((resolve, reject) => {
    child.stdout!.on('data', (d: Buffer) => { if (d.toString().includes('Ebb is running')) resolve(); });
    child.once('exit', (code) => reject(new Error(`server exited with ${code}`)));
  });
  return child;
}

describe('crash safety', () => {
  it('keeps every acknowledged event exactly once across a SIGKILL', async () => {
    const created = spawnSync(process.execPath, ['bin/ebb.js', 'tenant', 'create', '--name', 'Crash School', '--json', '--data-dir', dataDir], { cwd: ROOT, encoding: 'utf8' });
    expect(created.status, created.stderr).toBe(0);
    const { tenantId, keys } = JSON.parse(created.stdout) as { tenantId: string; keys: { server: string } };
    const port = await freePort();
    let server = await startServer(port);

    const acked = new Set<string>();
    const sent: Array<Array<{ id: string; type: string; userId: string }>> = [];
    let n = 0;
    let killed = false;
    const post = (batch: unknown[]) => fetch(`http://127.0.0.1:${port}/api/v1/events`, {
      method: 'POST', headers: { authorization: `Bearer ${keys.server}`, 'content-type': 'application/json' }, body: JSON.stringify({ events: batch }),
    });
    const client = async () => {
      while (!killed) {
        const batch = Array.from({ length: 50 }, () => ({ id: `crash-${n++}`, type: 'page_view', userId: `u${n % 37}` }));
        sent.push(batch);
        try {
          const res = await post(batch);
          if (res.status === 200) for (const e of batch) acked.add(e.id);
        } catch {
          // connection cut by the kill: not acknowledged
        }
      }
    };
    const clients = [client(), client(), client(), client()];
    await new Promise((r) => setTimeout(r, 1500));
    const exited = new Promise((r) => server.once('exit', r));
    server.kill('SIGKILL');
    killed = true;
    await Promise.all(clients);
    await exited;
    expect(acked.size).toBeGreaterThan(100);

    // Restart; clients retry every batch they sent (acknowledged or not), as the SDKs do.
    server = await startServer(port);
    for (const batch of sent) expect((await post(batch)).status).toBe(200);
    const stopped = new Promise((r) => server.once('exit', r));
    server.kill('SIGTERM');
    await stopped;

    const store = await createDuckDbStore(dataDir);
    const db = await store.connect();
    const rows = await db.all<{ k: bigint; n: bigint }>('SELECT dedupe_key AS k, count(*) AS n FROM events GROUP BY dedupe_key');
    await store.close();
    const counts = new Map(rows.map((r) => [r.k, Number(r.n)]));
    for (const id of acked) expect(counts.get(dedupeKeyOf(tenantId, id)), `acknowledged ${id}`).toBe(1);
    const total = sent.reduce((s, b) => s + b.length, 0);
    expect([...counts.values()].every((c) => c === 1)).toBe(true);
    expect(counts.size).toBe(total);
  }, 60_000);
});
