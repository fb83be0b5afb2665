/**
 * Signing in as people will: the service's sign-in, the identity provider's login page with a
 * password, back where she was going; the session as an HttpOnly cookie the page cannot read;
 * signing out; a session past its idle time; a person the provider knows and Approdo does not.
 */
import type { Page } from 'playwright-core';
import { Browser, DESKTOP, PHONE, type Problems } from './harness.js';

const b = new Browser();
beforeAll(() => b.start(), 120_000);
afterAll(() => b.stop());

async function accessible(page: Page): Promise<void> {
  expect(await b.axe(page)).toEqual([]);
}
/** The only console errors allowed: statuses a flow provokes on purpose (the signed-out page asks /auth/session: 401). */
function clean(problems: Problems, statuses: number[] = []): void {
  const ok = (m: string) => statuses.some((s) => m.startsWith(`Failed to load resource: the server responded with a status of ${s}`));
  expect({ console: problems.console.filter((m) => !ok(m)), pageErrors: problems.pageErrors, failed: problems.failed }).toEqual({
    console: [],
    pageErrors: [],
    failed: [],
  });
}

describe('sign-in in a browser', () => {
  it('a UOR signs in with her password at the provider, lands where she was going, uses the pages, and signs out', async () => {
    const { page, problems } = await b.page(PHONE);
    await page.goto(`${b.base}/#/desk`);
    await page.waitForSelector('h1:text("Accedi")');
    expect(await page.getAttribute('html', 'lang')).toBe('it');
    await accessible(page);
    await b.shot(page, 'sign-in-phone');
    await page.click('#signin');
    // the provider's own login page
    await page.waitForSelector('form.login');
    expect(new URL(page.url()).pathname).toMatch(/^\/oidc\/interaction\//);
    await page.fill('#username', 'uor-liguria');
    await page.fill('#password', 'wrong');
    await page.click('form.login button[type="submit"]');
    await page.getByText('Nome utente o password non corretti').waitFor();
    await accessible(page);
    await b.shot(page, 'provider-login-phone');
    await page.fill('#username', 'uor-liguria');
    await page.fill('#password', b.passwords.get('uor-liguria')!);
    await page.click('form.login button[type="submit"]');
    await page.waitForURL(`${b.base}/#/desk`);
    await page.waitForSelector('main h1:not(:text("Accedi"))');
    expect(await page.locator('.who').textContent()).toContain('uor-liguria');

    // the cookie: HttpOnly, SameSite=Lax, not Secure on http; nothing the page's JavaScript can read holds a token
    const cookies = await page.context().cookies();
    const session = cookies.find((c) => c.name === 'approdo_session')!;
    expect({ httpOnly: session.httpOnly, sameSite: session.sameSite, secure: session.secure, path: session.path }).toEqual({
      httpOnly: true,
      sameSite: 'Lax',
      secure: false,
      path: '/',
    });
    const readable = (await page.evaluate(
      'JSON.stringify({ cookie: document.cookie, local: Object.entries(localStorage), session: Object.entries(sessionStorage) })',
    )) as string;
    expect(readable).not.toContain(session.value);
    expect(readable).not.toMatch(/eyJ[A-Za-z0-9_-]+\./); // no JWT anywhere the page can read

    // the pages work on the cookie: the region's requests list loads
    await b.nav(page, 'Richieste');
    await page.waitForSelector('main h1');
    await accessible(page);

    await page.click('header [data-act="menu"]');
    await page.click('button:text("Esci")');
    // signed out of Approdo and, through RP-initiated logout, of the provider too, without a second question
    await page.waitForSelector('h1:text("Accedi")');
    await page.getByText('Sei uscita da Approdo e dal servizio di accesso').waitFor();
    expect((await page.context().cookies()).find((c) => c.name === 'approdo_session')).toBeUndefined();
    // nor is the ID token left behind: the provider hop's one-minute cookie was cleared on the way
    expect((await page.context().cookies()).find((c) => c.name === 'approdo_logout')).toBeUndefined();
    // the provider forgot her too: signing in asks for the password again
    await page.click('#signin');
    await page.waitForSelector('form.login');
    const after = await b.t.http().get('/api/v1/capacity').set('cookie', `approdo_session=${session.value}`);
    expect(after.status).toBe(401);
    clean(problems, [401]);
    await page.close();
  });

  it('at 390 px: "Esci", then Back shows nothing of what was on screen, and "Accedi" asks for the password again', async () => {
    // a request of her region, so the desk shows something that must not come back
    const caseCode = `LIG-BACK-${Date.now() % 100000}`;
    const made = await b.t
      .http()
      .post('/api/v1/placement-requests')
      .set('Authorization', `Bearer ${b.tokens.get('uor-liguria')}`)
      .send({
        caseCode,
        person: { gender: 'female', age: 30, children: [], pregnant: false, languages: ['it'], exploitation: ['labour'], needs: [] },
        protectionLevel: 'low',
        stage: 'second_reception',
        origin: { provinceCode: 'SP' },
        safety: { excludedProvinces: [], excludedRegions: [], conflictTags: [] },
        preferences: { crossRegion: false },
        urgency: 'within_24h',
      });
    expect(made.status).toBe(201);
    const { page, problems } = await b.page(PHONE);
    await page.goto(`${b.base}/#/desk`);
    await page.click('#signin');
    await page.waitForSelector('form.login');
    await page.fill('#username', 'uor-liguria');
    await page.fill('#password', b.passwords.get('uor-liguria')!);
    await page.click('form.login button[type="submit"]');
    await page.waitForURL(`${b.base}/#/desk`);
    await page.getByText(caseCode).first().waitFor();
    // on a phone "Esci" is in the header's menu
    await page.click('header [data-act="menu"]');
    await page.click('button:text("Esci")');
    await page.getByText('Sei uscita da Approdo e dal servizio di accesso').waitFor();
    expect(await page.locator('h1').first().textContent()).toBe('Accedi');
    await accessible(page);
    await b.shot(page, 'signed-out-phone');

    // Back, and Back again: whatever page comes back (the signed-in page itself was replaced in the
    // history by the sign-out), nothing of hers is on it once it has loaded
    const shown = async () => (await page.locator('body').textContent()) ?? '';
    for (let i = 0; i < 3; i++) {
      await page.goBack({ waitUntil: 'load' }).catch(() => null);
      if (new URL(page.url()).origin === b.base && !new URL(page.url()).pathname.startsWith('/oidc')) await page.waitForSelector('main h1');
      expect(await shown()).not.toContain(caseCode);
      expect(await page.locator('.who').count()).toBe(0);
    }
    // and her cookie opens nothing any more
    expect((await page.context().cookies()).find((c) => c.name === 'approdo_session')).toBeUndefined();
    // nor is the ID token left behind: the provider hop's one-minute cookie was cleared on the way
    expect((await page.context().cookies()).find((c) => c.name === 'approdo_logout')).toBeUndefined();

    // "Accedi": the provider asks for her password again (its session ended with Approdo's)
    await page.goto(`${b.base}/`);
    await page.click('#signin');
    await page.waitForSelector('form.login #password');
    expect(new URL(page.url()).pathname).toMatch(/^\/oidc\/interaction\//);
    // Back reaches the provider's login page of the earlier sign-in, which has expired: 400 there is right
    clean(problems, [400, 401]);
    await page.close();
  });

  it('a demo account button signs in; a session past its idle time goes back to sign-in, keeping the page where it was', async () => {
    const { page, problems } = await b.page(DESKTOP);
    await b.signIn(page, 'manager-liguria', '/#/beds');
    expect(new URL(page.url()).hash).toBe('#/beds');
    await b.shot(page, 'beds-signed-in-desktop');
    // her session idles past SESSION_IDLE_MINUTES (480): the next call is refused and she is asked to sign in again
    await b.t.sql(`UPDATE web_session SET last_seen_at = now() - interval '9 hours' WHERE ended_at IS NULL`);
    await page.reload();
    await page.waitForSelector('h1:text("Accedi")');
    // the provider's own session is still open: one tap, no password, back on her bed board
    await page.click('#signin');
    await page.waitForURL(`${b.base}/#/beds`);
    await page.waitForSelector('main h1:not(:text("Accedi"))');
    clean(problems, [401]);
    await page.close();
  });

  it('a person the provider knows but Approdo does not is told whom to ask, and sees no data', async () => {
    // an address no invitation names: the provider knows her, Approdo does not
    await b.t.sql(`UPDATE member SET email = 'altra.persona@example.org' WHERE email = 'uor.calabria@example.org'`);
    const { page, problems } = await b.page(PHONE);
    await page.goto(`${b.base}/auth/login?returnTo=${encodeURIComponent('/#/map')}`);
    await page.click('details:has([data-user="uor-calabria"]) > summary');
    await page.click('[data-user="uor-calabria"]');
    await page.waitForSelector('h1:text("Non sei ancora abilitata ad Approdo")');
    expect(await page.locator('main').textContent()).toContain('amministrazione della rete');
    expect(await page.locator('nav').count()).toBe(0);
    await accessible(page);
    await b.shot(page, 'not-a-member-phone');
    await b.t.sql(`UPDATE member SET email = 'uor.calabria@example.org' WHERE email = 'altra.persona@example.org'`);
    clean(problems, [401]);
    await page.close();
  });

  it('on a shared phone, a disabled member is told so, and "Accedi con un altro account" lets another person sign in', async () => {
    await b.t.sql(`UPDATE member SET status = 'disabled' WHERE email = 'numero.verde@example.org'`);
    const { page, problems } = await b.page(PHONE);
    await page.goto(`${b.base}/auth/login?returnTo=${encodeURIComponent('/#/map')}`);
    await page.click('[data-user="national-helpline"]');
    await page.waitForSelector('h1:text("Accesso disattivato")');
    const said = await page.locator('main').textContent();
    expect(said).toContain('Il tuo accesso ad Approdo è stato disattivato: chiedi a chi gestisce le persone della tua rete');
    expect(said).not.toContain('invitarti');
    expect(await page.locator('nav').count()).toBe(0);
    await accessible(page);
    await b.shot(page, 'signin-disabled-phone');
    // the provider still holds her session: the button makes it ask who again instead of signing her in again
    await page.click('button:text("Accedi con un altro account")');
    await page.waitForSelector('form.login');
    await page.fill('#username', 'uor-puglia');
    await page.fill('#password', b.passwords.get('uor-puglia')!);
    await page.click('form.login button[type="submit"]');
    await page.waitForSelector('main h1:not(:text("Accesso disattivato")):not(:text("Accedi"))');
    expect(await page.locator('.who').textContent()).toContain('uor-puglia');
    await b.t.sql(`UPDATE member SET status = 'active' WHERE email = 'numero.verde@example.org'`);
    clean(problems, [401]);
    await page.close();
  });

  it('disabled while she works: her next tap says she was disabled (no "what you wrote stays", no endless "Caricamento…")', async () => {
    const { page, problems } = await b.page(PHONE);
    await b.signIn(page, 'uor-campania', '/#/desk');
    await page.waitForSelector('h1:text("Richieste di inserimento")');
    const [m] = await b.t.sql<{ id: string }>(`SELECT id FROM member WHERE email = 'uor.campania@example.org'`);
    expect((await b.api(b.tokens.get('admin')!).post(`/members/${m.id}/disable`, {})).status).toBe(200);
    await b.nav(page, 'Mappa');
    // said once (the page whose load failed says it, with the button), plainly, instead of "Caricamento…"
    const said = page.getByText('Il tuo accesso ad Approdo è stato disattivato: chiedi a chi gestisce le persone della tua rete');
    await said.waitFor();
    expect(await said.count()).toBe(1);
    expect(await page.locator('body').textContent()).not.toMatch(/Quello che hai scritto|Caricamento/);
    expect(await page.locator('a:text("Accedi con un altro account")').getAttribute('href')).toContain('prompt=login');
    await accessible(page);
    await b.shot(page, 'disabled-while-working-phone');
    await b.api(b.tokens.get('admin')!).post(`/members/${m.id}/enable`, {});
    clean(problems, [401]);
    await page.close();
  });

  it('a session that ended: "what you wrote stays" only when she had written something', async () => {
    const { page, problems } = await b.page(PHONE);
    await b.signIn(page, 'admin', '/#/members');
    await page.waitForSelector('h1:text("Persone e permessi")');
    await page.fill('input[name="email"]', 'scritta.prima@example.org');
    await page.selectOption('select[name="role"]', 'national');
    await b.t.sql(`UPDATE web_session SET last_seen_at = now() - interval '9 hours' WHERE ended_at IS NULL`);
    await page.click('form button[type="submit"]:text("Invia invito")');
    await page.locator('#session-ended').waitFor();
    expect(await page.locator('#session-ended').textContent()).toContain('Quello che hai scritto resta qui');
    expect(await page.inputValue('input[name="email"]')).toBe('scritta.prima@example.org');
    await page.close();

    const other = await b.page(PHONE);
    await b.signIn(other.page, 'admin', '/#/members');
    await other.page.waitForSelector('h1:text("Persone e permessi")');
    await b.t.sql(`UPDATE web_session SET last_seen_at = now() - interval '9 hours' WHERE ended_at IS NULL`);
    await b.nav(other.page, 'Mappa');
    await other.page.getByText('La sessione è scaduta: accedi di nuovo.').waitFor();
    expect(await other.page.locator('body').textContent()).not.toMatch(/Quello che hai scritto|Caricamento/);
    expect(await other.page.locator('a:text("Accedi di nuovo")').getAttribute('href')).toContain('returnTo=');
    await b.shot(other.page, 'session-ended-phone');
    clean(problems, [401]);
    clean(other.problems, [401]);
    await other.page.close();
  });

  it('an administrator invites a shelter manager from the members page; the API holds her, invited', async () => {
    const { page, problems } = await b.page(PHONE);
    await b.signIn(page, 'admin', '/#/members');
    await page.waitForSelector('h1:text("Persone e permessi")');
    // typed as people type it: capitals where the card has them
    await page.fill('input[name="email"]', 'Nuova.Responsabile@Example.ORG');
    // her mobile number typed into the name (issue 28): refused beside the name, nothing written, the rest kept
    await page.fill('input[name="name"]', 'Nuova Responsabile 347 1234567');
    await page.selectOption('select[name="role"]', 'shelter_manager');
    await page.selectOption('select[name="regionCode"]', '07');
    // no facility: said in the summary at the top with the other problems, not only under the button
    await page.click('form button[type="submit"]:text("Invia invito")');
    const summary = page.locator('form[aria-labelledby="invite-title"] .form-summary');
    await summary.waitFor();
    expect(await summary.textContent()).toContain('Scegli almeno una struttura.');
    await accessible(page);
    await b.shot(page, 'invite-no-facility-phone', page.locator('form[aria-labelledby="invite-title"]'));
    await page.check(`input[name="facilityIds"][value="${b.ids.get('ge-casa-levante')}"]`);
    await page.click('form button[type="submit"]:text("Invia invito")');
    await page.locator('input[name="name"][aria-invalid="true"]').waitFor();
    const nameError = (await page.locator('input[name="name"]').getAttribute('aria-describedby'))!.split(' ')[0];
    expect(await page.locator(`[id="${nameError}"]`).textContent()).toMatch(/^Solo nome e cognome: niente numeri di telefono/);
    expect(await page.inputValue('input[name="email"]')).toBe('Nuova.Responsabile@Example.ORG');
    expect(await b.t.sql(`SELECT 1 FROM member WHERE email = 'nuova.responsabile@example.org'`)).toEqual([]);
    await accessible(page);
    await page.fill('input[name="name"]', 'Nuova Responsabile');
    await page.click('form button[type="submit"]:text("Invia invito")');
    // the address as the service keeps it and the list shows it
    await page.getByText('Invito inviato a nuova.responsabile@example.org.').waitFor();
    await page.locator('[data-member="nuova.responsabile@example.org"]').waitFor();
    const [m] = await b.t.sql<{ role: string; status: string; facility_ids: string[] }>(
      `SELECT role, status, facility_ids::text[] FROM member WHERE email = 'nuova.responsabile@example.org'`,
    );
    expect(m).toEqual({ role: 'shelter_manager', status: 'invited', facility_ids: [b.ids.get('ge-casa-levante')] });
    await accessible(page);
    await b.shot(page, 'members-phone');

    // a second house from her card: when the page says "updated", her card already names both
    const names = await b.t.sql<{ name: string }>(`SELECT name FROM facility WHERE id = ANY($1::uuid[]) ORDER BY name`, [
      [b.ids.get('ge-casa-levante'), b.ids.get('sp-semi-autonomia-golfo')],
    ]);
    const invited = page.locator('[data-member="nuova.responsabile@example.org"]');
    await invited.getByRole('button', { name: 'Cambia strutture' }).click();
    const change = page.locator('form', { has: page.locator('h3', { hasText: 'Strutture di' }) });
    await change.locator(`input[name="facilityIds"][value="${b.ids.get('sp-semi-autonomia-golfo')}"]`).check();
    // the list's re-read made slow, as on a phone's network: words said before the list is drawn would be caught
    await page.route('**/api/v1/members', async (route) => {
      if (route.request().method() === 'GET') await new Promise((r) => setTimeout(r, 500));
      await route.continue();
    });
    await change.getByRole('button', { name: 'Salva' }).click();
    await page.getByText('Strutture di Nuova Responsabile aggiornate.').waitFor();
    const listed = ((await invited.textContent()) ?? '').replace(/\s+/g, ' ');
    for (const { name } of names) expect(listed).toContain(name);
    clean(problems, [422]);
    await page.close();
  });
});
