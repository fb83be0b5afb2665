/**
 * A shelter manager's decisions on a 390 px phone, after a tester's walk: "Accetta" waits out the same
 * few seconds as an arrival (nothing sent before, nothing at all after "Annulla"); a decline begun
 * before the session ended is there after signing in again; a "no network" line says so once the
 * network is back; "Esci" takes the kept bed boards off the phone.
 */
import type { Page, Request } from 'playwright-core';
import { Browser, PHONE, type Problems } from './harness.js';

const b = new Browser();

beforeAll(async () => {
  await b.start();
  // room for the offers these tests hold
  const now = (await manager().get(`/facilities/${LEVANTE()}/availability`)).body;
  const res = await manager().put(`/facilities/${LEVANTE()}/availability`, {
    version: now.version,
    places: now.places.map((p: { kind: string; total: number; occupied: number; outOfService: number }) => ({
      kind: p.kind,
      total: p.kind === 'adult' ? Math.max(p.total, p.occupied + 10) : p.total,
      occupied: p.occupied,
      outOfService: p.outOfService,
    })),
  });
  expect(res.status).toBe(200);
}, 120_000);
afterAll(async () => {
  await b.stop();
});

const manager = () => b.api(b.tokens.get('manager-liguria')!);
const LEVANTE = () => b.ids.get('ge-casa-levante')!;

const proposed = () => b.proposedToLevante('LIG-TAP', 31);

/** The proposal's status once it is no longer pending, or 'pending' still after 20 s. */
async function statusOnceSettled(id: string): Promise<string> {
  for (let i = 0; i < 80; i++) {
    const status = (await manager().get(`/proposals/${id}`)).body.status as string;
    if (status !== 'pending') return status;
    await new Promise((r) => setTimeout(r, 250));
  }
  return 'pending';
}

/** The decisions the page sends about a proposal (accept, decline), as they leave the browser. */
function decisions(page: Page, id: string): string[] {
  const sent: string[] = [];
  page.on(
    'request',
    (r: Request) => r.method() === 'POST' && r.url().includes(`/proposals/${id}/`) && sent.push(r.url().split('/').pop()!),
  );
  return sent;
}

function clean(problems: Problems, allowed: RegExp[] = []): void {
  expect({
    console: problems.console.filter((m) => !allowed.some((a) => a.test(m))),
    pageErrors: problems.pageErrors,
    failed: problems.failed.filter((m) => !allowed.some((a) => a.test(m))),
  }).toEqual({ console: [], pageErrors: [], failed: [] });
}

