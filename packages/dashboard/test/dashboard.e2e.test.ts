import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signJwt } from '../../server/src/access/jwt.ts';
import { startTestServer, type TestServer } from '../../server/test/helpers/harness.ts';
import { LEARNERS, seedEvents } from './seed.ts';

const CHROMIUM = '/usr/bin/chromium';
const hasChromium = existsSync(CHROMIUM);
if (!hasChromium) console.warn(`SKIPPED dashboard tests: ${CHROMIUM} is missing (install it with "apt-get install -y chromium").`);

const here = path.dirname(fileURLToPath(import.meta.url));
const SCREENSHOTS = path.join(here, '..', '..', '..', 'docs', 'screenshots');
const OWNER = { email: 'owner@school.example', password: 'correct horse battery staple' };
const ANALYST = { email: 'analyst@school.example', password: 'another long passphrase' };
const DESKTOP = { width: 1280, height: 860 };
const PHONE = { width: 390, height: 844 };

/** What the page's callbacks touch; this file compiles without the DOM library. */
interface PageGlobals {
  fetch(url: string, init?: { headers?: Record<string, string> }): Promise<{ status: number }>;
  location: { hash: string };
}

describe.skipIf(!hasChromium)(hasChromium ? 'dashboard in headless Chromium against a running Ebb' : `dashboard (SKIPPED: ${CHROMIUM} is missing)`, () => {
  let ebb: TestServer;
  let url: string;
  let browser: Browser;
  let owner: BrowserContext;
  let page: Page;
  let viewerKey: { id: string; secret: Buffer };
  /** Whether an API route exists on this server (views of missing ones say they are not available). */
  const has = (method: string, route: string) => ebb.routes.some((r) => r.method === method && r.url === route);

  const shot = async (p: Page, name: string) => {
    mkdirSync(SCREENSHOTS, { recursive: true });
    await p.screenshot({ path: path.join(SCREENSHOTS, `${name}.png`), fullPage: false });
  };

  /** Moves to a view by its address, as a person following a link would, and waits for its heading. */
  const open = async (p: Page, hash: string, heading: string) => {
    await p.evaluate((h) => { (globalThis as unknown as PageGlobals).location.hash = h; }, hash);
    await p.getByRole('heading', { level: 1, name: heading }).waitFor();
  };

  /** Waits until no block of the view is still loading. */
  const settled = async (p: Page) => {
    await p.waitForFunction(() => !(globalThis as unknown as { document: { querySelector(s: string): unknown } }).document.querySelector('.state.loading'));
  };

  const signIn = async (context: BrowserContext, who: { email: string; password: string }) => {
    const p = await context.newPage();
    await p.goto(url);
    await p.getByLabel('E-mail').fill(who.email);
    await p.getByLabel('Password').fill(who.password);
    await p.getByRole('button', { name: 'Sign in' }).click();
    await p.getByRole('heading', { level: 1, name: 'Overview' }).waitFor();
    return p;
  };

  const viewerToken = (sub: string, role: 'learner' | 'guardian') => {
    const now = Math.floor(Date.now() / 1000);
    return signJwt({ tid: ebb.tenant.tenantId, sub, role, iat: now, exp: now + 600 }, { alg: 'HS256', key: viewerKey.secret, kid: viewerKey.id });
  };

  beforeAll(async () => {
    // The server serves packages/dashboard/dist: build it when missing or older than its sources.
    const built = spawnSync(process.execPath, [path.join(here, '..', 'scripts', 'build-if-missing.mjs')], { encoding: 'utf8' });
    if (built.status !== 0) throw new Error(`building the dashboard failed: ${built.stdout}${built.stderr}`);
    ebb = await startTestServer();
    const s = ebb.services;
    const tenantId = ebb.tenant.tenantId;
    await s.memberships.add({ tenantId, email: OWNER.email, role: 'owner', password: OWNER.password, actor: 'test' });
    await s.memberships.add({ tenantId, email: ANALYST.email, role: 'analyst', password: ANALYST.password, actor: 'test' });
    await s.guardianships.link({ tenantId, guardianUserId: 'guardian-1', learnerUserId: 'learner-01', actor: 'test' });
    await s.guardianships.link({ tenantId, guardianUserId: 'guardian-2', learnerUserId: 'learner-02', actor: 'test' });
    const key = await s.viewerTokens.createKey({ tenantId, alg: 'HS256', name: 'test app', actor: 'test' });
    viewerKey = { id: key.info.id, secret: Buffer.from(key.secret!, 'base64url') };
    const events = seedEvents();
    for (let i = 0; i < events.length; i += 1000) {
      const r = await ebb.send(events.slice(i, i + 1000));
      expect(r.status, JSON.stringify(r.body)).toBe(200);
      expect(r.body.rejected).toEqual([]);
    }
    // Exports and erasures run in the background worker, as under `ebb serve`.
    s.rights.worker.start(200);
    url = await ebb.app.listen({ port: 0, host: '127.0.0.1' });
    browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'] });
    owner = await browser.newContext({ viewport: DESKTOP, colorScheme: 'light' });
    owner.setDefaultTimeout(8000);
  });

  afterAll(async () => {
    await browser?.close();
    await ebb?.close();
  });

  it('signs in with e-mail and password, refusing a wrong password with the API\'s message', async () => {
    const p = await owner.newPage();
    await p.goto(url);
    await p.getByRole('heading', { name: 'Staff sign-in' }).waitFor();
    await shot(p, 'sign-in');
    await p.getByLabel('E-mail').fill(OWNER.email);
    await p.getByLabel('Password').fill('not the password');
    await p.getByRole('button', { name: 'Sign in' }).click();
    await expect(p.getByRole('alert').textContent()).resolves.toMatch(/e-mail|password/i);
    await p.close();
    page = await signIn(owner, OWNER);
    await expect(page.getByRole('navigation', { name: 'Views' }).getByRole('link', { name: 'Learner journey' }).count()).resolves.toBe(1);
    await expect(page.getByRole('navigation', { name: 'Views' }).getByRole('link', { name: 'Retention' }).count()).resolves.toBe(1);
  });

  const STAFF_VIEWS: Array<{ hash: string; heading: string; shot: string; api: string[] }> = [
    { hash: '/overview', heading: 'Overview', shot: 'overview', api: ['/api/v1/analytics/overview', '/api/v1/analytics/event-counts'] },
    { hash: '/pages', heading: 'Pages', shot: 'pages', api: ['/api/v1/analytics/pages'] },
    { hash: '/quests', heading: 'Quests', shot: 'quests', api: ['/api/v1/analytics/quests'] },
    { hash: '/at-risk?threshold=0.3', heading: 'Learners at risk', shot: 'at-risk', api: ['/api/v1/analytics/at-risk'] },
    { hash: '/engagement', heading: 'Sessions & weekly active', shot: 'sessions', api: ['/api/v1/analytics/sessions', '/api/v1/analytics/weekly-active'] },
    { hash: '/learning', heading: 'Mastery & IEP', shot: 'mastery-iep', api: ['/api/v1/analytics/mastery', '/api/v1/analytics/iep'] },
    { hash: '/errors', heading: 'Errors', shot: 'errors', api: ['/api/v1/analytics/errors'] },
  ];

  it('renders each staff view from the API, with its privacy level, or says the server lacks it', async () => {
    for (const v of STAFF_VIEWS) {
      await open(page, v.hash, v.heading);
      await settled(page);
      const landed = v.api.filter((r) => has('GET', r)).length;
      const missing = v.api.length - landed;
      // Every block either shows data (with its privacy note) or says plainly that it is not available.
      await expect(page.locator('.state.unavailable').count(), `${v.hash}: not-available notes`).resolves.toBe(missing);
      await expect(page.locator('.state.error').count(), `${v.hash}: errors shown: ${await page.locator('.state.error').allTextContents()}`).resolves.toBe(0);
      if (landed > 0) {
        await expect(page.locator('[data-testid^="data-"]').count(), `${v.hash}: data blocks`).resolves.toBeGreaterThanOrEqual(landed);
        if (!v.hash.startsWith('/at-risk')) await expect(page.getByTestId('privacy-note').count()).resolves.toBeGreaterThanOrEqual(landed);
      }
      await shot(page, v.shot);
    }
  });

  it('keeps the period and privacy level in the address and asks the API for them', async () => {
    const asked: string[] = [];
    page.on('request', (r) => { if (r.url().includes('/api/v1/analytics/overview')) asked.push(r.url()); });
    await open(page, '/overview?from=2026-01-01&to=2026-01-31&level=dp_medium', 'Overview');
    await settled(page);
    await expect(page.getByLabel('From', { exact: true }).inputValue()).resolves.toBe('2026-01-01');
    await expect(page.getByRole('combobox', { name: /^Privacy level/ }).inputValue()).resolves.toBe('dp_medium');
    if (has('GET', '/api/v1/analytics/overview')) {
      expect(asked.some((u) => u.includes('privacy_level=dp_medium') && u.includes('from=2026-01-01') && u.includes('to=2026-01-31'))).toBe(true);
    }
    page.removeAllListeners('request');
  });

  it('sorts and filters the learners at risk, each with the factors behind the score', async () => {
    if (!has('GET', '/api/v1/analytics/at-risk')) return;
    await open(page, '/at-risk?threshold=0.3', 'Learners at risk');
    await settled(page);
    const rows = page.locator('[data-testid="data-at-risk"] tbody tr');
    const n = await rows.count();
    expect(n).toBeGreaterThan(2);
    await expect(rows.first().locator('.factors li').count()).resolves.toBe(5);
    const scores = async () => (await page.locator('[data-testid="data-at-risk"] tbody tr td:nth-child(4)').allTextContents()).map(Number);
    const desc = await scores();
    expect(desc).toEqual([...desc].sort((a, b) => b - a));
    // The table opens sorted by score, highest first; one click turns it round.
    await page.getByRole('button', { name: /^Score/ }).click();
    const asc = await scores();
    expect(asc).toEqual([...desc].sort((a, b) => a - b));
    // A higher threshold asks the API again and keeps only those over it.
    await page.getByLabel('Score at least').fill('0.7');
    await page.waitForFunction((before) => (globalThis as unknown as { document: { querySelectorAll(s: string): { length: number } } }).document.querySelectorAll('[data-testid="data-at-risk"] tbody tr').length < before, n);
    for (const x of await scores()) expect(x).toBeGreaterThanOrEqual(0.7);
    await page.getByLabel('Score at least').fill('0.3');
    await settled(page);
    await page.waitForFunction((before) => (globalThis as unknown as { document: { querySelectorAll(s: string): { length: number } } }).document.querySelectorAll('[data-testid="data-at-risk"] tbody tr').length === before, n);
    const first = (await rows.first().locator('td').first().textContent())!;
    await page.getByLabel('Learner contains').fill(first.slice(-6));
    await expect(rows.count()).resolves.toBe(1);
    await page.getByLabel('Learner contains').fill('');
    await page.getByLabel('Engagement level').selectOption('at_risk');
    for (const level of await page.locator('[data-testid="data-at-risk"] tbody .badge').allTextContents()) expect(level).toBe('At risk');
    await page.getByLabel('Engagement level').selectOption('');
  });

  it('opens one learner\'s journey for an owner', async () => {
    await open(page, `/journey?learner=${LEARNERS[0]}`, 'Learner journey');
    await settled(page);
    await page.getByTestId('learner-panel').waitFor();
    if (has('GET', '/api/v1/analytics/learners/:userId/journey')) {
      await expect(page.locator('.state.error').count()).resolves.toBe(0);
    } else {
      await expect(page.locator('.state.unavailable').count()).resolves.toBeGreaterThan(0);
    }
    await shot(page, 'journey');
  });

  it('shows a guardian their child only, and refuses another child with the API\'s reason', async () => {
    const context = await browser.newContext({ viewport: PHONE, colorScheme: 'dark' });
    const p = await context.newPage();
    const asked: string[] = [];
    p.on('request', (r) => { if (r.url().includes('/api/')) asked.push(new URL(r.url()).pathname); });
    await p.goto(`${url}/viewer#token=${viewerToken('guardian-1', 'guardian')}&learner=learner-01`);
    await p.getByRole('heading', { level: 1, name: 'How your child is doing' }).waitFor();
    await settled(p);
    // The token left the address at once (not kept in history, not shown).
    await expect(p.evaluate(() => (globalThis as unknown as PageGlobals).location.hash)).resolves.not.toContain('token=');
    await p.getByTestId('learner-panel').waitFor();
    await shot(p, 'guardian-phone-dark');
    // Every request named this child alone (or asked who the token belongs to).
    expect(asked.length).toBeGreaterThan(0);
    for (const a of asked) expect(a === '/api/v1/auth/me' || a.startsWith('/api/v1/analytics/learners/learner-01/'), a).toBe(true);
    const body = await p.locator('body').textContent();
    for (const other of LEARNERS.slice(1)) expect(body).not.toContain(other);
    // The server decides: the child's record is open to this token, another child's is not.
    const status = (who: string) => p.evaluate(async ([u, token]) => (await (globalThis as unknown as PageGlobals).fetch(u!, { headers: { authorization: `Bearer ${token}` } })).status, [`/api/v1/subjects/${who}`, viewerToken('guardian-1', 'guardian')]);
    await expect(status('learner-01')).resolves.toBe(200);
    await expect(status('learner-02')).resolves.toBe(403);
    if (has('GET', '/api/v1/analytics/learners/:userId/engagement')) {
      await p.evaluate(() => { (globalThis as unknown as PageGlobals).location.hash = '/viewer?learner=learner-02'; });
      await p.getByRole('alert').first().waitFor();
      await expect(p.getByRole('alert').first().textContent()).resolves.toMatch(/guardian their children|nobody else/);
    }
    await context.close();
  });

  it('keeps an analyst to aggregates: no journey link, the journey view closed, individuals refused', async () => {
    const context = await browser.newContext({ viewport: DESKTOP });
    const p = await signIn(context, ANALYST);
    const nav = p.getByRole('navigation', { name: 'Views' });
    await expect(nav.getByRole('link', { name: 'Learner journey' }).count()).resolves.toBe(0);
    await expect(nav.getByRole('link', { name: 'Retention' }).count()).resolves.toBe(0);
    await open(p, `/journey?learner=${LEARNERS[0]}`, 'Learner journey');
    await expect(p.getByRole('alert').textContent()).resolves.toContain('Your role (analyst) does not open this view');
    await expect(p.getByTestId('learner-panel').count()).resolves.toBe(0);
    // Even asked directly, the server refuses the analyst one person's rows.
    const status = await p.evaluate(async (u) => (await (globalThis as unknown as PageGlobals).fetch(u)).status, `/api/v1/subjects/${LEARNERS[0]}`);
    expect(status).toBe(403);
    if (has('GET', '/api/v1/analytics/at-risk')) {
      await open(p, '/at-risk', 'Learners at risk');
      await settled(p);
      await expect(p.getByRole('alert').textContent()).resolves.toMatch(/analyst|aggregates/i);
    }
    await context.close();
  });

  it('previews a retention change as a dry run before saving it', async () => {
    await open(page, '/privacy/retention', 'Retention policies');
    await settled(page);
    const save = page.getByRole('button', { name: 'Save policy' });
    await page.getByLabel('events: days of full detail', { exact: true }).fill('7');
    await expect(save.isDisabled()).resolves.toBe(true);
    await page.getByRole('button', { name: 'Preview the effect' }).click();
    await page.getByRole('heading', { name: 'Effect of this change (dry run)' }).waitFor();
    // Seeded events up to three weeks old: a 7-day window anonymises some that 90 days keeps.
    const cell = await page.getByTestId('preview-anonymize-events').textContent();
    expect(cell).toMatch(/^0 → [1-9]/);
    const policies = await ebb.services.retention.describe(ebb.tenant.tenantId);
    expect(policies.find((x) => x.category === 'events')!.anonymizeAfterDays).toBe(90);
    await shot(page, 'privacy-retention-preview');
    await save.click();
    await page.getByText('Policy saved').waitFor();
    const after = await ebb.services.retention.describe(ebb.tenant.tenantId);
    expect(after.find((x) => x.category === 'events')!.anonymizeAfterDays).toBe(7);
  });

  it('places and releases a legal hold', async () => {
    await open(page, '/privacy/holds', 'Legal holds');
    await page.getByLabel('Person (the app\'s user id; empty for the whole tenant)').fill('learner-03');
    await page.getByLabel('Reason').fill('Complaint under review');
    await page.getByRole('button', { name: 'Place hold' }).click();
    await page.getByText('Hold placed.').waitFor();
    await page.getByRole('cell', { name: 'Complaint under review' }).waitFor();
    await page.getByRole('button', { name: 'Release' }).click();
    await page.getByText('Hold released').waitFor();
    const holds = await ebb.services.holds.list(ebb.tenant.tenantId);
    expect(holds.map((h) => h.active)).toEqual([false]);
  });

  it('verifies the audit chain and lists the changes just made', async () => {
    await open(page, '/privacy/audit', 'Audit log');
    await settled(page);
    await page.getByRole('button', { name: 'Verify the chain' }).click();
    await expect(page.getByTestId('audit-verify').textContent()).resolves.toMatch(/^The chain verifies: \d+ entries checked/);
    await expect(page.locator('tbody').textContent()).resolves.toMatch(/retention/);
    await shot(page, 'privacy-audit');
  });

  it('lists the privacy levels with their ε and k, and the budget', async () => {
    await open(page, '/privacy/levels', 'Privacy levels & budget');
    await settled(page);
    if (!has('GET', '/api/v1/privacy/levels')) {
      await expect(page.locator('.state.unavailable').count()).resolves.toBe(2);
      return;
    }
    await expect(page.locator('.state.error').count()).resolves.toBe(0);
    const levels = page.getByRole('table', { name: 'Privacy levels' });
    await expect(levels.locator('tbody tr').count()).resolves.toBe(4);
    await expect(levels.textContent()).resolves.toMatch(/DP high \(ε ½\).*1\/2/);
    await shot(page, 'privacy-levels');
  });

  it('requests an erasure with typed confirmation, shows the grace countdown, and cancels it', async () => {
    await open(page, '/privacy/rights', 'Export & erasure');
    if (!has('POST', '/api/v1/privacy/delete')) {
      await settled(page);
      await expect(page.locator('.state.unavailable').count()).resolves.toBeGreaterThan(0);
      return;
    }
    const erasure = page.getByRole('form', { name: 'Erasure' });
    await erasure.getByLabel('Person (the app\'s user id)').fill('learner-05');
    await erasure.getByRole('button', { name: 'Request erasure…' }).click();
    const dialog = page.getByRole('dialog', { name: 'Confirm erasure' });
    const erase = dialog.getByRole('button', { name: 'Erase' });
    await expect(erase.isDisabled()).resolves.toBe(true);
    await dialog.getByLabel(/to confirm/).fill('learner-05');
    await erase.click();
    await page.getByText('Erasure requested').waitFor();
    await page.getByTestId('countdown').first().waitFor();
    await shot(page, 'privacy-erasure-grace');
    await page.getByRole('button', { name: 'Cancel' }).first().click();
    await page.getByText('Erasure cancelled').waitFor();
    await page.locator('[data-testid^="job-state-"]', { hasText: 'cancelled' }).first().waitFor();
  });

  it('exports a person\'s data and downloads the file through its signed link', async () => {
    await open(page, '/privacy/rights', 'Export & erasure');
    if (!has('POST', '/api/v1/privacy/export')) return;
    const exportForm = page.getByRole('form', { name: 'Export' });
    await exportForm.getByLabel('Person (the app\'s user id)').fill('learner-01');
    await exportForm.getByRole('button', { name: 'Request export' }).click();
    await page.getByText('Export requested').waitFor();
    const link = page.locator('[data-testid^="download-"]').first();
    await link.waitFor({ timeout: 20_000 });
    const [download] = await Promise.all([page.waitForEvent('download'), link.click()]);
    const file = await download.path();
    expect(readFileSync(file).length).toBeGreaterThan(0);
    await shot(page, 'privacy-export');
  });

  it('lays the overview out at phone width and in the dark theme', async () => {
    const context = await browser.newContext({ viewport: PHONE, colorScheme: 'dark' });
    const p = await signIn(context, OWNER);
    await settled(p);
    const overflow = await p.evaluate(() => {
      const d = (globalThis as unknown as { document: { documentElement: { scrollWidth: number; clientWidth: number } } }).document.documentElement;
      return d.scrollWidth - d.clientWidth;
    });
    expect(overflow).toBeLessThanOrEqual(0);
    await shot(p, 'overview-phone-dark');
    await context.close();
  });

  it('is usable from the keyboard: skip link, focus on the view heading, sortable headers', async () => {
    const fresh = await owner.newPage();
    await fresh.goto(`${url}/#/overview`);
    await fresh.getByRole('heading', { level: 1, name: 'Overview' }).waitFor();
    await fresh.keyboard.press('Tab');
    await expect(fresh.evaluate(() => (globalThis as unknown as { document: { activeElement: { outerHTML: string } } }).document.activeElement.outerHTML)).resolves.toMatch(/^<a class="skip".*Skip to content/);
    await fresh.keyboard.press('Enter');
    await expect(fresh.evaluate(() => (globalThis as unknown as { document: { activeElement: { id: string } } }).document.activeElement.id)).resolves.toBe('main');
    await fresh.close();
    await open(page, '/privacy/audit', 'Audit log');
    await expect(page.evaluate(() => (globalThis as unknown as { document: { activeElement: { tagName: string } } }).document.activeElement.tagName)).resolves.toBe('H1');
    // Sortable columns are buttons in the headers: Enter sorts, and the header says how.
    await open(page, '/privacy/jobs', 'Jobs');
    await settled(page);
    await page.getByRole('button', { name: /^Requested/ }).focus();
    await page.keyboard.press('Enter');
    await expect(page.getByRole('columnheader', { name: /^Requested/ }).getAttribute('aria-sort')).resolves.toBe('descending');
    await page.keyboard.press('Enter');
    await expect(page.getByRole('columnheader', { name: /^Requested/ }).getAttribute('aria-sort')).resolves.toBe('ascending');
  });
});
