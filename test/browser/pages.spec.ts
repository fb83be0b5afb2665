/**
 * The pages for people, in a real Chromium against the real service on the suite's PostgreSQL
 * (with the fictional demo network loaded). Every flow ends by asking the API what it now holds.
 * Each page also passes axe-core (no serious or critical violation) and runs with no console
 * error, no failed request and no CSP violation. jest.config.js leaves this folder out when no
 * Chromium is installed, unless REQUIRE_BROWSER=1 (as in .ci/run).
 */
import { readFileSync } from 'node:fs';
import type { Locator, Page } from 'playwright-core';
import { Browser, DESKTOP, PHONE, type Problems } from './harness.js';
import { dayOf } from '../../src/domain/italian-day.js';

type Json = Record<string, any>;
const b = new Browser();

beforeAll(async () => {
  await b.start();
}, 120_000);
afterAll(async () => {
  await b.stop();
});

const token = (user: string) => b.tokens.get(user)!;
const manager = () => b.api(token('manager-liguria'));
const uor = () => b.api(token('uor-liguria'));
const national = () => b.api(token('national-helpline'));
const LEVANTE = () => b.ids.get('ge-casa-levante')!;
const GOLFO = () => b.ids.get('sp-semi-autonomia-golfo')!;

/** The only console errors a flow may show are the HTTP statuses it provokes on purpose. */
function clean(problems: Problems, expectedStatuses: number[] = []): void {
  const allowed = (m: string) =>
    expectedStatuses.some(
      (s) =>
        m ===
        `Failed to load resource: the server responded with a status of ${s} (${s === 401 ? 'Unauthorized' : s === 409 ? 'Conflict' : s === 422 ? 'Unprocessable Entity' : ''})`,
    );
  expect({ console: problems.console.filter((m) => !allowed(m)), pageErrors: problems.pageErrors, failed: problems.failed }).toEqual({
    console: [],
    pageErrors: [],
    failed: [],
  });
}

async function accessible(page: Page): Promise<void> {
  expect(await b.axe(page)).toEqual([]);
}

const adult = (a: Json) => a.places.find((p: Json) => p.kind === 'adult');

async function openRequest(body: Json = {}): Promise<string> {
  const res = await uor().post('/placement-requests', {
    caseCode: `LIG-UI-${Math.floor(Math.random() * 1e6)}`,
    person: { gender: 'female', age: 30, children: [], pregnant: false, languages: ['it'], exploitation: ['labour'], needs: [] },
    protectionLevel: 'low',
    stage: 'second_reception',
    origin: { provinceCode: 'SP' },
    safety: { excludedProvinces: [], excludedRegions: [], conflictTags: [] },
    preferences: { crossRegion: false },
    urgency: 'within_24h',
    ...body,
  });
  expect(res.status).toBe(201);
  return res.body.id;
}

async function liguriaFree(): Promise<number> {
  const cap = (await national().get('/capacity?regionCode=07')).body;
  return cap.rows.filter((r: Json) => r.regionCode === '07').reduce((n: number, r: Json) => n + r.free, 0);
}

