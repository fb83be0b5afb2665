/**
 * Installable and offline (issue 22, and the offline banner of issue 23): the manifest and the
 * service worker, the app shell and the bed board without a network, the manager's changes queued
 * on the phone and sent once when the network returns, and a conflict shown with both numbers.
 */
import type { Page } from 'playwright-core';
import { Browser, PHONE } from './harness.js';

type Json = Record<string, any>;
const b = new Browser();

beforeAll(async () => {
  await b.start();
}, 120_000);
afterAll(async () => {
  await b.stop();
});

const manager = () => b.api(b.tokens.get('manager-liguria')!);
const LEVANTE = () => b.ids.get('ge-casa-levante')!;
const GOLFO = () => b.ids.get('sp-semi-autonomia-golfo')!;
const adult = (a: Json) => a.places.find((p: Json) => p.kind === 'adult');
const availability = async (id: string) => (await manager().get(`/facilities/${id}/availability`)).body as Json;

/** The facility's history after an event id (every page of it). */
async function historyAfter(id: string, afterId?: string): Promise<Json[]> {
  const all: Json[] = [];
  for (let after = afterId; ;) {
    const page = (await manager().get(`/facilities/${id}/availability/history?limit=200${after ? `&afterId=${after}` : ''}`)).body as Json;
    all.push(...page.events);
    if (!page.nextAfterId) return all;
    after = page.nextAfterId;
  }
}

/** The page is controlled by the service worker (installed, activated and claimed). */
async function controlled(page: Page): Promise<void> {
  await b.until(page, 'navigator.serviceWorker.controller !== null');
}

/** Goes offline and waits for the banner; returns how long it took to show (ms). */
async function offline(page: Page): Promise<number> {
  const t0 = Date.now();
  await page.context().setOffline(true);
  await page.locator('.offline-banner:not([hidden])').waitFor();
  return Date.now() - t0;
}

async function online(page: Page): Promise<void> {
  await page.context().setOffline(false);
  await page.locator('.offline-banner[hidden]').waitFor({ state: 'attached' });
}

