/**
 * The dashboard's first load: the overview opened in headless Chromium on localhost, from an empty
 * cache, until its numbers are on screen; beside it, in the same run, the two API answers the view
 * waits for (the floor no page can beat) and a warm reload. Also the JavaScript and CSS sizes of
 * the built bundle, raw and gzipped. Runs on the demo tenant (real OULAD data with the synthetic
 * activity around it). Prints one JSON line.
 *
 *   node --import tsx bench/dashboard.bench.ts [--runs 15]
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { chromium } from 'playwright-core';
import { createServices } from '../packages/server/src/app/services.ts';
import { loadConfig } from '../packages/server/src/core/config.ts';
import { createLogger } from '../packages/server/src/core/logger.ts';
import { importDemoEvents } from '../packages/server/src/demo/demo-import.ts';
import { demoSignIn } from '../packages/server/src/demo/demo-sign-in.ts';
import { ensureDemoTenant } from '../packages/server/src/demo/demo-tenant.ts';
import { createHttpApp } from '../packages/server/src/http/app.ts';

const ROOT = new URL('../', import.meta.url).pathname;
const DASHBOARD = path.join(ROOT, 'packages/dashboard');
const arg = (name: string, fallback: string) => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1]! : fallback;
};
const RUNS = Number(arg('runs', '15'));

const median = (xs: number[]) => { const s = xs.slice().sort((a, b) => a - b); return s[Math.floor(s.length / 2)]!; };
const p90 = (xs: number[]) => { const s = xs.slice().sort((a, b) => a - b); return s[Math.min(s.length - 1, Math.floor(s.length * 0.9))]!; };
const round = (x: number) => Math.round(x * 10) / 10;

/** Step 1: a fresh production build, and the sizes of what a browser downloads. */
function buildAndMeasureBundle() {
  const r = spawnSync(process.execPath, [path.join(ROOT, 'node_modules/vite/bin/vite.js'), 'build', '--logLevel', 'warn'], { cwd: DASHBOARD, encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`vite build failed: ${r.stderr}`);
  const dist = path.join(DASHBOARD, 'dist');
  const measure = (files: string[]) => {
    let raw = 0;
    let gz = 0;
    for (const f of files) {
      const b = readFileSync(path.join(dist, f));
      raw += b.length;
      gz += gzipSync(b, { level: 9 }).length;
    }
    return { files: files.length, raw, gzip: gz };
  };
  const all = readdirSync(path.join(dist, 'assets')).map((f) => `assets/${f}`);
  return {
    measure,
    allJs: measure(all.filter((f) => f.endsWith('.js'))),
    css: measure(all.filter((f) => f.endsWith('.css'))),
  };
}

async function main() {
  const bundle = buildAndMeasureBundle();

  // Step 2: a server on a fresh data directory with the demo tenant and its data.
  const dataDir = mkdtempSync(path.join(tmpdir(), 'ebb-bench-dashboard-'));
  const services = await createServices(loadConfig({ 'data-dir': dataDir, 'log-level': 'silent' }, {}), { logger: createLogger('silent') });
  const { app } = await createHttpApp(services);
  const url = await app.listen({ port: 0, host: '127.0.0.1' });
  const demo = await ensureDemoTenant(services, url);
  const imported = await importDemoEvents(services, demo.serverKey!);
  const login = demoSignIn(demo.file, url);

  const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'] });
  const cold: number[] = [];
  const coldNav: Array<{ ttfb: number; domContentLoaded: number; load: number }> = [];
  const warm: number[] = [];
  const api: number[] = [];
  let overviewJs: string[] = [];
  try {
    // Sign in once (sign-in is rate-limited per address); each run gets the session cookie only.
    const first = await browser.newContext();
    const signIn = await first.request.post(`${url}/api/v1/auth/login`, { data: { email: login.email, password: login.password } });
    if (!signIn.ok()) throw new Error(`sign-in failed: ${signIn.status()}`);
    const storageState = await first.storageState();
    await first.close();
    for (let i = 0; i < RUNS + 1; i++) {
      // A new context: empty cache, as on a first visit, with the session cookie.
      const context = await browser.newContext({ storageState });

      // Baseline: the API answers the overview waits for, fetched directly with the same session.
      const t0 = performance.now();
      await Promise.all(['overview', 'event-counts'].map((m) => context.request.get(`${url}/api/v1/analytics/${m}`)));
      const apiMs = performance.now() - t0;

      const page = await context.newPage();
      await page.goto(`${url}/#/overview`);
      // Time from navigation start until both of the overview's data blocks are rendered.
      const rendered = await page.waitForFunction(() => {
        const g = globalThis as unknown as { document: { querySelector(s: string): unknown }; performance: { now(): number } };
        return g.document.querySelector('[data-testid="data-overview"]') && g.document.querySelector('[data-testid="data-event-counts"]') ? g.performance.now() : null;
      }, undefined, { polling: 'raf', timeout: 30_000 }).then((h) => h.jsonValue() as Promise<number>);
      // The scripts the overview needed (the entry, React and the app, the chunks the view uses).
      if (i === RUNS) {
        const names = await page.evaluate(() => (globalThis as unknown as { performance: { getEntriesByType(t: string): Array<{ name: string }> } }).performance.getEntriesByType('resource').map((e) => e.name));
        overviewJs = names.filter((n) => n.endsWith('.js')).map((n) => new URL(n).pathname.slice(1));
      }
      const nav = await page.evaluate(() => {
        const e = (globalThis as unknown as { performance: { getEntriesByType(t: string): Array<{ responseStart: number; domContentLoadedEventEnd: number; loadEventEnd: number }> } }).performance.getEntriesByType('navigation')[0]!;
        return { ttfb: e.responseStart, domContentLoaded: e.domContentLoadedEventEnd, load: e.loadEventEnd };
      });
      // Warm: the same page reloaded, assets from the cache.
      await page.reload();
      const again = await page.waitForFunction(() => {
        const g = globalThis as unknown as { document: { querySelector(s: string): unknown }; performance: { now(): number } };
        return g.document.querySelector('[data-testid="data-overview"]') && g.document.querySelector('[data-testid="data-event-counts"]') ? g.performance.now() : null;
      }, undefined, { polling: 'raf', timeout: 30_000 }).then((h) => h.jsonValue() as Promise<number>);
      await context.close();
      if (i === 0) continue; // the first run warms the server's and the browser's own start-up
      cold.push(rendered);
      coldNav.push(nav);
      warm.push(again);
      api.push(apiMs);
    }
  } finally {
    await browser.close();
    await app.close();
    await services.close();
    rmSync(dataDir, { recursive: true, force: true });
  }

  process.stdout.write(`${JSON.stringify({
    bench: 'dashboard-first-load',
    runs: RUNS,
    demoEvents: imported.accepted,
    overviewDataRenderedMs: { coldMedian: round(median(cold)), coldP90: round(p90(cold)), warmMedian: round(median(warm)) },
    navigationTimingMs: { ttfbMedian: round(median(coldNav.map((n) => n.ttfb))), domContentLoadedMedian: round(median(coldNav.map((n) => n.domContentLoaded))), loadMedian: round(median(coldNav.map((n) => n.load))) },
    baselineApiOnlyMs: { median: round(median(api)) },
    bundleBytes: { overviewJs: bundle.measure(overviewJs), allJs: bundle.allJs, css: bundle.css },
    targetMs: 1000,
  })}\n`);
}

await main();