describe("a manager's decisions on a phone", () => {
  it.each([
    ['the proposal page', (id: string) => `/#/proposals/${id}`],
    ['her list', () => '/#/beds'],
  ])(
    '"Accetta" on %s: nothing sent in the undo seconds, nothing at all after "Annulla"',
    async (_where, path) => {
      const id = await proposed();
      const { page, problems } = await b.page(PHONE);
      const sent = decisions(page, id);
      await b.signIn(page, 'manager-liguria', path(id));
      const card = page.locator(`[data-proposal="${id}"][data-status="pending"]`);
      await card.locator('[data-act="accept"]').click();
      const undo = card.locator('[data-undo]');
      await undo.waitFor();
      expect(await undo.textContent()).toMatch(/^Accettazione della proposta: viene inviata tra \d secondi\.Annulla$/);
      expect(sent).toEqual([]);
      expect(await b.axe(page)).toEqual([]);
      await b.shot(page, 'accept-undo-phone', card);
      await card.locator('[data-act="undo"]').click();
      await card.locator('.msg', { hasText: 'Annullato: non è stato registrato nulla.' }).waitFor();
      await page.waitForTimeout(7000);
      expect(sent).toEqual([]);
      expect((await manager().get(`/proposals/${id}`)).body.status).toBe('pending');

      // again, and let the seconds run: sent once, then shown accepted
      await card.locator('[data-act="accept"]').click();
      await card.locator('[data-undo]').waitFor();
      expect(sent).toEqual([]);
      await page.locator(`[data-proposal="${id}"][data-status="accepted"]`).waitFor({ timeout: 30_000 });
      expect(sent).toEqual(['accept']);
      expect((await manager().get(`/proposals/${id}`)).body.status).toBe('accepted');
      clean(problems);
      await page.close();
    },
    90_000,
  );

  it('"Accetta", then the app is put away or the tab closed within the undo seconds: the acceptance still arrives', async () => {
    // the app swiped away (the page hidden): sent at once, not after the seconds
    const first = await proposed();
    const { page, problems } = await b.page(PHONE);
    const sent = decisions(page, first);
    // the page's clock stopped once the undo seconds begin: what is sent then is sent by the hiding, not by the seconds
    await page.clock.install();
    await b.signIn(page, 'manager-liguria', `/#/proposals/${first}`);
    await page.locator(`[data-proposal="${first}"] [data-act="accept"]`).click();
    const undo = page.locator(`[data-proposal="${first}"] [data-undo] [data-undo-left]`);
    await undo.waitFor();
    await page.clock.pauseAt(Date.now() + 60_000);
    expect(sent).toEqual([]);
    await page.evaluate(`Object.defineProperty(document, 'visibilityState', { value: 'hidden', configurable: true });
      document.dispatchEvent(new Event('visibilitychange'))`);
    expect(await statusOnceSettled(first)).toBe('accepted');
    expect(sent).toEqual(['accept']);
    clean(problems);
    await page.close();

    // the tab closed: sent as it goes
    const second = await proposed();
    const other = await b.page(PHONE);
    await b.signIn(other.page, 'manager-liguria', `/#/proposals/${second}`);
    await other.page.locator(`[data-proposal="${second}"] [data-act="accept"]`).click();
    await other.page.locator(`[data-proposal="${second}"] [data-undo]`).waitFor();
    expect((await manager().get(`/proposals/${second}`)).body.status).toBe('pending');
    await other.page.close({ runBeforeUnload: true });
    expect(await statusOnceSettled(second)).toBe('accepted');
  }, 90_000);

  it('a decline begun when the session ended: her reason and note are there after "Accedi di nuovo", gone once sent', async () => {
    const id = await proposed();
    const { page, problems } = await b.page(PHONE);
    await b.signIn(page, 'manager-liguria', `/#/proposals/${id}`);
    const card = page.locator(`[data-proposal="${id}"]`);
    // while she decides, the case says the sender's contact comes with her acceptance
    expect(await card.locator('[data-sender]').textContent()).toBe("Il contatto dell'unità operativa compare quando accetti.");
    // the case is named once, in the page's heading; the card is titled by the house and its beds
    const code = (await manager().get(`/proposals/${id}`)).body.case.caseCode as string;
    const headings = await page.locator('main :is(h1, h2, h3):visible').allTextContents();
    expect(headings.filter((x) => x.includes(code))).toEqual([`Proposta ${code}`]);
    expect(await card.locator('h3').textContent()).toMatch(/^Casa Approdo Levante · Posti adulti/);
    await card.locator('[data-act="decline"]').click();
    await card.locator('select[name="reason"]').selectOption('staff_capacity');
    await card.locator('textarea[name="note"]').fill('posti occupati fino a lunedì');
    await b.t.sql(`UPDATE web_session SET last_seen_at = now() - interval '9 hours' WHERE ended_at IS NULL`);
    await card.locator('[data-act="decline-confirm"]').click();
    await page.locator('#session-ended').waitFor();
    expect(await page.locator('#session-ended').textContent()).toContain('Quello che hai scritto resta qui');
    await page.locator('#session-ended a:text("Accedi di nuovo")').click();
    // the provider asks who again, or remembers her and sends her straight back
    await page.waitForURL((u) => u.pathname !== '/' || u.hash === `#/proposals/${id}`);
    if (new URL(page.url()).pathname !== '/') {
      const folded = page.locator('details:has([data-user="manager-liguria"]) > summary');
      if (await folded.count()) await folded.click();
      await page.click('[data-user="manager-liguria"]');
    }
    await page.waitForURL((u) => u.pathname === '/' && u.hash === `#/proposals/${id}`);
    const form = page.locator(`[data-proposal="${id}"] form.decide`);
    await form.waitFor();
    expect(await form.locator('select[name="reason"]').inputValue()).toBe('staff_capacity');
    expect(await form.locator('textarea[name="note"]').inputValue()).toBe('posti occupati fino a lunedì');
    // kept in this tab only, and only what she typed in that form
    const kept = (await page.evaluate('JSON.stringify(Object.entries(sessionStorage).filter(([k]) => k.includes("draft")))')) as string;
    expect(JSON.parse(kept).map(([, v]: [string, string]) => JSON.parse(v).values)).toEqual([
      { reason: ['staff_capacity'], note: ['posti occupati fino a lunedì'] },
    ]);
    expect(await b.axe(page)).toEqual([]);
    await b.shot(page, 'decline-kept-after-signin-phone');
    await form.locator('[data-act="decline-confirm"]').click();
    const declined = page.locator(`[data-proposal="${id}"][data-status="declined"]`);
    await declined.waitFor();
    // a declined case will never show who sent it: no promise of a contact "when you accept"
    await declined.locator('dl.case').waitFor();
    expect(await declined.locator('[data-sender]').count()).toBe(0);
    // what she told the UOR, as the UOR reads it
    expect(await declined.locator('.declined').textContent()).toBe(
      'Motivo del rifiuto: Personale non sufficienteLa tua nota: posti occupati fino a lunedì',
    );
    expect((await manager().get(`/proposals/${id}`)).body).toMatchObject({ status: 'declined', declineReason: 'staff_capacity' });
    expect(await page.evaluate('Object.keys(sessionStorage).filter((k) => k.includes("draft")).length')).toBe(0);
    clean(problems, [/status of 401/]);
    await page.close();
  }, 90_000);

  it('a decision tapped offline: once the network is back the red line says she can try again', async () => {
    const id = await proposed();
    const { page, problems } = await b.page(PHONE);
    await b.signIn(page, 'manager-liguria', `/#/proposals/${id}`);
    const card = page.locator(`[data-proposal="${id}"]`);
    await card.locator('[data-act="decline"]').click();
    await card.locator('select[name="reason"]').selectOption('staff_capacity');
    await page.context().setOffline(true);
    await card.locator('[data-act="decline-confirm"]').click();
    const error = card.locator('.msg .notice-error', { hasText: 'Il servizio non risponde.' });
    await error.waitFor();
    await page.context().setOffline(false);
    await card.locator('.msg .notice-info', { hasText: 'Sei di nuovo in linea: riprova.' }).waitFor();
    expect(await error.count()).toBe(0);
    expect(await b.axe(page)).toEqual([]);
    await b.shot(page, 'back-online-retry-phone', card);
    // and trying again works, with what she had chosen
    await card.locator('[data-act="decline-confirm"]').click();
    await page.locator(`[data-proposal="${id}"][data-status="declined"]`).waitFor();
    clean(problems, [/ERR_INTERNET_DISCONNECTED/]);
    await page.close();
  }, 90_000);

  it('"Altro" asks for a few words: without a note nothing is sent, with one the decline goes', async () => {
    const id = await proposed();
    const { page, problems } = await b.page(PHONE);
    const sent = decisions(page, id);
    await b.signIn(page, 'manager-liguria', `/#/proposals/${id}`);
    const card = page.locator(`[data-proposal="${id}"]`);
    await card.locator('[data-act="decline"]').click();
    const note = card.locator('textarea[name="note"]');
    expect(await card.locator(`label[for="${await note.getAttribute('id')}"]`).textContent()).toContain('facoltativa');
    await card.locator('select[name="reason"]').selectOption('other');
    expect(await card.locator(`label[for="${await note.getAttribute('id')}"]`).textContent()).toBe(
      "Nota per l'unità operativa: il motivo, in poche parole",
    );
    await card.locator('[data-act="decline-confirm"]').click();
    await card.locator('textarea[name="note"][aria-invalid="true"]').waitFor();
    expect(await card.locator('.form-summary').isVisible()).toBe(true);
    expect(sent).toEqual([]);
    expect(await b.axe(page)).toEqual([]);
    await note.fill('lavori in corso nella casa');
    await card.locator('[data-act="decline-confirm"]').click();
    await page.locator(`[data-proposal="${id}"][data-status="declined"]`).waitFor();
    expect(sent).toEqual(['decline']);
    expect((await manager().get(`/proposals/${id}`)).body).toMatchObject({
      declineReason: 'other',
      declineNote: 'lavori in corso nella casa',
    });
    clean(problems);
    await page.close();
  }, 90_000);

  it('a mistyped, stale or foreign link says "Pagina non trovata" with the way home, never a silent jump', async () => {
    const { page, problems } = await b.page(PHONE);
    await b.signIn(page, 'manager-liguria', '/#/beds');
    await page.locator('main h1', { hasText: 'Posti letto' }).waitFor();
    const landed = async (hash: string, title = 'Pagina non trovata') => {
      await page.evaluate(`location.hash = ${JSON.stringify(hash)}`);
      await page.locator('main h1', { hasText: title }).waitFor();
      expect(new URL(page.url()).hash).toBe(hash);
      expect(await page.evaluate('document.activeElement?.tagName')).toBe('H1');
      expect(await page.title()).toBe(`${title} · Approdo`);
      return (await page.locator('main').textContent()) ?? '';
    };
    expect(await landed('#/proposals/abc')).toContain('forse il link è incompleto');
    // another role's page
    expect(await landed('#/desk', 'Pagina non disponibile')).toContain('non fa parte del tuo accesso');
    // a proposal that is not there (or not hers): the service's words under the heading
    expect(await landed(`#/proposals/${'0'.repeat(8)}-0000-4000-8000-${'0'.repeat(12)}`)).toContain('Non trovato');
    expect(await b.axe(page)).toEqual([]);
    await b.shot(page, 'not-found-phone');
    await page.getByRole('link', { name: 'Vai a Posti letto' }).click();
    await page.locator('main h1', { hasText: 'Posti letto' }).waitFor();
    clean(problems, [/status of 404/]);
    await page.close();
  }, 90_000);

  it('"Esci" takes the kept bed boards (house names, provinces, beds) off the phone', async () => {
    const { page } = await b.page(PHONE);
    await b.signIn(page, 'manager-liguria', '/#/beds');
    await page.locator('[data-facility]').first().waitFor();
    const boards = 'Object.keys(localStorage).filter((k) => k.startsWith("approdo.board.")).length';
    await b.until(page, `${boards} > 0`);
    const menu = page.locator('header [data-act="menu"]');
    if (await menu.isVisible()) await menu.click();
    await page.click('nav button:text("Esci")');
    await page.waitForURL((u) => !u.hash.startsWith('#/beds'));
    await page.locator('main h1').waitFor();
    expect(await page.evaluate(boards)).toBe(0);
    expect(await page.evaluate('Object.keys(localStorage).filter((k) => /board|draft|lastClaims/.test(k))')).toEqual([]);
    await page.close();
  }, 60_000);
});
