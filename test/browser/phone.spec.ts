/**
 * The night shift, polished (issue 30), at 390 px: the outcome where she tapped, arrivals and
 * discharges confirmed with their day and time and a few seconds to undo, an in-page confirmation
 * on the People page, a fiscal code folded, the compact header and focus on the new page's heading,
 * numbers and words as Italians write them, charts and tables that fit, the files for people.
 * (The offline note going away is in offline.spec.ts.)
 */
import type { Page } from 'playwright-core';
import { Browser, DESKTOP, PHONE, type Problems } from './harness.js';

type Json = Record<string, any>;
const b = new Browser();

beforeAll(async () => {
  await b.start();
}, 120_000);
afterAll(async () => {
  await b.stop();
});

const manager = () => b.api(b.tokens.get('manager-liguria')!);
const admin = () => b.api(b.tokens.get('admin')!);

function clean(problems: Problems): void {
  expect({ console: problems.console, pageErrors: problems.pageErrors, failed: problems.failed }).toEqual({
    console: [],
    pageErrors: [],
    failed: [],
  });
}

const proposed = () => b.proposedToLevante('LIG-NOTTE', 27);

/** An element's box against the viewport: wholly in view? */
async function inView(page: Page, selector: string): Promise<{ top: number; bottom: number; inView: boolean }> {
  const box = await page.locator(selector).first().boundingBox();
  if (!box) throw new Error(`${selector}: not rendered`);
  const height = page.viewportSize()!.height;
  // a pixel's slack: scrolled to the edge, a box may end a fraction past it (844.14 of 844)
  return { top: box.y, bottom: box.y + box.height, inView: box.y >= -1 && box.y + box.height <= height + 1 };
}

/** The local wall clock as the time input shows it, in Rome (the context's time zone). */
const hhmm = (d: Date) => d.toLocaleTimeString('it-IT', { hour: '2-digit', minute: '2-digit', timeZone: 'Europe/Rome' });

