import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../../server/test/helpers/harness.ts';
import { buildTracker } from '../build.mjs';
import { startPageServer } from './page-server.ts';

const CHROMIUM = '/usr/bin/chromium';
const hasChromium = existsSync(CHROMIUM);
if (!hasChromium) console.warn(`SKIPPED browser tracker tests: ${CHROMIUM} is missing (install it with "apt-get install -y chromium").`);

const here = path.dirname(fileURLToPath(import.meta.url));

type Row = Record<string, unknown>;

/**
 * What the callbacks given to page.evaluate touch in the page. This file compiles without the DOM
 * library (it runs in Node), so the page's globals are reached through globalThis with these types.
 */
interface PageGlobals {
  ebb: { track(type: string, props?: object): void; consent(state: 'granted' | 'denied'): void };
  history: { pushState(state: unknown, title: string, url: string): void; replaceState(state: unknown, title: string, url: string): void; back(): void };
  localStorage: { readonly length: number; getItem(key: string): string | null };
  sessionStorage: { readonly length: number };
  Navigator: { prototype: object };
}

/** Headless Chromium names itself HeadlessChrome, which Ebb drops as a bot; the pages here stand for a visitor's desktop browser. */
const DESKTOP_CHROME = 'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/130.0.0.0 Safari/537.36';

