import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { createRequire } from 'node:module';
import { chromium, type Browser as Chromium, type BrowserContext, type Locator, type Page } from 'playwright-core';
import { DevProvider } from '../../src/demo/dev-provider.js';
import { freePort } from '../support/cookie-browser.js';
import { DemoService } from '../../src/demo/demo.service.js';
import { underRunLock } from '../support/databases.js';
import { startTestApp, type TestApp } from '../support/test-app.js';
import { findChromium } from './chromium.js';

const require = createRequire(import.meta.url);
const AXE = readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');

export const PHONE = { width: 390, height: 844 };
export const DESKTOP = { width: 1280, height: 900 };

export interface Problems {
  console: string[];
  pageErrors: string[];
  failed: string[];
}

/**
 * The pages as npm run build makes them, where the service serves them from (dist/web), built once per
 * test run: the build empties dist/web first, so a second worker must not rebuild it under a service
 * that is serving it.
 */
async function buildPagesOnce(): Promise<void> {
  const run = process.env.APPRODO_TEST_RUN ?? 'unnamed';
  const marker = '.data/web-build-of-test-run';
  await underRunLock(727002, () => {
    if (existsSync(marker) && existsSync('dist/web/index.html') && readFileSync(marker, 'utf8') === run) return;
    execFileSync(process.execPath, ['web/build.mjs'], { stdio: 'ignore' });
    mkdirSync('.data', { recursive: true });
    writeFileSync(marker, run);
  });
}

/** The real service (real clock, demo network loaded) listening on a free port, and a headless Chromium. */
export class Browser {
  t: TestApp;
  base: string;
  ids: Map<string, string>;
  tokens: Map<string, string>;
  /** the embedded provider's demo accounts: user → password */
  passwords: Map<string, string>;
  private chromium: Chromium;
  private contexts: BrowserContext[] = [];
  private dir: string;

  async start(): Promise<void> {
    const executablePath = findChromium();
    if (!executablePath) throw new Error('no Chromium: apt-get install -y chromium (or set CHROMIUM_PATH); .ci/run installs it');
    await buildPagesOnce();
    // the sign-in's redirect URIs and the embedded provider's issuer are built on the public base URL
    const port = await freePort();
    this.base = `http://127.0.0.1:${port}`;
    this.t = await startTestApp({ DEMO_DATA: 'true', PUBLIC_BASE_URL: this.base }, undefined, { realClock: true });
    const demo = this.t.app.get(DemoService);
    this.ids = await demo.loadIfEmpty();
    this.tokens = new Map(demo.tokensFor(this.ids).map((u) => [u.user, u.token]));
    this.passwords = new Map(this.t.app.get(DevProvider).accounts.map((a) => [a.user, a.password]));
    await this.t.app.listen({ port, host: '127.0.0.1' });
    if ((this.t.app.getHttpServer().address() as AddressInfo).port !== port) throw new Error('the service did not take its port');
    this.dir = mkdtempSync(join(tmpdir(), 'approdo-browser-'));
    for (const d of ['config', 'cache']) mkdirSync(join(this.dir, d));
    this.chromium = await chromium.launch({
      executablePath,
      headless: true,
      args: [
        '--no-sandbox',
        '--disable-gpu',
        '--disable-quic',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
      ],
      env: { ...process.env, XDG_CONFIG_HOME: join(this.dir, 'config'), XDG_CACHE_HOME: join(this.dir, 'cache') } as Record<string, string>,
    });
  }

  /** A fresh browser profile (cookies, storage, service workers): one person on one device. */
  async context(viewport = PHONE): Promise<BrowserContext> {
    const ctx = await this.chromium.newContext({ viewport, locale: 'it-IT', timezoneId: 'Europe/Rome' });
    this.contexts.push(ctx);
    return ctx;
  }

  async stop(): Promise<void> {
    for (const ctx of this.contexts) await ctx.close().catch(() => undefined);
    await this.chromium?.close();
    await this.t?.close();
    if (this.dir) rmSync(this.dir, { recursive: true, force: true });
  }

  /**
   * A new tab in a profile of its own (so each tab signs in as its own person), or in `ctx`, that
   * records console errors, page errors, failed requests and CSP violations.
   */
  async page(viewport = PHONE, ctx?: BrowserContext): Promise<{ page: Page; problems: Problems }> {
    const page = await (ctx ?? (await this.context(viewport))).newPage();
    await page.setViewportSize(viewport);
    const problems: Problems = { console: [], pageErrors: [], failed: [] };
    page.on('console', (m) => m.type() === 'error' && problems.console.push(m.text()));
    page.on('pageerror', (e) => problems.pageErrors.push(e.message));
    // a read the page was still doing when it navigated away (the live stream above all) is abandoned, not failed;
    // an abandoned change, or any other failure, is a problem
    page.on('requestfailed', (r) => {
      if (r.method() === 'GET' && r.failure()?.errorText === 'net::ERR_ABORTED' && new URL(r.url()).pathname.startsWith('/api/v1/')) return;
      problems.failed.push(`${r.method()} ${r.url()} ${r.failure()?.errorText}`);
    });
    // scripts for the page are strings: this project's TypeScript has no DOM types
    await page.addInitScript({
      content:
        "document.addEventListener('securitypolicyviolation', (e) => console.error('CSP violation: ' + e.violatedDirective + ' ' + e.blockedURI));",
    });
    return { page, problems };
  }