describe('installable and offline', () => {
  it('serves the manifest, its icons and the service worker from this origin, with the pages CSP', async () => {
    const shell = await b.t.http().get('/');
    expect(shell.text).toMatch(/<link rel="manifest" href="\/manifest.webmanifest">/);
    const manifest = await b.t.http().get('/manifest.webmanifest');
    expect(manifest.status).toBe(200);
    expect(manifest.headers['content-type']).toMatch(/^application\/manifest\+json/);
    const m = JSON.parse(manifest.text) as Json;
    expect({ start_url: m.start_url, display: m.display, lang: m.lang }).toEqual({ start_url: '/', display: 'standalone', lang: 'it' });
    expect(m.icons.map((i: Json) => i.sizes)).toEqual(expect.arrayContaining(['192x192', '512x512']));
    for (const icon of m.icons as Json[]) {
      const res = await b.t.http().get(icon.src);
      expect({ src: icon.src, status: res.status, type: res.headers['content-type'] }).toEqual({
        src: icon.src,
        status: 200,
        type: icon.type,
      });
    }
    const sw = await b.t.http().get('/sw.js');
    expect(sw.status).toBe(200);
    expect(sw.headers['content-type']).toMatch(/^text\/javascript/);
    expect(sw.headers['cache-control']).toBe('no-cache');
    expect(sw.headers['content-security-policy']).toMatch(/worker-src 'self'/);
    // it keeps this build's shell: the page and every asset the page names
    const assets = [...shell.text.matchAll(/(\/assets\/[A-Za-z0-9_-]+\.(?:js|css))/g)].map((x) => x[1]);
    for (const a of ['"/"', ...assets.map((x) => `"${x}"`)]) expect(sw.text).toContain(a);
    expect((await b.t.http().get('/icons/..%2Fsw.js')).status).toBe(404);
  });

  it('the banner says since when the page is offline; a reload offline shows the app shell and the last numbers', async () => {
    const { page, problems } = await b.page(PHONE);
    await b.signIn(page, 'manager-liguria', '/#/beds');
    const card = page.locator(`[data-facility="${LEVANTE()}"]`);
    await card.waitFor();
    await controlled(page);
    const shown = await card.locator('[data-kind="adult"] [data-field="occupied"] output').textContent();
    const before = new Date();
    const ms = await offline(page);
    process.stdout.write(`offline banner shown ${ms} ms after going offline\n`);
    const banner = page.locator('.offline-banner');
    const hhmm = (d: Date) => d.toLocaleTimeString('it-IT', { hour: '2-digit', minute: '2-digit', timeZone: 'Europe/Rome' });
    expect(await banner.textContent()).toMatch(new RegExp(`Sei offline dalle (${hhmm(before)}|${hhmm(new Date())})`));
    expect(await page.evaluate('document.body.hasAttribute("data-offline")')).toBe(true);
    await b.shot(page, 'offline-banner');
    expect(await b.axe(page)).toEqual([]);
    // what a link scrolls to (as the desk's "see the proposals" does) lands below the sticky banner, not under it
    const gap = (await page.evaluate(`(() => {
      window.scrollTo(0, 0);
      // a heading or card far enough down for the page to scroll it to the top
      const target = [...document.querySelectorAll('main h1, main h2, main h3, main legend, main .card')].find((x) => x.getBoundingClientRect().top > 200 && x.getBoundingClientRect().top < document.documentElement.scrollHeight - innerHeight - 50);
      target.scrollIntoView({ block: 'start' });
      return target.getBoundingClientRect().top - document.querySelector('.offline-banner').getBoundingClientRect().bottom;
    })()`)) as number;
    expect(gap).toBeGreaterThanOrEqual(0);

    // in English too
    await page.locator('header button[lang="en"]').click();
    await banner.locator('strong', { hasText: 'Offline since' }).waitFor();
    await page.locator('header button[lang="it"]').click();
    await banner.locator('strong', { hasText: 'Sei offline dalle' }).waitFor();

    const reloaded = await page.reload();
    expect(reloaded?.fromServiceWorker()).toBe(true);
    await page.locator('main h1', { hasText: 'Posti letto' }).waitFor();
    await page.locator('.stale-note', { hasText: 'conservati su questo telefono' }).waitFor();
    expect(await card.locator('[data-kind="adult"] [data-field="occupied"] output').textContent()).toBe(shown);
    // the reload keeps the time the network went, not the time of the reload
    expect(await banner.textContent()).toMatch(/Sei offline dalle/);
    await online(page);
    // back online: the first fresh numbers (the stream's re-read) take the note away, without a reload
    await page.locator('.stale-note').waitFor({ state: 'detached', timeout: 20_000 });
    expect(await card.locator('[data-kind="adult"] [data-field="occupied"] output').textContent()).toBe(shown);
    expect(problems.pageErrors).toEqual([]);
    await page.close();
  });

  it('manager offline: +1 and "still true" wait on the phone (a reload keeps them), then go once when the network returns', async () => {
    const { page, problems } = await b.page(PHONE);
    await b.signIn(page, 'manager-liguria', '/#/beds');
    const card = page.locator(`[data-facility="${LEVANTE()}"]`);
    await card.waitFor();
    await controlled(page);
    const start = await availability(LEVANTE());
    const last = (await historyAfter(LEVANTE())).at(-1)?.id;
    await offline(page);
    await card.locator('[data-kind="adult"] [data-field="occupied"] [data-act="inc"]').click();
    await card.locator('[data-act="save"]').click();
    await card.locator('.notice-info', { hasText: 'Salvato su questo telefono' }).waitFor();
    await card.locator('[data-act="still-valid"]').click();
    await card.locator('[data-act="confirm-yes"]').click();
    await card.locator('[data-pending="2"]').waitFor();
    expect((await availability(LEVANTE())).version).toBe(start.version);

    await page.reload();
    await card.locator('[data-pending="2"]').waitFor();
    expect(await card.locator('[data-kind="adult"] [data-field="occupied"] output').textContent()).toBe(String(adult(start).occupied + 1));

    await online(page);
    await card.locator('.notice-ok', { hasText: 'Confermato' }).waitFor();
    await card.locator('[data-pending]').waitFor({ state: 'detached' });
    const after = await availability(LEVANTE());
    expect({ version: after.version, occupied: adult(after).occupied }).toEqual({
      version: start.version + 1,
      occupied: adult(start).occupied + 1,
    });
    expect(new Date(after.confirmedAt).getTime()).toBeGreaterThan(new Date(start.confirmedAt ?? 0).getTime());
    // written once: her change (a save confirms too) and her "still true", nothing else, nothing twice
    expect((await historyAfter(LEVANTE(), last)).map((e) => [e.type, e.kind, e.after?.occupied ?? null])).toEqual([
      ['manager_update', 'adult', adult(start).occupied + 1],
      ['confirm', null, null],
      ['confirm', null, null],
    ]);
    expect(problems.pageErrors).toEqual([]);
    await page.close();
  });

  it('an answer lost on the way back: the save is sent again with the same Idempotency-Key and written once', async () => {
    const { page, problems } = await b.page(PHONE);
    await b.signIn(page, 'manager-liguria', '/#/beds');
    const card = page.locator(`[data-facility="${LEVANTE()}"]`);
    await card.waitFor();
    const start = await availability(LEVANTE());
    const last = (await historyAfter(LEVANTE())).at(-1)?.id;
    // the first PUT reaches the service, its answer never reaches the phone
    const keys: string[] = [];
    await page.route(`**/api/v1/facilities/${LEVANTE()}/availability`, async (route) => {
      if (route.request().method() !== 'PUT') return route.continue();
      keys.push(route.request().headers()['idempotency-key']);
      if (keys.length > 1) return route.continue();
      await route.fetch();
      await route.abort('internetdisconnected');
    });
    await card.locator('[data-kind="adult"] [data-field="occupied"] [data-act="dec"]').click();
    await card.locator('[data-act="save"]').click();
    await card.locator('.notice-info', { hasText: 'Salvato su questo telefono' }).waitFor();
    expect((await availability(LEVANTE())).version).toBe(start.version + 1);
    // the network is back (the browser says so): the queue sends what waits
    await page.evaluate("window.dispatchEvent(new Event('online'))");
    await card.locator('.notice-ok', { hasText: 'Salvato.' }).waitFor();
    expect(keys.length).toBe(2);
    expect(keys[1]).toBe(keys[0]);
    const after = await availability(LEVANTE());
    expect({ version: after.version, occupied: adult(after).occupied }).toEqual({
      version: start.version + 1,
      occupied: adult(start).occupied - 1,
    });
    expect((await historyAfter(LEVANTE(), last)).filter((e) => e.type === 'manager_update').length).toBe(1);
    expect(problems.pageErrors).toEqual([]);
    await page.close();
  });

  it('a change made meanwhile is shown to her with both numbers, never overwritten; she keeps hers', async () => {
    const { page, problems } = await b.page(PHONE);
    await b.signIn(page, 'manager-liguria', '/#/beds');
    const card = page.locator(`[data-facility="${GOLFO()}"]`);
    await card.waitFor();
    const start = await availability(GOLFO());
    const a = adult(start);
    await offline(page);
    await card.locator('[data-kind="adult"] [data-field="outOfService"] [data-act="inc"]').click();
    await card.locator('[data-act="save"]').click();
    await card.locator('[data-pending="1"]').waitFor();
    // a colleague, on a network, takes a bed meanwhile
    const other = await manager().put(`/facilities/${GOLFO()}/availability`, {
      version: start.version,
      places: [{ kind: 'adult', total: a.total, occupied: a.occupied + 1, outOfService: a.outOfService }],
    });
    expect(other.status).toBe(200);

    await online(page);
    const box = card.locator('[data-conflict]');
    await box.waitFor();
    const cell = (kind: string, what: string) => box.locator(`tr[data-kind="${kind}"]`, { hasText: what });
    expect(await cell('adult', 'fuori servizio').locator('[data-mine]').textContent()).toBe(String(a.outOfService + 1));
    expect(await cell('adult', 'fuori servizio').locator('[data-current]').textContent()).toBe(String(a.outOfService));
    expect(await cell('adult', 'occupati').locator('[data-mine]').textContent()).toBe(String(a.occupied));
    expect(await cell('adult', 'occupati').locator('[data-current]').textContent()).toBe(String(a.occupied + 1));
    await b.shot(page, 'offline-conflict');
    expect(await b.axe(page)).toEqual([]);
    // nothing of hers was written over the colleague's numbers
    const meanwhile = await availability(GOLFO());
    expect({ version: meanwhile.version, occupied: adult(meanwhile).occupied, outOfService: adult(meanwhile).outOfService }).toEqual({
      version: other.body.version,
      occupied: a.occupied + 1,
      outOfService: a.outOfService,
    });

    await box.locator('[data-act="keep-mine"]').click();
    await card.locator('.notice-ok', { hasText: 'Salvato' }).waitFor();
    const after = await availability(GOLFO());
    expect({ version: after.version, occupied: adult(after).occupied, outOfService: adult(after).outOfService }).toEqual({
      version: other.body.version + 1,
      occupied: a.occupied,
      outOfService: a.outOfService + 1,
    });
    expect(problems.pageErrors).toEqual([]);
    await page.close();
  });
});