describe('the night shift on a phone', () => {
  it('manager: the outcome of "Accetta" where she tapped; arrival and discharge confirmed with day and time, with an undo', async () => {
    const id = await proposed();
    const { page, problems } = await b.page(PHONE);
    await b.signIn(page, 'manager-liguria', '/#/beds');
    const card = `[data-proposal="${id}"]`;
    const accept = page.locator(`${card} [data-act="accept"]`);
    // the inbox is read again once the live stream opens: the card she taps is the one after that
    await b.until(page, "document.body.dataset.live === 'open'");
    await page.waitForTimeout(1000);
    await accept.scrollIntoViewIfNeeded();
    // where her finger was: the tap's own position in the viewport
    await page.evaluate("document.addEventListener('click', (e) => (window.tapY = e.clientY), true)");
    await accept.click();
    const tapped = { y: (await page.evaluate('window.tapY')) as number };
    // the card moved to the accepted group; the outcome is on it, where her thumb was, not 1,400 px lower
    const outcome = `${card} [data-outcome="${id}"]`;
    // on the card drawn accepted: a live redraw with reads begun before the tap may briefly draw it pending again
    await page.locator(`${card}[data-status="accepted"] [data-outcome="${id}"]`, { hasText: 'Proposta accettata.' }).waitFor();
    const shown = await inView(page, outcome);
    expect(shown.inView).toBe(true);
    // at the height of her tap, unless the page cannot scroll that far (the card is the last thing on it)
    const atBottom = (await page.evaluate('window.scrollY + window.innerHeight >= document.documentElement.scrollHeight - 2')) as boolean;
    if (!atBottom) expect(Math.abs(shown.top - tapped.y)).toBeLessThan(PHONE.height * 0.15);
    else expect(shown.top).toBeGreaterThanOrEqual(tapped.y - PHONE.height * 0.15);
    expect(await page.locator(`${card}[data-status="accepted"]`).count()).toBe(1);
    // her next step (the arrival) stays above the counters: the board does not reorder itself under her
    expect(await page.locator('section.inbox').evaluate((e) => e.nextElementSibling?.classList.contains('facilities'))).toBe(true);
    await b.shot(page, 'accept-outcome-phone');

    // "Registra l'ingresso": asked in the page, with today and now, changeable
    await page.locator(`${card} [data-act="admit"]`).click();
    const date = page.locator(`${card} input[name="date"]`);
    const time = page.locator(`${card} input[name="time"]`);
    const now = new Date();
    expect(await date.inputValue()).toBe(now.toLocaleDateString('en-CA', { timeZone: 'Europe/Rome' }));
    expect([hhmm(now), hhmm(new Date(now.getTime() - 60_000))]).toContain(await time.inputValue());
    expect(await b.axe(page)).toEqual([]);
    await b.shot(page, 'admit-confirm-phone');
    await page.locator(`${card} [data-act="admit-confirm"]`).click();
    // a few seconds to take it back; taken back, nothing is sent
    await page.locator(`${card} [data-undo]`).waitFor();
    expect(await page.locator(`${card} [data-undo]`).textContent()).toMatch(
      /Ingresso (?:del (?!(?:1|8|11) )|dell'(?=(?:1|8|11) ))\d{1,2} [a-z]+ \d{4}.*tra \d secondi/,
    );
    await b.shot(page, 'admit-undo-phone');
    await page.locator(`${card} [data-act="undo"]`).click();
    await page.locator(`${card} .msg`, { hasText: 'Annullato: non è stato registrato nulla.' }).waitFor();
    await page.waitForTimeout(7000);
    expect((await manager().get(`/proposals/${id}`)).body.status).toBe('accepted');

    // again, for real: the form as she left it, sent once the seconds are over, with her time
    const at = await time.inputValue();
    await page.locator(`${card} [data-act="admit-confirm"]`).click();
    await page.locator(`${card}[data-status="admitted"]`).waitFor({ timeout: 20_000 });
    const admitted = (await manager().get(`/proposals/${id}`)).body;
    const placement = (await manager().get(`/placements/${admitted.placementId}`)).body;
    expect(hhmm(new Date(placement.admittedAt))).toBe(at);
    await page.locator(`${card} [data-outcome="${id}"]`, { hasText: 'Ingresso registrato.' }).waitFor();
    expect((await inView(page, `${card} [data-outcome="${id}"]`)).inView).toBe(true);

    // the discharge: reason, day and time, the same undo
    await page.locator(`${card} [data-act="discharge"]`).click();
    // no reason chosen for her: a tap on "confirm" without one asks for it, and nothing waits to be sent
    await page.locator(`${card} [data-act="discharge-confirm"]`).click();
    await page.locator(`${card} .notice-error`, { hasText: 'Scegli il motivo della dimissione.' }).waitFor();
    expect((await inView(page, `${card} .notice-error`)).inView).toBe(true);
    expect(await page.locator(`${card} select[name="reason"]`).getAttribute('aria-invalid')).toBe('true');
    expect(await page.locator(`${card} [data-undo]`).count()).toBe(0);
    await page.locator(`${card} select[name="reason"]`).selectOption('completed');
    const leftAt = await page.locator(`${card} input[name="time"]`).inputValue();
    await page.locator(`${card} [data-act="discharge-confirm"]`).click();
    expect(await page.locator(`${card} [data-undo]`).textContent()).toMatch(
      /Dimissione (?:del (?!(?:1|8|11) )|dell'(?=(?:1|8|11) ))\d{1,2} [a-z]+ \d{4}/,
    );
    await page.getByText('Dimissione registrata').waitFor({ timeout: 20_000 });
    const ended = (await manager().get(`/placements/${admitted.placementId}`)).body;
    expect({ status: ended.status, reason: ended.dischargeReason, at: hhmm(new Date(ended.dischargedAt)) }).toEqual({
      status: 'discharged',
      reason: 'completed',
      at: leftAt,
    });
    clean(problems);
    await page.close();
  }, 120_000);

  it('People page: "Disattiva" asks in the page (no browser dialog); a fiscal code with spaces and lower case is folded', async () => {
    const { page, problems } = await b.page(PHONE);
    const dialogs: string[] = [];
    page.on('dialog', (d) => (dialogs.push(d.message()), void d.dismiss()));
    await b.signIn(page, 'admin', '/#/members');
    const veneto = page.locator('[data-member="uor.veneto@example.org"]');
    await veneto.locator('[data-act="disable"]').click();
    const ask = veneto.locator('[data-ask="disable"]');
    await ask.waitFor();
    expect(await ask.textContent()).toContain('Disattivare');
    expect(await b.axe(page)).toEqual([]);
    await b.shot(page, 'members-disable-phone');
    await ask.locator('button', { hasText: 'Annulla' }).click();
    expect(await ask.count()).toBe(0);
    const who = (await admin().get('/members')).body.items.find((m: Json) => m.email === 'uor.veneto@example.org');
    expect(who.status).not.toBe('disabled');
    await veneto.locator('[data-act="disable"]').click();
    await veneto.locator('[data-act="disable-confirm"]').click();
    await page.locator('[data-member="uor.veneto@example.org"].member-disabled').waitFor();
    expect((await admin().get(`/members/${who.id}`)).body.status).toBe('disabled');
    expect(dialogs).toEqual([]);
    expect((await admin().post(`/members/${who.id}/enable`)).status).toBe(200);

    // typed as read off a card
    await page.fill('input[name="email"]', 'codice.fiscale@example.org');
    await page.fill('input[name="fiscalCode"]', 'frr gli 85m41 d969x');
    await page.selectOption('select[name="role"]', 'national');
    await page.click('form button[type="submit"]:text("Invia invito")');
    await page.getByText('Invito inviato a codice.fiscale@example.org').waitFor();
    const [m] = await b.t.sql<{ fiscal_code: string }>(`SELECT fiscal_code FROM member WHERE email = 'codice.fiscale@example.org'`);
    expect(m.fiscal_code).toBe('FRRGLI85M41D969X');
    clean(problems);
    await page.close();
  });

  it('the phone header: one short row with the page name and "Menu"; after a link, focus on the new page heading', async () => {
    const { page, problems } = await b.page(PHONE);
    await b.signIn(page, 'uor-liguria', '/#/desk');
    const header = (await page.locator('header.top').boundingBox())!;
    expect(header.height).toBeLessThan(PHONE.height * 0.15);
    expect(await page.locator('header .here').textContent()).toBe('Richieste');
    expect(await page.locator('nav#site-nav a').first().isVisible()).toBe(false);
    await b.shot(page, 'header-phone');
    const menu = page.locator('header [data-act="menu"]');
    await menu.click();
    expect(await menu.getAttribute('aria-expanded')).toBe('true');
    expect(await page.locator('nav#site-nav a', { hasText: 'Rapporti' }).isVisible()).toBe(true);
    expect(await b.axe(page)).toEqual([]);
    await b.shot(page, 'header-menu-phone');
    await page.click('nav#site-nav a:text("Mappa nazionale")');
    await page.locator('main h1', { hasText: 'Posti liberi per regione' }).waitFor();
    await b.until(page, "document.activeElement && document.activeElement.tagName === 'H1'");
    expect(await page.evaluate('document.activeElement.textContent')).toBe(await page.locator('main h1').textContent());
    expect(await page.locator('header .here').textContent()).toBe('Mappa nazionale');
    // the next Tab leaves the heading for the page, not the header's links
    await page.keyboard.press('Tab');
    expect(await page.evaluate("!!document.activeElement.closest('main')")).toBe(true);
    // wider, the links are in view and there is no "Menu"
    await page.setViewportSize(DESKTOP);
    expect(await menu.isVisible()).toBe(false);
    expect(await page.locator('nav#site-nav a', { hasText: 'Rapporti' }).isVisible()).toBe(true);
    clean(problems);
    await page.close();
  });

  it('reports on a phone: month labels apart, headers unbroken, a short utilisation summary first, plain words, files for people', async () => {
    const { page, problems } = await b.page(PHONE);
    await b.signIn(page, 'national-helpline', '/#/reports');
    await page.locator('[data-chart="utilisation"] svg.heatmap').waitFor();
    await page.locator('section[data-report="occupancy"]').waitFor();
    // the heat map's month labels in view do not touch each other
    const boxes = (await page.evaluate(
      "[...document.querySelectorAll('svg.heatmap text.axis.month')].filter((t) => getComputedStyle(t).display !== 'none').map((t) => { const r = t.getBoundingClientRect(); return [r.left, r.right]; })",
    )) as [number, number][];
    expect(boxes.length).toBeGreaterThanOrEqual(6);
    for (let i = 1; i < boxes.length; i++) expect(boxes[i][0]).toBeGreaterThan(boxes[i - 1][1]);

    // utilisation: a short table first, the full one folded under it
    const occupancy = page.locator('section[data-report="occupancy"]');
    const summaryRows = await occupancy.locator('[data-use-summary] tbody tr').count();
    expect(summaryRows).toBeGreaterThan(0);
    expect(summaryRows).toBeLessThanOrEqual(21);
    expect(await occupancy.locator('details.report-details').getAttribute('open')).toBeNull();
    expect(await occupancy.locator('details.report-details summary').textContent()).toMatch(/^Mostra la tabella completa \(\d+ righe?\)$/);

    // the first screen in words: never "0 + <3"
    const hosted = await page.locator('[data-kpi="hosted"]').textContent();
    expect(hosted).not.toMatch(/\+|<3/);

    // every table header on the page, its charts' numbers opened: no word broken over two lines
    await page.locator('details.chart-numbers summary').first().click();
    expect(await brokenHeaderWords(page)).toEqual([]);
    await b.shot(page, 'reports-national-phone');

    // the files for people: a workbook and the Italian CSV
    const [xlsx] = await Promise.all([page.waitForEvent('download'), occupancy.locator('[data-act="xlsx"]').click()]);
    expect(xlsx.suggestedFilename()).toMatch(/^approdo-utilizzo-posti-\d{4}-\d{2}-\d{2}-\d{4}-\d{2}-\d{2}\.xlsx$/);
    const [csvIt] = await Promise.all([page.waitForEvent('download'), occupancy.locator('[data-act="csv-it"]').click()]);
    expect(csvIt.suggestedFilename()).toMatch(/-it\.csv$/);

    // the monitoring sheet: sentences that agree, headers unbroken, its files too
    await page.locator('[data-act="summary"]').click();
    await page.locator('[data-sheet="summary"]').waitFor();
    const totals = await page.locator('.sheet-total').allTextContents();
    for (const line of totals) {
      expect(line).not.toMatch(/<3 persone|\+ <3|minori a carico/);
      expect(line).toMatch(/(persone|persona|1 o 2|nascosto).*figli/);
    }
    expect(await brokenHeaderWords(page)).toEqual([]);
    expect(await page.locator('[data-sheet="summary"] thead th').allTextContents()).toEqual(
      expect.arrayContaining(['Maggiorenni', 'Minorenni']),
    );
    const [sheet] = await Promise.all([page.waitForEvent('download'), page.locator('[data-act="xlsx"]').click()]);
    expect(sheet.suggestedFilename()).toMatch(/^approdo-riepilogo-.*\.xlsx$/);
    await b.shot(page, 'summary-sheet-phone');
    expect(await b.axe(page)).toEqual([]);
    clean(problems);
    await page.close();
  });
});

/**
 * Table header words laid out over more than one line ("Adult/i"): each word of every visible
 * header cell measured with a Range; a word in one piece has one box.
 */
async function brokenHeaderWords(page: Page): Promise<string[]> {
  return (await page.evaluate(`(() => {
    const broken = [];
    for (const th of document.querySelectorAll('th')) {
      const r = th.getBoundingClientRect();
      if (r.width < 2 || r.height < 2 || !th.checkVisibility()) continue;
      const walker = document.createTreeWalker(th, NodeFilter.SHOW_TEXT);
      for (let node = walker.nextNode(); node; node = walker.nextNode()) {
        for (const m of node.textContent.matchAll(/\\S+/g)) {
          const range = document.createRange();
          range.setStart(node, m.index);
          range.setEnd(node, m.index + m[0].length);
          const lines = new Set([...range.getClientRects()].filter((b) => b.width > 0).map((b) => Math.round(b.top)));
          if (lines.size > 1) broken.push(m[0]);
        }
      }
    }
    return broken;
  })()`)) as string[];
}