  /** Signs in as a person does: the service's sign-in, the provider's login page (a demo account's button), back at `path`. */
  async signIn(page: Page, user: string, path = '/'): Promise<void> {
    await page.goto(`${this.base}/auth/login?returnTo=${encodeURIComponent(path)}`);
    // a role's first account is one tap away; the others are folded under it
    const folded = page.locator(`details:has([data-user="${user}"]) > summary`);
    if (await folded.count()) await folded.click();
    await page.click(`[data-user="${user}"]`);
    await page.waitForURL((u) => u.pathname === '/' && !u.pathname.startsWith('/oidc'));
    await page.waitForSelector('main h1:not(:text("Accedi"))');
  }

  /** Follows a header link as a person does: on a phone the links are behind "Menu" (issue 30). */
  async nav(page: Page, name: string): Promise<void> {
    const menu = page.locator('header [data-act="menu"]');
    if ((await menu.isVisible()) && (await menu.getAttribute('aria-expanded')) !== 'true') await menu.click();
    await page.click(`nav a:text("${name}")`);
  }

  /**
   * Waits until a script expression is true in the page. page.waitForFunction with a string evaluates
   * it in a way the pages' CSP (no 'unsafe-eval') refuses; page.evaluate runs it through the driver.
   */
  async until(page: Page, expression: string, timeoutMs = 30_000): Promise<void> {
    const end = Date.now() + timeoutMs;
    while (!(await page.evaluate(expression))) {
      if (Date.now() > end) throw new Error(`not true within ${timeoutMs} ms: ${expression}`);
      await new Promise((r) => setTimeout(r, 100));
    }
  }

  /** axe-core in the page (evaluated by the driver, so the page's CSP does not apply): serious and critical violations. */
  async axe(page: Page): Promise<{ id: string; impact: string; nodes: string[] }[]> {
    await page.evaluate(AXE);
    const found = (await page.evaluate(
      "axe.run(document, { resultTypes: ['violations'] }).then((r) => r.violations.map((v) => ({ id: v.id, impact: v.impact, nodes: v.nodes.map((n) => n.target.join(' ')) })))",
    )) as { id: string; impact: string; nodes: string[] }[];
    return found.filter((v) => v.impact === 'serious' || v.impact === 'critical');
  }

  /** Screenshots for the README, only when SCREENSHOTS names a folder (e.g. docs/screenshots); a part of the page when `part` is given. */
  async shot(page: Page, name: string, part?: Locator): Promise<void> {
    const dir = process.env.SCREENSHOTS;
    if (!dir) return;
    mkdirSync(resolve(dir), { recursive: true });
    if (part) await part.screenshot({ path: resolve(dir, `${name}.png`) });
    else await page.screenshot({ path: resolve(dir, `${name}.png`), fullPage: true });
  }

  api(token: string) {
    const http = this.t.http();
    return {
      get: (path: string) => http.get(`/api/v1${path}`).set('Authorization', `Bearer ${token}`),
      post: (path: string, body?: object) =>
        this.t
          .http()
          .post(`/api/v1${path}`)
          .set('Authorization', `Bearer ${token}`)
          .send(body ?? {}),
      put: (path: string, body: object) => this.t.http().put(`/api/v1${path}`).set('Authorization', `Bearer ${token}`).send(body),
    };
  }

  /** A woman's request by Liguria's UOR (case code `<prefix>-<random>`), proposed to Casa Levante: the proposal's id. */
  async proposedToLevante(prefix: string, age: number): Promise<string> {
    const uor = this.api(this.tokens.get('uor-liguria')!);
    const req = await uor.post('/placement-requests', {
      caseCode: `${prefix}-${Math.floor(Math.random() * 1e6)}`,
      person: { gender: 'female', age, children: [], pregnant: false, languages: ['it'], exploitation: ['labour'], needs: [] },
      protectionLevel: 'low',
      stage: 'second_reception',
      origin: { provinceCode: 'SP' },
      safety: { excludedProvinces: [], excludedRegions: [], conflictTags: [] },
      preferences: { crossRegion: false },
      urgency: 'within_24h',
    });
    if (req.status !== 201) throw new Error(`request: ${req.status} ${JSON.stringify(req.body)}`);
    const p = await uor.post(`/placement-requests/${req.body.id}/proposals`, { facilityId: this.ids.get('ge-casa-levante')! });
    if (p.status !== 201) throw new Error(`proposal: ${p.status} ${JSON.stringify(p.body)}`);
    return p.body.id as string;
  }
}