describe.skipIf(!hasChromium)(hasChromium ? 'browser tracker in headless Chromium against a running Ebb' : `browser tracker (SKIPPED: ${CHROMIUM} is missing)`, () => {
  let ebb: TestServer;
  let ebbUrl: string;
  let site: Awaited<ReturnType<typeof startPageServer>>;
  let browser: Browser;
  let dist: string;

  beforeAll(async () => {
    dist = mkdtempSync(path.join(tmpdir(), 'ebb-browser-test-'));
    await buildTracker({ outdir: dist });
    await build({
      entryPoints: [path.join(here, 'fixtures/react-app.js')], bundle: true, format: 'esm', minify: true, logLevel: 'warning',
      outfile: path.join(dist, 'react-app.js'), keepNames: true, define: { 'process.env.NODE_ENV': '"production"' },
    });
    ebb = await startTestServer();
    ebbUrl = await ebb.app.listen({ port: 0, host: '127.0.0.1' });
    site = await startPageServer(dist);
    browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'] });
  });

  afterAll(async () => {
    await browser?.close();
    await site?.close();
    await ebb?.close();
    if (dist) rmSync(dist, { recursive: true, force: true });
  });

  /** A page that loads the ESM tracker with these options; `script` runs after it. */
  function esmPage(options: Record<string, unknown>, script = ''): string {
    const config = JSON.stringify({ key: ebb.tenant.keys.browser, endpoint: ebbUrl, flushIntervalMs: 200, ...options });
    return `<!doctype html><html><head><title>Ebb test page</title></head><body><p>page</p>
<script type="module">import { createTracker } from '/ebb.js'; window.ebb = createTracker(${config}); ${script}</script></body></html>`;
  }

  /** A fresh browser context whose requests to Ebb's /collect are recorded. */
  async function open(options: { gpc?: boolean; fetchRefused?: boolean } = {}) {
    const context: BrowserContext = await browser.newContext({ userAgent: DESKTOP_CHROME });
    if (options.fetchRefused) {
      // fetch() to Ebb fails, so whatever reaches Ebb went by navigator.sendBeacon.
      await context.addInitScript(() => {
        const g = globalThis as unknown as { fetch: (input: unknown, init?: unknown) => Promise<unknown> };
        const original = g.fetch;
        g.fetch = (input, init) => (String(input).includes('/api/v1/collect') ? Promise.reject(new TypeError('fetch refused by the test')) : original(input, init));
      });
    }
    if (options.gpc) {
      await context.addInitScript(() => Object.defineProperty((globalThis as unknown as PageGlobals).Navigator.prototype, 'globalPrivacyControl', { get: () => true, configurable: true }));
    }
    const sent: Array<{ body: string; type: string }> = [];
    context.on('request', (r) => {
      if (r.url().includes('/api/v1/collect')) sent.push({ body: r.postData() ?? '', type: r.resourceType() });
    });
    const page: Page = await context.newPage();
    return { context, page, sent };
  }

  const query = (sql: string, params: unknown[] = []) => ebb.query<Row>(sql, [ebb.tenant.tenantId, ...params]);

  /** Reads until `enough` holds, for up to 15 s; the error names `what` and shows the last read. */
  async function poll<T>(read: () => T | Promise<T>, enough: (value: T) => boolean, what: string): Promise<T> {
    const deadline = Date.now() + 15_000;
    for (;;) {
      const value = await read();
      if (enough(value)) return value;
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}; last read: ${JSON.stringify(value, (_k, v) => (typeof v === 'bigint' ? Number(v) : v))}`);
      await new Promise((r) => setTimeout(r, 100));
    }
  }

  const waitFor = (sql: string, params: unknown[], enough: (rows: Row[]) => boolean, what: string) => poll(() => query(sql, params), enough, what);

  /**
   * What the page sent to /collect, once it carries every one of `expected`. Ebb can store a batch
   * before Playwright reports the request that carried it, so the wire is read until it has caught up.
   */
  const wireWith = (sent: Array<{ body: string }>, expected: string[]) =>
    poll(() => sent.map((s) => s.body).join('\n'), (wire) => expected.every((e) => wire.includes(e)), `requests to /collect carrying ${expected.join(', ')}`);

  const eventsUnder = (prefix: string) => waitFor.bind(null, `SELECT * FROM events WHERE tenant_id = $1 AND page_path LIKE $2 ORDER BY occurred_at, received_at`, [`${prefix}%`]);

  it('records a page view on load from the <script> build, with load time, a query cut to utm_* and no fragment, storing nothing in the browser', async () => {
    site.page('load', `<!doctype html><html><head><title>Welcome</title></head><body>
<script src="/ebb.iife.js" data-key="${ebb.tenant.keys.browser}" data-endpoint="${ebbUrl}" defer></script></body></html>`);
    const { context, page, sent } = await open();
    await page.goto(`${site.origin}/load/welcome?utm_source=newsletter&email=jane%40example.com&token=s3cret#section-2`);
    const rows = await eventsUnder('/load/')((r) => r.length >= 1, 'the page view');
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ type: 'page_view', category: 'navigation', page_path: '/load/welcome?utm_source=newsletter' });
    expect(Number(rows[0]!.load_time_ms)).toBeGreaterThan(0);
    expect(rows[0]!.page_title).toBeNull();
    const wire = await wireWith(sent, ['"page_view"']);
    expect(wire).not.toMatch(/jane|s3cret|section-2/);
    expect(await context.cookies()).toEqual([]);
    expect(await page.evaluate(() => { const g = globalThis as unknown as PageGlobals; return g.localStorage.length + g.sessionStorage.length; })).toBe(0);
    await context.close();
  });

  it('follows SPA navigation (pushState, popstate) and records time on page only for stays over a second', async () => {
    site.page('spa', esmPage({}));
    const { context, page } = await open();
    await page.goto(`${site.origin}/spa/a`);
    await eventsUnder('/spa/')((r) => r.length >= 1, 'the first page view');
    await page.waitForTimeout(1300);
    await page.evaluate(async () => {
      const { history } = globalThis as unknown as PageGlobals;
      const tick = (ms: number) => new Promise((r) => setTimeout(r, ms));
      history.pushState({}, '', '/spa/b');
      await tick(100);
      history.pushState({}, '', '/spa/c?tab=2');
      await tick(100);
      history.back();
      await tick(100);
      // Same path, other query: not a new page.
      history.replaceState({}, '', '/spa/b?sort=asc');
    });
    const rows = await eventsUnder('/spa/')((r) => r.filter((x) => x.type === 'page_view').length >= 4, 'four page views');
    await page.waitForTimeout(500);
    const all = await query(`SELECT * FROM events WHERE tenant_id = $1 AND page_path LIKE '/spa/%' ORDER BY occurred_at`);
    expect(all.filter((r) => r.type === 'page_view').map((r) => r.page_path)).toEqual(['/spa/a', '/spa/b', '/spa/c', '/spa/b']);
    const exits = all.filter((r) => r.type === 'page_exit');
    expect(exits.map((r) => r.page_path)).toEqual(['/spa/a']);
    expect(Number(exits[0]!.duration_ms)).toBeGreaterThan(1000);
    expect(rows.filter((r) => r.type === 'page_view').slice(1).every((r) => r.load_time_ms === null)).toBe(true);
    await context.close();
  });

  it('reports uncaught errors and unhandled rejections as javascript_error with their payload', async () => {
    site.page('errors', esmPage({}, `
      setTimeout(() => { throw new TypeError('cannot read quest of undefined'); }, 50);
      setTimeout(() => { Promise.reject(new RangeError('level out of range')); }, 60);`));
    const { context, page } = await open();
    await page.goto(`${site.origin}/errors/quest`);
    const rows = await waitFor(`SELECT * FROM error_events WHERE tenant_id = $1 AND page_path = '/errors/quest' ORDER BY error_type`, [], (r) => r.length >= 2, 'two errors');
    expect(rows.map((r) => [r.error_type, r.message])).toEqual([
      ['RangeError', 'level out of range'],
      ['TypeError', 'cannot read quest of undefined'],
    ]);
    expect(rows.every((r) => typeof r.stack === 'string' && (r.stack as string).length > 0)).toBe(true);
    const events = await query(`SELECT category, count(*) AS n FROM events WHERE tenant_id = $1 AND type = 'javascript_error' AND page_path = '/errors/quest' GROUP BY category`);
    expect(events.map((r) => [r.category, Number(r.n)])).toEqual([['error', 2]]);
    await context.close();
  });

  it('delivers what is still queued by beacon when the page is closed', async () => {
    // Nothing would leave before a minute passed or 100 events queued.
    site.page('beacon', esmPage({ flushIntervalMs: 60_000, batchSize: 100 }));
    const { context, page, sent } = await open({ fetchRefused: true });
    await page.goto(`${site.origin}/beacon/lesson`);
    await page.waitForFunction(() => (globalThis as unknown as Partial<PageGlobals>).ebb !== undefined);
    await page.evaluate(() => (globalThis as unknown as PageGlobals).ebb.track('lesson_opened', { lesson: 'fractions' }));
    await page.waitForTimeout(1300);
    expect(sent).toHaveLength(0);
    await page.close({ runBeforeUnload: true });
    const rows = await eventsUnder('/beacon/')((r) => r.length >= 3, 'the events sent on close');
    expect(rows.map((r) => r.type).sort()).toEqual(['lesson_opened', 'page_exit', 'page_view']);
    expect(Number(rows.find((r) => r.type === 'page_exit')!.duration_ms)).toBeGreaterThan(1000);
    await context.close();
  });

  it('with Global Privacy Control on, sends no user id, keeps no storage, and Ebb stores nothing that identifies the visitor', async () => {
    site.page('gpc', esmPage({ userId: 'learner-42', persist: true }, `window.ebb.track('quest_started', { quest: 'volcanoes' });`));
    const { context, page, sent } = await open({ gpc: true });
    await page.goto(`${site.origin}/gpc/quests`);
    const rows = await eventsUnder('/gpc/')((r) => r.length >= 2, 'the anonymous events');
    expect(rows.map((r) => r.type).sort()).toEqual(['page_view', 'quest_started']);
    for (const r of rows) expect([r.subject_id, r.anonymous_id, r.session_id, r.ip_prefix]).toEqual([null, null, null, null]);
    const pseudonym = ebb.services.pseudonyms.subject(ebb.tenant.tenantId, 'learner-42');
    expect(await query(`SELECT id FROM subjects WHERE tenant_id = $1 AND pseudonym = $2`, [pseudonym])).toEqual([]);
    const wire = await wireWith(sent, ['"page_view"', '"quest_started"']);
    expect(wire).not.toContain('learner-42');
    expect(wire).not.toContain('anonymousId');
    expect(wire).toContain('"gpc":true');
    expect(await page.evaluate(() => (globalThis as unknown as PageGlobals).localStorage.length)).toBe(0);
    await context.close();
  });

  it('with Global Privacy Control on and privacySignals "block", sends nothing at all', async () => {
    site.page('gpcblock', esmPage({ privacySignals: 'block' }, `window.ebb.track('quest_started');`));
    const { context, page, sent } = await open({ gpc: true });
    await page.goto(`${site.origin}/gpcblock/quests`);
    await page.waitForTimeout(600);
    await page.close({ runBeforeUnload: true });
    await context.close();
    expect(sent).toHaveLength(0);
    expect(await query(`SELECT id FROM events WHERE tenant_id = $1 AND page_path LIKE '/gpcblock/%'`)).toEqual([]);
  });

  it('holds events while consent is pending and sends them once it is granted', async () => {
    site.page('consent', esmPage({ consent: 'pending' }, `window.ebb.track('quest_started', { quest: 'held' });`));
    const { context, page, sent } = await open();
    await page.goto(`${site.origin}/consent/quests`);
    await page.waitForTimeout(800);
    expect(sent).toHaveLength(0);
    expect(await query(`SELECT id FROM events WHERE tenant_id = $1 AND page_path LIKE '/consent/%'`)).toEqual([]);
    await page.evaluate(() => (globalThis as unknown as PageGlobals).ebb.consent('granted'));
    const rows = await eventsUnder('/consent/')((r) => r.length >= 2, 'the held events');
    expect(rows.map((r) => r.type).sort()).toEqual(['page_view', 'quest_started']);
    await context.close();
  });

  it('drops held events and sends nothing more when consent is refused', async () => {
    site.page('refused', esmPage({ consent: 'pending', persist: true }, `window.ebb.track('quest_started');`));
    const { context, page, sent } = await open();
    await page.goto(`${site.origin}/refused/quests`);
    await page.waitForTimeout(400);
    await page.evaluate(() => {
      const { ebb: ebbApi, history } = globalThis as unknown as PageGlobals;
      ebbApi.consent('denied');
      ebbApi.track('badge_claimed');
      history.pushState({}, '', '/refused/badges');
    });
    await page.waitForTimeout(1200);
    expect(await page.evaluate(() => (globalThis as unknown as PageGlobals).localStorage.length)).toBe(0);
    await page.close({ runBeforeUnload: true });
    await context.close();
    expect(sent).toHaveLength(0);
    expect(await query(`SELECT id FROM events WHERE tenant_id = $1 AND page_path LIKE '/refused/%'`)).toEqual([]);
  });

  it('keeps an anonymous id in localStorage only when the tenant opts in with persist', async () => {
    site.page('persist', esmPage({ persist: true }));
    const { context, page } = await open();
    await page.goto(`${site.origin}/persist/a`);
    const rows = await eventsUnder('/persist/')((r) => r.length >= 1, 'the page view');
    const stored = await page.evaluate(() => (globalThis as unknown as PageGlobals).localStorage.getItem('ebb_aid'));
    expect(stored).toMatch(/^[0-9a-f]{32}$/);
    expect(String(rows[0]!.anonymous_id)).toMatch(/^a_/);
    expect(String(rows[0]!.anonymous_id)).not.toContain(stored!);
    await context.close();
  });

  it('React: useActivityTracking records page views and events, the error boundary reports the component stack', async () => {
    site.page('react', `<!doctype html><html><body><div id="root"></div>
<script>window.EBB_CONFIG = ${JSON.stringify({ key: ebb.tenant.keys.browser, endpoint: ebbUrl, flushIntervalMs: 200 })};</script>
<script type="module" src="/react-app.js"></script></body></html>`);
    const { context, page } = await open();
    await page.goto(`${site.origin}/react/start`);
    await page.click('#start');
    await page.click('#badges');
    await page.click('#break');
    await page.waitForSelector('#fallback');
    const rows = await eventsUnder('/react/')((r) => r.length >= 4, 'the React events');
    expect(rows.filter((r) => r.type === 'page_view').map((r) => r.page_path)).toEqual(['/react/quests', '/react/badges']);
    expect(rows.find((r) => r.type === 'quest_started')).toMatchObject({ page_path: '/react/quests' });
    const errors = await waitFor(`SELECT * FROM error_events WHERE tenant_id = $1 AND page_path LIKE '/react/%'`, [], (r) => r.length >= 1, 'the boundary error');
    const caught = errors.find((r) => r.component === 'QuestMap');
    expect(caught).toMatchObject({ error_type: 'TypeError', message: 'quest map failed to render', page_path: '/react/badges' });
    expect(String(caught!.stack)).toContain('Component stack:');
    expect(String(caught!.stack)).toContain('QuestMap');
    await context.close();
  });
});