describe('pages', () => {
  it('serves the shell with a strict CSP and hashed, pre-compressed assets', async () => {
    const res = await b.t.http().get('/');
    expect(res.status).toBe(200);
    expect(res.headers['content-security-policy']).toMatch(/script-src 'self';/);
    expect(res.headers['content-security-policy']).not.toMatch(/unsafe-inline/);
    expect(res.text).toMatch(/<html lang="it">/);
    const js = /src="(\/assets\/app-[A-Z0-9]+\.js)"/.exec(res.text)![1];
    const asset = await b.t.http().get(js).set('accept-encoding', 'br');
    expect({ status: asset.status, encoding: asset.headers['content-encoding'], cache: asset.headers['cache-control'] }).toEqual({
      status: 200,
      encoding: 'br',
      cache: 'public, max-age=31536000, immutable',
    });
    expect(res.text).not.toMatch(/<script>|<style|style="/);
  });

  it('manager: from an e-mail link, changes a bed, confirms, accepts and admits; the API and the national map agree', async () => {
    // an arrival and three discharges wait out their few seconds of undo each
    const requestId = await openRequest();
    const proposal = await uor().post(`/placement-requests/${requestId}/proposals`, { facilityId: GOLFO() });
    expect(proposal.status).toBe(201);
    const toDecline = await uor().post(
      `/placement-requests/${await openRequest({ person: { gender: 'female', age: 30, children: [{ age: 4, sex: 'male' }], pregnant: false, languages: ['it'], exploitation: ['labour'], needs: [], legalStatus: 'art18_permit' } })}/proposals`,
      { facilityId: LEVANTE() },
    );
    expect(toDecline.status).toBe(201);
    const before = (await manager().get(`/facilities/${LEVANTE()}/availability`)).body;
    const freeBefore = await liguriaFree();

    const { page, problems } = await b.page(PHONE);
    // the link of the "new proposal" e-mail: signs in first, then lands on the proposal
    await b.signIn(page, 'manager-liguria', `/#/proposals/${proposal.body.id}`);
    await page.waitForSelector(`[data-proposal="${proposal.body.id}"][data-status="pending"]`);
    await accessible(page);
    await page.goto(`${b.base}/#/beds`);
    const card = page.locator(`[data-facility="${LEVANTE()}"]`);
    await card.locator('[data-kind="adult"] [data-field="occupied"] [data-act="dec"]').click();
    await card.locator('[data-act="save"]').click();
    await card.locator('.notice-ok', { hasText: 'Salvato.' }).waitFor();
    // the words in view on the phone, not below the card's buttons past the screen's edge
    expect(await wholeInView(card.locator('.notice-ok', { hasText: 'Salvato.' }))).toBe(true);
    const after = (await manager().get(`/facilities/${LEVANTE()}/availability`)).body;
    expect({ occupied: adult(after).occupied, version: after.version }).toEqual({
      occupied: adult(before).occupied - 1,
      version: before.version + 1,
    });
    expect(await liguriaFree()).toBe(freeBefore + 1);

    // "still true": confirmedAt moves on
    await card.locator('[data-act="still-valid"]').click();
    // the question in view, her thumb on "yes"
    expect(await wholeInView(card.locator('[data-act="confirm-yes"]'))).toBe(true);
    expect(await page.evaluate('document.activeElement?.dataset.act')).toBe('confirm-yes');
    await card.locator('[data-act="confirm-yes"]').click();
    await card.locator('.notice-ok', { hasText: 'Confermato:' }).waitFor();
    const confirmed = (await manager().get(`/facilities/${LEVANTE()}/availability`)).body;
    expect(new Date(confirmed.confirmedAt).getTime()).toBeGreaterThan(new Date(after.confirmedAt).getTime());

    // the proposals inbox: accept, then record the arrival
    const item = page.locator(`[data-proposal="${proposal.body.id}"]`);
    await item.locator('[data-act="accept"]').click();
    await page.locator(`[data-proposal="${proposal.body.id}"][data-status="accepted"]`).waitFor();
    expect((await manager().get(`/proposals/${proposal.body.id}`)).body.status).toBe('accepted');
    await accessible(page);
    await b.shot(page, 'beds-phone');
    // the arrival is confirmed in the page, with its day and time, then sent once the undo time is over
    await page.locator(`[data-proposal="${proposal.body.id}"] [data-act="admit"]`).click();
    await page.locator(`[data-proposal="${proposal.body.id}"] [data-act="admit-confirm"]`).click();
    await page.locator(`[data-proposal="${proposal.body.id}"][data-status="admitted"]`).waitFor();
    const admitted = (await manager().get(`/proposals/${proposal.body.id}`)).body;
    expect(admitted).toMatchObject({ status: 'admitted', placementId: expect.any(String) });

    // decline with one of the contract's reasons and a staff-to-staff note: the hold is freed
    const declined = page.locator(`[data-proposal="${toDecline.body.id}"]`);
    // the case as the facility sees it: the child with his sex, the legal status
    expect(await declined.locator('dl.case').textContent()).toMatch(/4 anni, bambino.*Permesso art\. 18/);
    await declined.locator('[data-act="decline"]').click();
    expect(await declined.locator('select[name="reason"] option').evaluateAll((os) => os.map((o) => o.getAttribute('value')))).toEqual([
      '',
      'no_longer_free',
      'profile_not_suitable',
      'safety_risk',
      'group_composition',
      'staff_capacity',
      'other',
    ]);
    await declined.locator('select[name="reason"]').selectOption('group_composition');
    expect(await declined.locator('textarea[name="note"]').getAttribute('maxlength')).toBe('300');
    await declined.locator('textarea[name="note"]').fill('  in casa ora due ragazze della stessa rete  ');
    await accessible(page);
    await declined.locator('[data-act="decline-confirm"]').click();
    await page.locator('#inbox-msg', { hasText: 'Proposta rifiutata' }).waitFor();
    expect((await manager().get(`/proposals/${toDecline.body.id}`)).body).toMatchObject({
      status: 'declined',
      declineReason: 'group_composition',
      declineNote: 'in casa ora due ragazze della stessa rete',
    });

    // intake pause with a note
    const golfo = page.locator(`[data-facility="${GOLFO()}"]`);
    await golfo.locator('[data-act="pause"]').click();
    await golfo.locator('textarea[name="note"]').fill('lavori in casa');
    await golfo.locator('[data-act="pause-confirm"]').click();
    await golfo.getByText('Ingressi sospesi', { exact: false }).first().waitFor();
    expect((await manager().get(`/facilities/${GOLFO()}/availability`)).body).toMatchObject({
      acceptingNewGuests: false,
      intakeNote: 'lavori in casa',
    });
    await golfo.locator('[data-act="resume"]').click();
    await golfo.getByText('Ingressi riaperti').waitFor();
    expect((await manager().get(`/facilities/${GOLFO()}/availability`)).body.acceptingNewGuests).toBe(true);

    // discharge: a date before the admission is refused in words, nothing is written; then the guest leaves with a new reason
    const leaving = page.locator(`[data-proposal="${proposal.body.id}"]`);
    await leaving.locator('[data-act="discharge"]').click();
    await leaving.locator('select[name="reason"]').selectOption('safety_relocation');
    await leaving.locator('input[name="date"]').fill('2020-01-15');
    await leaving.locator('[data-act="discharge-confirm"]').click();
    await leaving.locator('.notice-error', { hasText: "non può essere prima dell'ingresso" }).waitFor();
    // the day in the message in words, as Italians write it ("7 dicembre 2026"), never 2026-12-07
    expect(await leaving.locator('.notice-error').textContent()).toMatch(/\(\d{1,2} [a-z]+ \d{4}\)/);
    expect((await manager().get(`/placements/${admitted.placementId}`)).body.status).toBe('active');
    const tomorrow = new Date(Date.now() + 2 * 86_400_000).toISOString().slice(0, 10);
    await leaving.locator('input[name="date"]').fill(tomorrow);
    await leaving.locator('[data-act="discharge-confirm"]').click();
    await leaving.locator('.notice-error', { hasText: 'non può essere nel futuro' }).waitFor();
    await leaving.locator('input[name="date"]').fill(dayOf(new Date()));
    await leaving.locator('[data-act="discharge-confirm"]').click();
    await page.getByText('Dimissione registrata').waitFor();
    expect((await manager().get(`/placements/${admitted.placementId}`)).body).toMatchObject({
      status: 'discharged',
      dischargeReason: 'safety_relocation',
    });
    // the boards follow the inbox: the freed bed shows without reloading the page
    const golfoNow = (await manager().get(`/facilities/${GOLFO()}/availability`)).body;
    expect(await golfo.locator('[data-kind="adult"] [data-field="occupied"] output').textContent()).toBe(String(adult(golfoNow).occupied));

    await page.setViewportSize(DESKTOP);
    await b.shot(page, 'beds-desktop');
    clean(problems, [422]);
    await page.close();
  }, 150_000);

  it('manager: a version conflict reloads the numbers and says what changed; nothing of the stale save is written', async () => {
    const { page, problems } = await b.page(PHONE);
    await b.signIn(page, 'manager-liguria', '/#/beds');
    const card = page.locator(`[data-facility="${GOLFO()}"]`);
    await card.waitFor();
    // her own change, on the numbers she read (unsaved: the stream leaves a draft alone)
    await card.locator('[data-kind="adult"] [data-field="occupied"] [data-act="dec"]').click();
    // meanwhile a colleague saves from another device
    const now = (await manager().get(`/facilities/${GOLFO()}/availability`)).body;
    const total = adult(now).total;
    const other = await manager().put(`/facilities/${GOLFO()}/availability`, {
      version: now.version,
      places: [{ kind: 'adult', total: total + 1, occupied: adult(now).occupied, outOfService: adult(now).outOfService }],
    });
    expect(other.status).toBe(200);
    await card.locator('[data-act="save"]').click();
    await card.locator('.notice-error', { hasText: 'Nel frattempo' }).waitFor();
    await card.locator('.changes li', { hasText: `totale ${total} → ${total + 1}` }).waitFor();
    const after = (await manager().get(`/facilities/${GOLFO()}/availability`)).body;
    expect({ version: after.version, total: adult(after).total, occupied: adult(after).occupied }).toEqual({
      version: other.body.version,
      total: total + 1,
      occupied: adult(now).occupied,
    });
    // the page now shows the current numbers, and a save from here goes through
    expect(await card.locator('[data-kind="adult"] [data-field="occupied"] output').textContent()).toBe(String(adult(now).occupied));
    expect(await card.locator('[data-free="adult"]').textContent()).toBe(`Liberi ${adult(after).free}`);
    await accessible(page);
    clean(problems, [409]);
    await page.close();
  });

  it('UOR: request → candidates → propose to two → one accepts → the other is withdrawn; the secret address appears', async () => {
    const { page, problems } = await b.page(PHONE);
    await b.signIn(page, 'uor-liguria');
    await page.waitForSelector('h1:text("Richieste di inserimento")');
    await page.click('a:text("Nuova richiesta")');
    await page.waitForSelector('form.request-form');
    await accessible(page);
    const caseCode = `LIG-UI-${Date.now()}`;
    await page.fill('input[name="caseCode"]', caseCode);
    await page.fill('input[name="age"]', '24');
    for (const language of ['Inglese', 'Pidgin nigeriano']) {
      await page.fill('[data-entry="languages"]', language);
      await page.press('[data-entry="languages"]', 'Enter');
    }
    await page.check('input[name="exploitation"][value="sexual"]');
    await page.selectOption('select[name="origin"]', 'SV');
    // where she was exploited is not known: an answer of its own
    await page.check('input[name="exploitationKnown"][value="unknown"]');
    await page.fill('[data-entry="conflictTags"]', 'net-ui');
    await page.press('[data-entry="conflictTags"]', 'Enter');
    // the merged contract's fields: children with their sex, legal status, nationality, services, LGBT+-safe, referral channel
    await page.fill('input[name="children"]', '3 f, 10 M');
    await page.selectOption('select[name="legalStatus"]', 'art18_permit');
    await page.selectOption('select[name="nationality"]', { label: 'Nigeria' });
    await page.check('input[name="services"][value="legal"]');
    await page.check('input[name="services"][value="cultural_mediation"]');
    await page.check('input[name="lgbtSafe"]');
    await page.selectOption('select[name="referralChannel"]', 'street_unit');
    // what must be filled is marked before she submits
    expect(await page.locator('.required-legend').textContent()).toBe('I campi segnati con * sono obbligatori.');
    const mark = (name: string) =>
      page.evaluate(
        `getComputedStyle(document.querySelector('[name="${name}"]').closest('.field').querySelector('label'), '::after').content`,
      );
    expect(await mark('caseCode')).toBe('" *"');
    expect(await mark('note')).toBe('none');
    expect(await page.evaluate(`getComputedStyle(document.querySelector('fieldset[data-area] > legend'), '::after').content`)).toBe('" *"');
    await accessible(page);
    await b.shot(page, 'request-form-phone');
    await page.click('button[type="submit"]');
    await page.waitForSelector('h1:text-matches("^Richiesta ")').catch(async (e) => {
      throw new Error(`${e.message}: ${await page.locator('main').textContent()}`);
    });
    const requestId = /#\/requests\/([0-9a-f-]{36})/.exec(page.url())![1];
    const stored = (await uor().get(`/placement-requests/${requestId}`)).body;
    expect(stored).toMatchObject({
      caseCode,
      person: { age: 24, languages: ['en', 'pcm'], exploitation: ['sexual'] },
      origin: { provinceCode: 'SV' },
      safety: { conflictTags: ['net-ui'], exploitationProvinces: [] },
    });
    expect({ person: stored.person, preferences: stored.preferences, referralChannel: stored.referralChannel }).toMatchObject({
      person: {
        children: [
          { age: 3, sex: 'female' },
          { age: 10, sex: 'male' },
        ],
        legalStatus: 'art18_permit',
        nationality: 'NG',
      },
      preferences: { services: ['legal', 'cultural_mediation'], lgbtSafe: true },
      referralChannel: 'street_unit',
    });
    expect(stored.person.wheelchair ?? false).toBe(false);

    // candidates with their breakdown and the "why not" summary
    await page.locator('.candidate').first().waitFor();
    const api = (await uor().get(`/placement-requests/${requestId}/candidates?limit=20`)).body;
    expect(await page.locator('.candidate').count()).toBe(api.candidates.length);
    expect(await page.locator('.excluded li[data-reason]').count()).toBe(api.excluded.length);
    const second = api.candidates.find((c: Json) => c.facilityId !== LEVANTE()).facilityId;
    const proposeBtn = page.locator('[data-act="propose"]');
    expect(await proposeBtn.textContent()).toBe('Proponi alle strutture selezionate');
    await page.check(`.candidate[data-facility="${LEVANTE()}"] input[type="checkbox"]`);
    // a box ticked at the top of a long list: the button is at the screen's bottom edge, saying how many
    expect(await proposeBtn.textContent()).toBe('Proponi a 1 struttura');
    expect(await wholeInView(proposeBtn)).toBe(true);
    await page.check(`.candidate[data-facility="${second}"] input[type="checkbox"]`);
    expect(await proposeBtn.textContent()).toBe('Proponi a 2 strutture');
    await accessible(page);
    await b.shot(page, 'request-propose-bar-phone');
    await page.click('[data-act="propose"]');
    await page.getByText('Proposte inviate: 2').waitFor();
    const proposed = (await uor().get(`/placement-requests/${requestId}`)).body.proposals;
    expect(proposed.map((p: Json) => [p.facilityId, p.status]).sort()).toEqual(
      [
        [LEVANTE(), 'pending'],
        [second, 'pending'],
      ].sort(),
    );
    await page.locator('.proposal .hold').first().waitFor();
    await b.shot(page, 'request-phone');

    // the casa di fuga accepts (from its own page, here through the API): the page follows by itself
    const levante = proposed.find((p: Json) => p.facilityId === LEVANTE());
    expect((await manager().post(`/proposals/${levante.id}/accept`)).status).toBe(200);
    await page.locator(`.proposal[data-facility="${LEVANTE()}"][data-status="accepted"]`).waitFor({ timeout: 20_000 });
    await page.locator(`.proposal[data-facility="${second}"][data-status="withdrawn"]`).waitFor();
    await page.locator('.secret .address').waitFor();
    expect(await page.locator('.candidate').count()).toBe(0);
    const final = (await uor().get(`/placement-requests/${requestId}`)).body.proposals;
    expect(Object.fromEntries(final.map((p: Json) => [p.facilityId, p.status]))).toEqual({
      [LEVANTE()]: 'accepted',
      [second]: 'withdrawn',
    });
    const levanteFull = (await uor().get(`/facilities/${LEVANTE()}`)).body;
    expect(await page.locator('.secret .address').textContent()).toBe(levanteFull.address);
    // the facility's facts: the 24 h on-call number as a tel: link, services, step-free access, LGBT+-safe
    expect(levanteFull.onCallPhone).toMatch(/^\+39/);
    const facts = page.locator(`[data-facts="${LEVANTE()}"]`);
    expect(await facts.locator('a[data-oncall]').getAttribute('href')).toBe(`tel:${levanteFull.onCallPhone}`);
    expect(await facts.locator('[data-wheelchair]').textContent()).toBe(levanteFull.wheelchairAccessible ? 'Sì' : 'No');
    expect(await facts.locator('[data-lgbt]').textContent()).toBe(levanteFull.lgbtSafe ? 'Sì' : 'No');
    await accessible(page);
    await page.setViewportSize(DESKTOP);
    await b.shot(page, 'request-desktop');

    // withdraw from the page: the hold is freed
    // asked in the page first: one tap withdraws nothing
    await page.locator(`.proposal[data-facility="${LEVANTE()}"] [data-act="withdraw"]`).click();
    const ask = page.locator(`.proposal[data-facility="${LEVANTE()}"] .withdraw .ask`);
    expect(await ask.locator('p').textContent()).toMatch(/^Ritirare la proposta/);
    expect((await uor().get(`/proposals/${levante.id}`)).body.status).not.toBe('withdrawn');
    await accessible(page);
    await ask.locator('[data-act="withdraw-confirm"]').click();
    await page.locator(`.proposal[data-facility="${LEVANTE()}"][data-status="withdrawn"]`).waitFor();
    expect((await uor().get(`/proposals/${levante.id}`)).body.status).toBe('withdrawn');
    clean(problems);
    await page.close();
  });

  it('UOR: from a placement, a transfer to the next stage opens a new request with the profile carried over', async () => {
    const requestId = await openRequest({
      person: {
        gender: 'female',
        age: 31,
        children: [],
        pregnant: false,
        languages: ['ro', 'en'],
        exploitation: ['labour'],
        needs: [],
        legalStatus: 'eu_citizen',
        nationality: 'RO',
      },
      preferences: { crossRegion: false, services: ['job_placement'], lgbtSafe: true },
      referralChannel: 'labour_union',
    });
    const p = await uor().post(`/placement-requests/${requestId}/proposals`, { facilityId: GOLFO() });
    expect(p.status).toBe(201);
    expect((await manager().post(`/proposals/${p.body.id}/accept`)).status).toBe(200);
    const placementId = (await manager().post(`/proposals/${p.body.id}/admit`)).body.placementId;
    const { page, problems } = await b.page(PHONE);
    await b.signIn(page, 'uor-liguria', `/#/requests/${requestId}`);
    await page.click('[data-act="transfer"]');
    await page.waitForSelector('h1:text("Trasferisci alla fase successiva")');
    expect(await page.inputValue('input[name="age"]')).toBe('31');
    expect(await page.locator('.chip').allTextContents()).toEqual(['Rumeno×', 'Inglese×']);
    expect(await page.inputValue('select[name="stage"]')).toBe('second_reception');
    expect(await page.isChecked('input[name="wheelchair"]')).toBe(false);
    expect(await page.inputValue('select[name="legalStatus"]')).toBe('eu_citizen');
    expect(await page.inputValue('select[name="nationality"]')).toBe('RO');
    expect(await page.isChecked('input[name="services"][value="job_placement"]')).toBe(true);
    expect(await page.isChecked('input[name="lgbtSafe"]')).toBe(true);
    expect(await page.inputValue('select[name="referralChannel"]')).toBe('labour_union');
    await accessible(page);
    // the next stage's house may differ in what the person needs: a boy who joins her, a wheelchair since
    await page.fill('input[name="children"]', '5 m, 2');
    await page.check('input[name="wheelchair"]');
    await page.fill('input[name="caseCode"]', `${(await uor().get(`/placement-requests/${requestId}`)).body.caseCode}-T`);
    await page.click('button[type="submit"]');
    await page.waitForSelector('h1:text-matches("^Richiesta ")');
    const next = /#\/requests\/([0-9a-f-]{36})/.exec(page.url())![1];
    expect((await uor().get(`/placement-requests/${next}`)).body).toMatchObject({
      previousPlacementId: placementId,
      stage: 'second_reception',
      person: {
        age: 31,
        languages: ['ro', 'en'],
        exploitation: ['labour'],
        children: [{ age: 5, sex: 'male' }, { age: 2 }],
        wheelchair: true,
        legalStatus: 'eu_citizen',
        nationality: 'RO',
      },
      preferences: { services: ['job_placement'], lgbtSafe: true },
      referralChannel: 'labour_union',
    });
    clean(problems);
    await page.close();
  });

  it('reports: the six reports as tables match the API, small and hidden cells shown as such, the region filter, a CSV download through the page', async () => {
    // a fact of today's flow of its own, so that the page has rows even when this test runs alone
    await openRequest();
    const { page, problems } = await b.page(DESKTOP);
    await b.signIn(page, 'national-helpline', '/#/reports');
    await page.waitForSelector('section.report-card[data-report="movements"]');
    const from = await page.inputValue('input[name="from"]');
    const to = await page.inputValue('input[name="to"]');
    const ofReports = async (regionCode?: string) => {
      const answers: Record<string, Json> = {};
      for (const name of ['people', 'occupancy', 'flow', 'declines', 'unmet', 'movements'])
        answers[name] = (
          await national().get(`/reports/${name}?from=${from}&to=${to}${regionCode ? `&regionCode=${regionCode}` : ''}`)
        ).body;
      return answers;
    };
    const cellsLike = (a: Json, value: unknown) =>
      [...a.rows, a.totals].flatMap((r: Json) => Object.keys(a.totals).map((m) => r[m])).filter((v) => v === value).length;
    const matches = async (answers: Record<string, Json>) => {
      for (const [name, a] of Object.entries(answers)) {
        const table = page.locator(`table[data-report="${name}"]`);
        expect({ name, rows: a.rows.length ? await table.locator('tbody tr').count() : 0 }).toEqual({ name, rows: a.rows.length });
        if (!a.rows.length) continue;
        // "<3" and null (hidden to protect another cell) are rendered as such, never as numbers
        expect({
          name,
          small: await table.locator('td.small-cell').count(),
          hidden: await table.locator('td.hidden-cell').count(),
        }).toEqual({ name, small: cellsLike(a, '<3'), hidden: cellsLike(a, null) });
      }
    };
    const all = await ofReports();
    expect(all.flow.rows.length).toBeGreaterThan(0);
    expect(all.occupancy.rows.length).toBeGreaterThan(0);
    await matches(all);
    // occupancy: each row's utilisation as a bar (a <meter>) beside its number
    const firstUse = all.occupancy.rows[0].utilisation;
    if (typeof firstUse === 'number')
      expect(
        Number(
          await page
            .locator('table[data-report="occupancy"] tbody tr')
            .first()
            .locator('[data-col="utilisation"] meter')
            .getAttribute('value'),
        ),
      ).toBe(firstUse);
    expect(await page.locator('table[data-report="flow"] tfoot [data-col="requests"]').textContent()).toContain(
      String(all.flow.totals.requests),
    );
    await accessible(page);

    // the region filter: Liguria only
    await page.selectOption('select[name="regionCode"]', '07');
    await page.click('[data-act="apply"]');
    await page.locator('table[data-report="occupancy"] caption').waitFor({ state: 'attached' });
    await page.waitForFunction(() => {
      const cells = (globalThis as any).document.querySelectorAll('table[data-report="occupancy"] tbody th[data-col="regionCode"]');
      return cells.length > 0 && [...cells].every((th: any) => th.textContent === 'Liguria');
    });
    await page.waitForSelector('section.report-card[data-report="movements"]');
    await matches(await ofReports('07'));

    // one click: the CSV the API gives, downloaded with the person's token
    const [file] = await Promise.all([page.waitForEvent('download'), page.click('section[data-report="flow"] [data-act="csv"]')]);
    expect(file.suggestedFilename()).toBe(`approdo-flow-${from}-${to}-07.csv`);
    const csv = (await national().get(`/reports/flow?from=${from}&to=${to}&regionCode=07&format=csv`)).text;
    const bom = (x: string) => x.replace(/^\uFEFF/, '');
    expect(bom(readFileSync((await file.path())!, 'utf8'))).toBe(bom(csv));
    expect(bom(csv).split('\r\n')[0]).toMatch(/^regionCode,urgency,requests,/);
    clean(problems);
    await page.close();

    // the UOR: its own region only, the same tables as its API answers
    const phone = await b.page(PHONE);
    await b.signIn(phone.page, 'uor-liguria', '/#/reports');
    await phone.page.waitForSelector('section.report-card[data-report="movements"]');
    expect(
      await phone.page.locator('select[name="regionCode"] option').evaluateAll((os) => os.map((o) => o.getAttribute('value'))),
    ).toEqual(['07']);
    const uorFlow = (await uor().get(`/reports/flow?from=${from}&to=${to}&regionCode=07`)).body;
    expect(await phone.page.locator('table[data-report="flow"] tbody tr').count()).toBe(uorFlow.rows.length);
    await accessible(phone.page);
    clean(phone.problems);
    await phone.page.close();
  });

  it('national: the map by region and its table match the API, filters too; the profile search matches the API', async () => {
    const { page, problems } = await b.page(DESKTOP);
    await b.signIn(page, 'national-helpline');
    await page.waitForSelector('svg.italy path[data-region="07"]');
    expect(await page.locator('svg.italy path.region').count()).toBe(20);
    const cap = (await national().get('/capacity')).body;
    const free = (code: string, rows: Json[]) => rows.filter((r) => r.regionCode === code).reduce((n, r) => n + r.free, 0);
    for (const code of ['07', '09', '03'])
      expect(await page.locator(`tr[data-region="${code}"] [data-col="free"]`).textContent()).toBe(String(free(code, cap.rows)));
    // the colour rule: grey where nothing is known free and the data is stale or unknown, never "free"
    const expectedShade = (code: string, rows: Json[]) => {
      const r = rows.filter((x) => x.regionCode === code);
      const facilities = r.reduce((n, x) => n + x.facilities, 0);
      const f = r.reduce((n, x) => n + x.free, 0);
      const notFresh = r.reduce((n, x) => n + x.staleFacilities + x.unknownFacilities, 0);
      return facilities === 0
        ? 'lvl-none'
        : f === 0 && notFresh > 0
          ? 'lvl-grey'
          : f === 0
            ? 'lvl-0'
            : f <= 2
              ? 'lvl-1'
              : f <= 5
                ? 'lvl-2'
                : 'lvl-3';
    };
    const shades = async () =>
      Object.fromEntries(
        await page
          .locator('svg.italy path.region')
          .evaluateAll((ps) => ps.map((p) => [p.getAttribute('data-region'), p.getAttribute('class')])),
      );
    const codes = Object.keys(await shades());
    expect(await shades()).toEqual(Object.fromEntries(codes.map((c) => [c, `region ${expectedShade(c, cap.rows)}`])));
    await accessible(page);
    await b.shot(page, 'map-desktop');
    await page.selectOption('select[name="kind"]', 'mother_child');
    const mc = (await national().get('/capacity?kind=mother_child')).body;
    const filtered = page.locator('table.capacity[data-filter="mother_child|"]');
    await filtered.waitFor();
    expect(await filtered.locator('tr[data-region="09"] [data-col="free"]').textContent()).toBe(String(free('09', mc.rows)));
    expect(await filtered.locator('tr[data-region="07"] [data-col="free"]').textContent()).toBe(String(free('07', mc.rows)));
    expect(await shades()).toEqual(Object.fromEntries(codes.map((c) => [c, `region ${expectedShade(c, mc.rows)}`])));
    expect(Object.values(await shades())).toContain('region lvl-grey');
    await page.setViewportSize(PHONE);
    await b.shot(page, 'map-phone');

    await b.nav(page, 'Ricerca per profilo');
    await page.waitForSelector('h1:text("Dove potrebbe andare?")');
    await page.fill('input[name="age"]', '24');
    await page.fill('[data-entry="languages"]', 'Inglese');
    await page.press('[data-entry="languages"]', 'Enter');
    await page.check('input[name="exploitation"][value="sexual"]');
    await page.selectOption('select[name="origin"]', 'SV');
    await page.check('input[name="exploitationKnown"][value="unknown"]');
    await page.click('button[type="submit"]');
    await page.waitForSelector('#results-title');
    const search = (
      await national().post('/capacity/search', {
        person: { gender: 'female', age: 24, children: [], pregnant: false, languages: ['en'], exploitation: ['sexual'], needs: [] },
        protectionLevel: 'high',
        stage: 'first_reception',
        origin: { provinceCode: 'SV' },
        safety: { excludedProvinces: [], excludedRegions: [], conflictTags: [] },
        preferences: { crossRegion: true },
        limit: 20,
      })
    ).body;
    expect(await page.locator('.candidate').count()).toBe(search.candidates.length);
    expect(await page.locator('.candidate').first().getAttribute('data-facility')).toBe(search.candidates[0].facilityId);
    await accessible(page);
    await b.shot(page, 'search-phone');
    clean(problems);
    await page.close();
  });
});

/** Whether an element is wholly inside the viewport. */
async function wholeInView(l: Locator): Promise<boolean> {
  const box = await l.boundingBox();
  const height = l.page().viewportSize()!.height;
  // a pixel's slack: scrolled to the edge, a box may end a fraction past it
  return box !== null && box.y >= -1 && box.y + box.height <= height + 1;
}
