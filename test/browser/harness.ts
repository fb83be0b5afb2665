import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { createRequire } from 'node:module';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { DemoService } from '../../src/demo/demo.service.js';
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

/** The real service (real clock, demo network loaded) listening on a free port, and a headless Chromium. */
export class Browser {
  t: TestApp;
  base: string;
  ids: Map<string, string>;
  tokens: Map<string, string>;
  private ctx: BrowserContext;
  private dir: string;
  private others: BrowserContext[] = [];
  private executablePath: string;

  async start(): Promise<void> {
    const executablePath = findChromium();
    if (!executablePath) throw new Error('no Chromium: apt-get install -y chromium (or set CHROMIUM_PATH); .ci/run installs it');
    this.executablePath = executablePath;
    // the pages as npm run build makes them, where the service serves them from
    execFileSync(process.execPath, ['web/build.mjs'], { stdio: 'ignore' });
    this.t = await startTestApp({ DEMO_DATA: 'true' }, undefined, { realClock: true });
    const demo = this.t.app.get(DemoService);
    this.ids = await demo.loadIfEmpty();
    this.tokens = new Map((await demo.users()).map((u) => [u.user, u.token]));
    await this.t.app.listen({ port: 0, host: '127.0.0.1' });
    this.base = `http://127.0.0.1:${(this.t.app.getHttpServer().address() as AddressInfo).port}`;
    this.dir = mkdtempSync(join(tmpdir(), 'approdo-browser-'));
    for (const d of ['config', 'cache']) mkdirSync(join(this.dir, d));
    this.ctx = await this.launch('profile');
  }

  /** A browser profile of its own (a second person's phone): its own cookies, storage and service worker. */
  async context(): Promise<BrowserContext> {
    const ctx = await this.launch(`profile-${this.others.length + 1}`);
    this.others.push(ctx);
    return ctx;
  }

  private async launch(profile: string): Promise<BrowserContext> {
    mkdirSync(join(this.dir, profile));
    return chromium.launchPersistentContext(join(this.dir, profile), {
      executablePath: this.executablePath,
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
      viewport: PHONE,
      locale: 'it-IT',
      timezoneId: 'Europe/Rome',
    });
  }

  async stop(): Promise<void> {
    for (const c of this.others) await c.close();
    await this.ctx?.close();
    await this.t?.close();
    if (this.dir) rmSync(this.dir, { recursive: true, force: true });
  }

  /** A new tab (its own sessionStorage) that records console errors, page errors, failed requests and CSP violations. */
  async page(viewport = PHONE, ctx: BrowserContext = this.ctx): Promise<{ page: Page; problems: Problems }> {
    const page = await ctx.newPage();
    await page.setViewportSize(viewport);
    const problems: Problems = { console: [], pageErrors: [], failed: [] };
    page.on('console', (m) => m.type() === 'error' && problems.console.push(m.text()));
    page.on('pageerror', (e) => problems.pageErrors.push(e.message));
    page.on('requestfailed', (r) => problems.failed.push(`${r.method()} ${r.url()} ${r.failure()?.errorText}`));
    // scripts for the page are strings: this project's TypeScript has no DOM types
    await page.addInitScript({
      content:
        "document.addEventListener('securitypolicyviolation', (e) => console.error('CSP violation: ' + e.violatedDirective + ' ' + e.blockedURI));",
    });
    return { page, problems };
  }

  /** The context of the pages `page()` opens by default (setOffline, serviceWorkers). */
  get main(): BrowserContext {
    return this.ctx;
  }

  /** Signs in through the sign-in page by picking a demo user. */
  async signIn(page: Page, user: string, path = '/'): Promise<void> {
    await page.goto(`${this.base}${path}`);
    await page.click(`[data-user="${user}"]`);
    await page.waitForSelector('main h1:not(:text("Accedi"))');
  }

  /** axe-core in the page (evaluated by the driver, so the page's CSP does not apply): serious and critical violations. */
  async axe(page: Page): Promise<{ id: string; impact: string; nodes: string[] }[]> {
    await page.evaluate(AXE);
    const found = (await page.evaluate(
      "axe.run(document, { resultTypes: ['violations'] }).then((r) => r.violations.map((v) => ({ id: v.id, impact: v.impact, nodes: v.nodes.map((n) => n.target.join(' ')) })))",
    )) as { id: string; impact: string; nodes: string[] }[];
    return found.filter((v) => v.impact === 'serious' || v.impact === 'critical');
  }

  /** Screenshots for the README, only when SCREENSHOTS names a folder (e.g. docs/screenshots). */
  async shot(page: Page, name: string): Promise<void> {
    const dir = process.env.SCREENSHOTS;
    if (!dir) return;
    mkdirSync(resolve(dir), { recursive: true });
    await page.screenshot({ path: resolve(dir, `${name}.png`), fullPage: true });
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
}
