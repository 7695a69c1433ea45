/**
 * Ingest throughput and latency over real HTTP, Ebb beside the seeds' design (one PostgreSQL INSERT per
 * event), in one run. Prints one JSON line.
 *
 *   node --import tsx bench/ingest.bench.ts [--seconds 10] [--connections 32] [--skip-baseline]
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import autocannon from 'autocannon';
import pg from 'pg';

const ROOT = new URL('../', import.meta.url).pathname;
const arg = (name: string, fallback: string) => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1]! : fallback;
};
const SECONDS = Number(arg('seconds', '10'));
const CONNECTIONS = Number(arg('connections', '32'));
const SKIP_BASELINE = process.argv.includes('--skip-baseline');
/** Write a V8 CPU profile of the Ebb server to this folder (to see where the time goes). */
const PROFILE_DIR = process.argv.includes('--profile') ? arg('profile', '') : '';

const AGENTS = [
  'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0 Safari/537.36',
  'Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4 Mobile/15E148 Safari/604.1',
  'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.3 Safari/605.1.15',
  'Mozilla/5.0 (X11; Linux x86_64; rv:125.0) Gecko/20100101 Firefox/125.0',
];
const TYPES = ['page_view', 'page_view', 'page_view', 'quest_viewed', 'quest_started', 'task_completed', 'quest_completed', 'badge_earned', 'tutor_message_sent'];

/** A batch template; `@@` is replaced by a counter per request so every event id is new. */
function template(size: number, seed: number): string {
  const events = [];
  for (let i = 0; i < size; i++) {
    const k = seed * size + i;
    const type = TYPES[k % TYPES.length]!;
    events.push({
      id: `b-@@-${i}`,
      type,
      userId: `learner-${(k * 7919) % 10_000}`,
      occurredAt: '@T@',
      page: { path: `/quests/${k % 300}?utm_source=newsletter&ref=home`, title: `Quest ${k % 300}`, referrer: 'https://www.example.org/start', loadTimeMs: 200 + (k % 900) },
      props: { quest_id: `q${k % 300}`, pillar: ['stem', 'arts', 'civics', 'wellness'][k % 4], step: k % 12, note: k % 50 === 0 ? 'contact me at someone@example.com' : 'ok' },
      context: { userAgent: AGENTS[k % AGENTS.length], ip: `198.51.${k % 200}.${(k * 13) % 250 + 1}`, locale: 'en-GB' },
    });
  }
  return JSON.stringify({ events });
}

interface Scenario { events_per_s: number; requests_per_s: number; p50_ms: number; p99_ms: number; errors: number; non2xx: number }

async function load(url: string, key: string | null, batch: number, connections: number): Promise<Scenario> {
  const templates = Array.from({ length: 16 }, (_, s) => template(batch, s));
  let counter = 0;
  const result = await autocannon({
    url: `${url}/api/v1/events`,
    method: 'POST',
    connections,
    duration: SECONDS,
    headers: { 'content-type': 'application/json', ...(key ? { authorization: `Bearer ${key}` } : {}) },
    requests: [{
      setupRequest: (req: any) => {
        const n = counter++;
        req.body = templates[n % templates.length]!.replaceAll('@@', `${n}`).replaceAll('@T@', new Date().toISOString());
        return req;
      },
    }],
  });
  return {
    events_per_s: Math.round((result.requests.average * batch * result['2xx']) / Math.max(1, result.requests.sent ?? result['2xx'] + result.non2xx)),
    requests_per_s: Math.round(result.requests.average),
    p50_ms: result.latency.p50,
    p99_ms: result.latency.p99,
    errors: result.errors,
    non2xx: result.non2xx,
  };
}

const rssMb = (pid: number) => {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = (field: string) => Number(new RegExp(`${field}:\\s+(\\d+)`).exec(status)?.[1] ?? 0);
  return { rss_mb: Math.round(kb('VmRSS') / 1024), peak_rss_mb: Math.round(kb('VmHWM') / 1024) };
};

function startProcess(args: string[], ready: string): Promise<ChildProcess> {
  const child = spawn(process.execPath, args, { cwd: ROOT, stdio: ['ignore', 'pipe', 'inherit'] });
  return new Promise((resolve, reject) => {
    child.stdout!.on('data', (d: Buffer) => { if (d.toString().includes(ready)) resolve(child); });
    child.once('exit', (code) => reject(new Error(`${args.join(' ')} exited with ${code}`)));
  });
}

async function stop(child: ChildProcess) {
  child.kill('SIGTERM');
  await new Promise((r) => child.once('exit', r));
}

async function benchEbb() {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'ebb-bench-'));
  try {
    const created = spawnSync(process.execPath, ['bin/ebb.js', 'tenant', 'create', '--name', 'Bench', '--json', '--data-dir', dataDir], { cwd: ROOT, encoding: 'utf8' });
    const key = (JSON.parse(created.stdout) as { keys: { server: string } }).keys.server;
    const port = 18787;
    // The per-key request limit protects a shared server; the benchmark measures capacity, so it is off.
    const profile = PROFILE_DIR ? ['--cpu-prof', `--cpu-prof-dir=${PROFILE_DIR}`] : [];
    const server = await startProcess([...profile, 'bin/ebb.js', 'serve', '--data-dir', dataDir, '--port', String(port), '--log-level', 'warn', '--ingest-rate-limit', '0'], 'Ebb is running');
    const url = `http://127.0.0.1:${port}`;
    await load(url, key, 100, 8); // warm-up
    const batch100 = await load(url, key, 100, CONNECTIONS);
    const single = await load(url, key, 1, CONNECTIONS * 2);
    const memory = rssMb(server.pid!);
    await stop(server);
    return { batch100, single, ...memory };
  } finally {
    rmSync(dataDir, { recursive: true, force: true });
  }
}

async function benchBaseline() {
  const client = new pg.Client({ host: '127.0.0.1', port: 5432, user: 'postgres', database: 'test' });
  await client.connect();
  await client.query(readFileSync(new URL('./baseline/seed-schema.sql', import.meta.url), 'utf8'));
  await client.end();
  const port = 18788;
  const server = await startProcess(['--import', 'tsx', 'bench/baseline/seed-design-server.ts', String(port)], 'baseline listening');
  const url = `http://127.0.0.1:${port}`;
  await load(url, null, 100, 8);
  const batch100 = await load(url, null, 100, CONNECTIONS);
  const single = await load(url, null, 1, CONNECTIONS * 2);
  const memory = rssMb(server.pid!);
  await stop(server);
  return { batch100, single, ...memory };
}

const ebb = await benchEbb();
const baseline = SKIP_BASELINE ? null : await benchBaseline();
process.stdout.write(`${JSON.stringify({
  bench: 'ingest',
  seconds: SECONDS,
  connections: CONNECTIONS,
  ebb,
  baseline,
  ratio: baseline ? {
    batch100: +(ebb.batch100.events_per_s / Math.max(1, baseline.batch100.events_per_s)).toFixed(1),
    single: +(ebb.single.events_per_s / Math.max(1, baseline.single.events_per_s)).toFixed(1),
  } : null,
})}\n`);
