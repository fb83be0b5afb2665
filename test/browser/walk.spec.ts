/**
 * The walk through the night shift (issue 23): the pages as each person uses them, on a phone and
 * on a desktop, with wrong input, a reload in the middle of a form, a decision to read back. Every
 * flow ends by asking the API what it now holds; every page state reached passes axe (no serious or
 * critical violation), shows no untranslated key or raw code, and logs no console error.
 */
import { readFileSync } from 'node:fs';
import type { Page } from 'playwright-core';
import { CRITERIA } from '../../src/cores/matching/scoring.js';
import {
  EXCLUSION_REASONS,
  EXPLOITATION_TYPES,
  FACILITY_TYPES,
  GENDERS,
  LEGAL_STATUSES,
  PLACE_KINDS,
  SERVICES,
  STAGES,
  SUPPORTS,
} from '../../src/domain/types.js';
import { DISCHARGE_REASONS } from '../../src/lifecycle/placements/placement.entity.js';
import { DECLINE_REASONS, PROPOSAL_STATUSES } from '../../src/lifecycle/proposals/proposal.entity.js';
import { REFERRAL_CHANNELS, REQUEST_STATUSES, URGENCIES } from '../../src/lifecycle/requests/placement-request.entity.js';
import { band } from '../../src/reports/report-definitions.js';
import { ageBand } from '../../src/reports/report-facts.js';
import { Browser, DESKTOP, PHONE, type Problems } from './harness.js';

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
const LEVANTE = () => b.ids.get('ge-casa-levante')!;
const GOLFO = () => b.ids.get('sp-semi-autonomia-golfo')!;
const adult = (a: Json) => a.places.find((p: Json) => p.kind === 'adult');

function clean(problems: Problems): void {
  expect({ console: problems.console, pageErrors: problems.pageErrors, failed: problems.failed }).toEqual({
    console: [],
    pageErrors: [],
    failed: [],
  });
}

// the API's one-word codes ("sexual", "adult", "pending"), unless Italian uses the same word ("transgender")
const ITALIAN_WORDS = new Set(
  Object.values(JSON.parse(readFileSync('web/messages/it.json', 'utf8')) as Record<string, string>).flatMap((v) =>
    v.toLowerCase().split(/[^\p{L}]+/u),
  ),
);
const CODES = [
  ...EXPLOITATION_TYPES,
  ...SERVICES,
  ...SUPPORTS,
  ...LEGAL_STATUSES,
  ...GENDERS,
  ...FACILITY_TYPES,
  ...PLACE_KINDS,
  ...CRITERIA,
  ...DECLINE_REASONS,
  ...DISCHARGE_REASONS,
  ...REQUEST_STATUSES,
  ...PROPOSAL_STATUSES,
  ...REFERRAL_CHANNELS,
  ...URGENCIES,
  'high',
  'medium',
  'low',
].filter((c) => /^[a-z]+$/.test(c) && !ITALIAN_WORDS.has(c));

/** Raw codes, message keys, unfilled placeholders and the API's English words in what the page shows. */
async function rawWords(page: Page): Promise<string[]> {
  const text = (await page.locator('main').innerText()).replace(/\S+@\S+/g, '');
  const found = [
    ...text.matchAll(new RegExp(`\\b(?:${CODES.join('|')})\\b`, 'g')),
    ...text.matchAll(/\b[a-z]+(?:_[a-z0-9]+)+\b|\b\d+_\d+\b/g),
    ...text.matchAll(/\{[a-zA-Z]+\}/g),
    ...text.matchAll(/\b[a-z]+\.[a-z][a-zA-Z]+(?:\.[a-zA-Z]+)*\b/g),
    ...text.matchAll(/\b(?:services|not requested|call first|italian only|no shared language|stale|pending|accepted|declined)\b/g),
  ].map((m) => m[0]);
  return [...new Set(found)];
}

/** One page state: axe finds nothing serious or critical, and nothing untranslated shows. */
async function walk(page: Page, state: string): Promise<void> {
  expect({ state, axe: await b.axe(page) }).toEqual({ state, axe: [] });
  expect({ state, raw: await rawWords(page) }).toEqual({ state, raw: [] });
}

async function openRequest(body: Json = {}): Promise<Json> {
  const res = await uor().post('/placement-requests', {
    caseCode: `LIG-W-${Math.floor(Math.random() * 1e6)}`,
    person: {
      gender: 'female',
      age: 27,
      children: [{ age: 3, sex: 'female' }],
      pregnant: false,
      languages: ['en', 'pcm'],
      exploitation: ['sexual'],
      needs: [],
    },
    protectionLevel: 'low',
    stage: 'second_reception',
    origin: { provinceCode: 'SP' },
    safety: { excludedProvinces: [], excludedRegions: [], conflictTags: [] },
    preferences: { crossRegion: false },
    urgency: 'within_24h',
    ...body,
  });
  expect(res.status).toBe(201);
  return res.body;
}

/** Room for one more guest in a house (a colleague adds a bed), so that a flow does not depend on the others. */
async function makeRoom(facilityId: string, free = 2): Promise<void> {
  const now = (await manager().get(`/facilities/${facilityId}/availability`)).body;
  const a = adult(now);
  const res = await manager().put(`/facilities/${facilityId}/availability`, {
    version: now.version,
    places: [{ kind: 'adult', total: a.occupied + a.outOfService + a.held + free, occupied: a.occupied, outOfService: a.outOfService }],
  });
  expect(res.status).toBe(200);
}

describe('the words of the pages', () => {
  const it_ = JSON.parse(readFileSync('web/messages/it.json', 'utf8')) as Record<string, string>;
  const en = JSON.parse(readFileSync('web/messages/en.json', 'utf8')) as Record<string, string>;

  it('Italian and English have the same keys, none empty', () => {
    expect(Object.keys(en).sort()).toEqual(Object.keys(it_).sort());
    expect(Object.entries({ ...it_, ...en }).filter(([, v]) => !v.trim())).toEqual([]);
  });

  it('every code the API gives the pages has its words in both languages', () => {
    const codes: [string, readonly string[]][] = [
      ['exploitation', EXPLOITATION_TYPES],
      ['service', SERVICES],
      ['need', SUPPORTS],
      ['stage', STAGES],
      ['legal', LEGAL_STATUSES],
      ['gender', GENDERS],
      ['type', FACILITY_TYPES],
      ['kind', PLACE_KINDS],
      ['criterion', CRITERIA],
      ['reason', EXCLUSION_REASONS],
      ['decline', DECLINE_REASONS],
      ['discharge', DISCHARGE_REASONS],
      ['status', [...REQUEST_STATUSES, ...PROPOSAL_STATUSES]],
      ['referral', REFERRAL_CHANNELS],
      ['urgency', URGENCIES],
      ['ageBand', [...new Set(Array.from({ length: 111 }, (_, age) => ageBand(age)))]],
      ['band', [0, 0.9, 2].map((u) => band(u)!)],
    ];
    const missing = codes.flatMap(([prefix, list]) => list.map((c) => `${prefix}.${c}`)).filter((k) => !(k in it_) || !(k in en));
    expect(missing).toEqual([]);
  });
});

describe.each([
  ['phone', PHONE],
  ['desktop', DESKTOP],
])('UOR, new request on a %s', (width, viewport) => {
  it('an empty age is never sent; errors in words beside the fields; a reload keeps the draft; "Nigeria" ends as NG', async () => {
    const { page, problems } = await b.page(viewport);
    const sent: Json[] = [];
    page.on('request', (r) => {
      if (r.method() === 'POST' && r.url().endsWith('/api/v1/placement-requests')) sent.push(JSON.parse(r.postData() ?? '{}'));
    });
    await b.signIn(page, 'uor-liguria', '/#/desk/new');
    await page.waitForSelector('form.request-form');
    // a draft of an earlier run of this user would fill the form: start from nothing
    if (await page.locator('[data-act="discard-draft"]').count()) {
      await page.click('[data-act="discard-draft"]');
      await page.waitForSelector('form.request-form');
    }
    await walk(page, 'empty form');
    // the national helpline's habit: no origin is chosen for her
    expect(await page.inputValue('select[name="origin"]')).toBe('');

    // sent empty: nothing leaves the page, each required field says so, the first one has the focus
    await page.click('form.request-form button[type="submit"]');
    await page.locator('.form-summary h2').waitFor();
    expect(sent).toEqual([]);
    const invalid = await page.locator('[aria-invalid="true"]').evaluateAll((els) => els.map((e) => e.getAttribute('name')));
    expect(invalid).toEqual(['caseCode', 'age', 'origin', 'exploitationKnown']);
    expect(await page.evaluate('document.activeElement.name')).toBe('caseCode');
    const age = page.locator('input[name="age"]');
    const ageError = await age.getAttribute('aria-describedby');
    expect(await page.locator(`[id="${ageError!.split(' ')[0]}"]`).textContent()).toBe('Campo obbligatorio.');
    expect(await page.locator('.form-summary li').allTextContents()).toEqual([
      'Codice caso: Campo obbligatorio.',
      'Età: Campo obbligatorio.',
      'Dove si trova ora: Campo obbligatorio.',
      'Dove è stata sfruttata / dove opera la rete: Scegli le province dove è stata sfruttata, oppure «Non noto».',
    ]);
    await walk(page, 'errors shown');
    await b.shot(page, `request-form-errors-${width}`);

    // she fills everything but the age, picks the nationality and languages by name
    const caseCode = `LIG-WALK-${width}-${Date.now()}`;
    await page.fill('input[name="caseCode"]', caseCode);
    await page.selectOption('select[name="nationality"]', { label: 'Nigeria' });
    await page.fill('[data-entry="languages"]', 'inglese');
    await page.press('[data-entry="languages"]', 'Enter');
    await page.fill('[data-entry="languages"]', 'PIDGIN NIGERIANO');
    await page.click('[data-act="add-languages"]');
    await page.fill('[data-entry="languages"]', 'klingon');
    await page.press('[data-entry="languages"]', 'Enter');
    await page.locator('.field-error', { hasText: 'Lingua non trovata' }).waitFor();
    await page.fill('[data-entry="languages"]', '');
    expect(await page.locator('.chip').allTextContents()).toEqual(['Inglese×', 'Pidgin nigeriano×']);
    await page.fill('input[name="children"]', '3 f, 19 m');
    await page.check('input[name="exploitation"][value="sexual"]');
    await page.selectOption('select[name="origin"]', 'SV');
    await page.check('input[name="exploitationKnown"][value="unknown"]');
    await page.click('form.request-form button[type="submit"]');
    await page.locator('.form-summary h2').waitFor();
    expect(await page.locator('[aria-invalid="true"]').evaluateAll((els) => els.map((e) => e.getAttribute('name')))).toEqual([
      'age',
      'children',
    ]);
    expect(sent).toEqual([]);

    // the tab reloads (a crash, a sign-in again): what she typed is there
    await page.reload();
    await page.waitForSelector('form.request-form');
    await page.getByText('Bozza ripristinata').waitFor();
    expect(await page.inputValue('input[name="caseCode"]')).toBe(caseCode);
    expect(await page.inputValue('select[name="nationality"]')).toBe('NG');
    expect(await page.locator('.chip').allTextContents()).toEqual(['Inglese×', 'Pidgin nigeriano×']);
    expect(await page.inputValue('select[name="origin"]')).toBe('SV');
    expect(await page.isChecked('input[name="exploitationKnown"][value="unknown"]')).toBe(true);
    expect(await page.isChecked('input[name="exploitation"][value="sexual"]')).toBe(true);
    await walk(page, 'draft restored');

    // the API's own refusal comes back onto the field, in words: a phone number in the note (issue 28)
    await page.fill('input[name="age"]', '41');
    await page.fill('input[name="children"]', '3 f');
    await page.fill('[data-entry="conflictTags"]', 'Rete 7');
    await page.press('[data-entry="conflictTags"]', 'Enter');
    await page.fill('textarea[name="note"]', 'la sorella: +39 333 1234567');
    await page.click('form.request-form button[type="submit"]');
    await page.locator('textarea[name="note"][aria-invalid="true"]').waitFor();
    expect(await page.evaluate('document.activeElement.name')).toBe('note');
    expect(await page.inputValue('textarea[name="note"]')).toBe('la sorella: +39 333 1234567');
    expect(sent).toHaveLength(1);
    await walk(page, 'API refusal on the form');

    await page.fill('textarea[name="note"]', '');
    await page.fill('input[name="age"]', '23');
    await page.click('form.request-form button[type="submit"]');
    await page.waitForSelector('h1:text-matches("^Richiesta ")');
    const id = /#\/requests\/([0-9a-f-]{36})/.exec(page.url())![1];
    const stored = (await uor().get(`/placement-requests/${id}`)).body;
    expect(stored).toMatchObject({
      caseCode,
      person: { age: 23, nationality: 'NG', languages: ['en', 'pcm'], children: [{ age: 3, sex: 'female' }] },
      origin: { provinceCode: 'SV' },
      safety: { conflictTags: ['rete-7'] },
    });
    // only what she typed left the page: never an age of 0 from an empty field, "Nigeria" as NG
    expect(sent.map((s) => [s.person.age, s.person.nationality, s.person.languages])).toEqual([
      [41, 'NG', ['en', 'pcm']],
      [23, 'NG', ['en', 'pcm']],
    ]);
    // sent: the draft is gone
    await page.goto(`${b.base}/#/desk/new`);
    await page.waitForSelector('form.request-form');
    expect(await page.locator('[data-act="discard-draft"]').count()).toBe(0);
    expect(await page.inputValue('input[name="caseCode"]')).toBe('');
    clean({ ...problems, console: problems.console.filter((m) => !/status of 422/.test(m)) });
    await page.close();
  });
});

describe('the decision, read back by the office that proposed', () => {
  it('manager on a phone: inbox first, hold with its date, no reason chosen for her, the case in words; the UOR reads why and where things are', async () => {
    await makeRoom(LEVANTE());
    await makeRoom(GOLFO());
    const req = await openRequest();
    const toLevante = await uor().post(`/placement-requests/${req.id}/proposals`, { facilityId: LEVANTE() });
    // a woman alone for the semi-autonomy flat
    const alone = await openRequest({
      person: { gender: 'female', age: 29, children: [], pregnant: false, languages: ['en'], exploitation: ['labour'], needs: [] },
    });
    const toGolfo = await uor().post(`/placement-requests/${alone.id}/proposals`, { facilityId: GOLFO() });
    expect([toLevante.status, toGolfo.status]).toEqual([201, 201]);

    const { page, problems } = await b.page(PHONE);
    await b.signIn(page, 'manager-liguria', '/#/beds');
    const card = page.locator(`[data-proposal="${toLevante.body.id}"]`);
    await card.waitFor();
    // something waits for her: the inbox is above the counters
    const inboxTop = await page.locator('section.inbox').evaluate((e) => e.getBoundingClientRect().top);
    const boardsTop = await page.locator('.facilities').evaluate((e) => e.getBoundingClientRect().top);
    expect(inboxTop).toBeLessThan(boardsTop);
    expect(inboxTop).toBeLessThan(PHONE.height);
    // the hold with its day, not only a time that may be tomorrow's
    const hold = await card.locator('.hold').textContent();
    const day = new Date(toLevante.body.holdExpiresAt).toLocaleDateString('it-IT', { day: 'numeric', timeZone: 'Europe/Rome' });
    expect(hold).toMatch(new RegExp(`^Posto riservato fino a \\S+ ${day} \\S+,? \\d\\d:\\d\\d \\(mancano`));
    // the case: the child as people say it, the languages by name
    expect(await card.locator('[data-children]').textContent()).toBe('Figli: 3 anni, bambina');
    expect(await card.locator('[data-languages]').textContent()).toBe('Inglese, Pidgin nigeriano');
    // where the case comes from is not hers to know while she decides
    expect(await card.locator('[data-sender]').textContent()).toBe("Il contatto dell'unità operativa compare quando accetti.");
    await walk(page, 'manager inbox');
    await b.shot(page, 'beds-inbox-phone');

    // an unsaved change on the board survives a reload (an expired session, a crash), then is saved
    const levanteBoard = () => page.locator(`[data-facility="${LEVANTE()}"][aria-labelledby]`);
    const before = adult((await manager().get(`/facilities/${LEVANTE()}/availability`)).body);
    await levanteBoard().locator('[data-kind="adult"] [data-field="outOfService"] [data-act="inc"]').click();
    await page.reload();
    await levanteBoard().locator('.notice-info', { hasText: 'Numeri non ancora salvati' }).waitFor();
    expect(await levanteBoard().locator('[data-kind="adult"] [data-field="outOfService"] output').textContent()).toBe(
      String(before.outOfService + 1),
    );
    expect(adult((await manager().get(`/facilities/${LEVANTE()}/availability`)).body).outOfService).toBe(before.outOfService);
    await levanteBoard().locator('[data-act="save"]').click();
    await levanteBoard().locator('.notice-ok', { hasText: 'Salvato.' }).waitFor();
    expect(adult((await manager().get(`/facilities/${LEVANTE()}/availability`)).body).outOfService).toBe(before.outOfService + 1);
    await page.reload();
    await card.waitFor();
    expect(await levanteBoard().locator('.notice-info').count()).toBe(0);

    // decline: no reason is chosen for her; sent without one, it says so and nothing is written
    await card.locator('[data-act="decline"]').click();
    expect(await card.locator('select[name="reason"]').inputValue()).toBe('');
    await card.locator('[data-act="decline-confirm"]').click();
    await card.locator('select[name="reason"][aria-invalid="true"]').waitFor();
    expect(await page.evaluate('document.activeElement.name')).toBe('reason');
    expect((await manager().get(`/proposals/${toLevante.body.id}`)).body.status).toBe('pending');
    await walk(page, 'decline without a reason');
    await card.locator('select[name="reason"]').selectOption('group_composition');
    // a note that names a person (her e-mail) is refused beside the note, what she typed kept, nothing written
    const identifying = "scrivere all'assistente: mario.rossi@example.org";
    await card.locator('textarea[name="note"]').fill(identifying);
    await card.locator('[data-act="decline-confirm"]').click();
    await card.locator('textarea[name="note"][aria-invalid="true"]').waitFor();
    const noteError = (await card.locator('textarea[name="note"]').getAttribute('aria-describedby'))!.split(' ')[0];
    expect(await page.locator(`[id="${noteError}"]`).textContent()).toBe(
      'Non scrivere numeri di telefono, e-mail, codici fiscali, IBAN o numeri di documento: il caso è pseudonimo. Qui sembra esserci un indirizzo e-mail.',
    );
    expect(await card.locator('textarea[name="note"]').inputValue()).toBe(identifying);
    expect((await manager().get(`/proposals/${toLevante.body.id}`)).body.status).toBe('pending');
    await walk(page, 'decline note refused');
    await card.locator('textarea[name="note"]').fill('due ospiti della stessa rete');
    await card.locator('[data-act="decline-confirm"]').click();
    await page.locator('#inbox-msg', { hasText: 'Proposta rifiutata' }).waitFor();
    expect((await manager().get(`/proposals/${toLevante.body.id}`)).body).toMatchObject({
      status: 'declined',
      declineReason: 'group_composition',
      declineNote: 'due ospiti della stessa rete',
    });
    expect((await manager().post(`/proposals/${toGolfo.body.id}/accept`)).status).toBe(200);

    // the UOR: the reason and the note, and "accepted, waiting for arrival"
    const desk = await b.page(PHONE);
    await b.signIn(desk.page, 'uor-liguria', `/#/requests/${req.id}`);
    const declined = desk.page.locator(`.proposal[data-proposal="${toLevante.body.id}"]`);
    await declined.locator('.declined').waitFor();
    expect(await declined.locator('.declined p').allTextContents()).toEqual([
      'Motivo del rifiuto: Composizione del gruppo in casa',
      'Nota della struttura: due ospiti della stessa rete',
    ]);
    await walk(desk.page, 'request with a declined proposal');
    await b.shot(desk.page, 'request-declined-phone');
    await desk.page.goto(`${b.base}/#/requests/${alone.id}`);
    await desk.page.locator(`.proposal[data-proposal="${toGolfo.body.id}"]`).waitFor();
    expect(await desk.page.locator('[data-request-status]').textContent()).toBe('Accettata, in attesa di ingresso');
    expect(await desk.page.locator(`.proposal[data-proposal="${toGolfo.body.id}"] .badge`).textContent()).toBe(
      'Accettata, in attesa di ingresso',
    );
    await walk(desk.page, 'request accepted');
    // the list of requests says the same, not "proposed"
    await desk.page.goto(`${b.base}/#/desk`);
    await desk.page.locator(`[data-request="${alone.id}"] .badge`).first().waitFor();
    expect(await desk.page.locator(`[data-request="${alone.id}"] .badge`).first().textContent()).toBe('Accettata, in attesa di ingresso');
    clean(desk.problems);
    await desk.page.close();

    // the hold takes the last bed: "+" is greyed and says why
    await page.reload();
    const golfo = page.locator(`[data-facility="${GOLFO()}"]`);
    await golfo.waitFor();
    const now = (await manager().get(`/facilities/${GOLFO()}/availability`)).body;
    const a = adult(now);
    const full = await manager().put(`/facilities/${GOLFO()}/availability`, {
      version: now.version,
      places: [{ kind: 'adult', total: a.occupied + a.outOfService + a.held, occupied: a.occupied, outOfService: a.outOfService }],
    });
    expect(full.status).toBe(200);
    expect(adult(full.body).free).toBe(0);
    await page.reload();
    // accepted: the office that sent it, and its number at any hour, for the arrival
    const liguria = (await uor().get('/regions')).body.find((r: Json) => r.code === '07');
    expect(liguria.uorOnCallPhone).toMatch(/^\+39/);
    const acceptedCard = page.locator(`[data-proposal="${toGolfo.body.id}"]`);
    await acceptedCard.locator('a[data-uor-oncall]', { hasText: /^\+39 / }).waitFor();
    expect(await acceptedCard.locator('[data-sender]').textContent()).toMatch(/^Unità operativa Liguria · \+39 [\d ]+ Da chiamare/);
    expect(await acceptedCard.locator('a[data-uor-oncall]').getAttribute('href')).toBe(`tel:${liguria.uorOnCallPhone}`);
    const plus = page.locator(`[data-facility="${GOLFO()}"] [data-kind="adult"] [data-field="occupied"] [data-act="inc"]`);
    await plus.waitFor();
    expect(await plus.isDisabled()).toBe(true);
    const why = await plus.getAttribute('aria-describedby');
    // the words agree with the number: "1 riservato a una proposta", "2 riservati a proposte"
    const held = adult(full.body).held as number;
    expect(await page.locator(`[id="${why}"]`).textContent()).toBe(
      held === 1
        ? 'Nessun posto libero: 1 riservato a una proposta in attesa di risposta o di ingresso.'
        : `Nessun posto libero: ${held} riservati a proposte in attesa di risposta o di ingresso.`,
    );
    await walk(page, 'last bed held');
    // the one refusal provoked on purpose: the decline note with an e-mail address (422)
    clean({ ...problems, console: problems.console.filter((m) => !/status of 422/.test(m)) });
    await page.close();
  });
});

describe('a request from its own page', () => {
  it('UOR edits the constraints (a draft survives a reload) and cancels with a confirmation; the API holds both', async () => {
    const req = await openRequest();
    const { page, problems } = await b.page(PHONE);
    await b.signIn(page, 'uor-liguria', `/#/requests/${req.id}`);
    await page.click('[data-act="edit"]');
    await page.waitForSelector('form.edit-form');
    await page.selectOption('form.edit-form select[name="urgency"]', 'planned');
    // provinces and regions by name, never by code
    await page.fill('form.edit-form [data-entry="excludedProvinces"]', 'genova');
    await page.press('form.edit-form [data-entry="excludedProvinces"]', 'Enter');
    await page.fill('form.edit-form [data-entry="excludedRegions"]', 'Toscana');
    await page.press('form.edit-form [data-entry="excludedRegions"]', 'Enter');
    // she reloads in the middle: the edit opens again, as she left it
    await page.reload();
    await page.waitForSelector('form.edit-form');
    expect(await page.inputValue('form.edit-form select[name="urgency"]')).toBe('planned');
    expect(await page.locator('form.edit-form .chip').allTextContents()).toEqual(['Genova (GE)×', 'Toscana×']);
    await page.fill('form.edit-form [data-entry="excludedProvinces"]', 'Genva');
    await page.click('[data-act="save-edit"]');
    await page.locator('.field-error', { hasText: 'Provincia non trovata' }).waitFor();
    expect((await uor().get(`/placement-requests/${req.id}`)).body.urgency).toBe('within_24h');
    await walk(page, 'edit with an error');
    await page.fill('form.edit-form [data-entry="excludedProvinces"]', '');
    await page.click('[data-act="save-edit"]');
    await page.getByText('Richiesta modificata.').waitFor();
    expect((await uor().get(`/placement-requests/${req.id}`)).body).toMatchObject({
      urgency: 'planned',
      safety: { excludedProvinces: ['GE'], excludedRegions: ['09'], exploitationProvinces: [] },
    });

    await page.click('[data-act="cancel"]');
    await page.getByText('Annullare la richiesta?').waitFor();
    await walk(page, 'cancel asked');
    await page.click('[data-act="cancel-confirm"]');
    await page.getByText('Richiesta annullata.').waitFor();
    expect((await uor().get(`/placement-requests/${req.id}`)).body.status).toBe('cancelled');
    expect(await page.locator('[data-request-status]').textContent()).toBe('Annullata');
    expect(await page.locator('[data-act="edit"]').count()).toBe(0);
    clean(problems);
    await page.close();
  });
});

describe('transfers', () => {
  it('the current house is marked and not proposable; the old request reads "trasferita" and links the new one; one line per person in the list', async () => {
    await makeRoom(GOLFO(), 3);
    await makeRoom(LEVANTE(), 3);
    const first = await openRequest({
      person: { gender: 'female', age: 33, children: [], pregnant: false, languages: ['ro'], exploitation: ['labour'], needs: [] },
    });
    const p = await uor().post(`/placement-requests/${first.id}/proposals`, { facilityId: GOLFO() });
    expect((await manager().post(`/proposals/${p.body.id}/accept`)).status).toBe(200);
    const placementId = (await manager().post(`/proposals/${p.body.id}/admit`)).body.placementId;
    const next = await openRequest({
      caseCode: `${first.caseCode}-2`,
      previousPlacementId: placementId,
      person: { gender: 'female', age: 33, children: [], pregnant: false, languages: ['ro'], exploitation: ['labour'], needs: [] },
    });
    const candidates = (await uor().get(`/placement-requests/${next.id}/candidates?limit=20`)).body.candidates;

    const { page, problems } = await b.page(PHONE);
    await b.signIn(page, 'uor-liguria', `/#/requests/${next.id}`);
    await page.locator('.candidate').first().waitFor();
    if (candidates.some((c: Json) => c.facilityId === GOLFO())) {
      const current = page.locator(`.candidate[data-facility="${GOLFO()}"]`);
      expect(await current.getAttribute('data-current')).toBe('true');
      expect(await current.locator('input[type="checkbox"]').count()).toBe(0);
      expect(await current.locator('.badge-current').textContent()).toBe('Casa attuale');
    }
    await page.getByText('Trasferimento: la persona vive ora in').waitFor();
    await walk(page, 'transfer candidates');

    // admitted at the next house: the first request reads "trasferita", with a link to the next
    const q = await uor().post(`/placement-requests/${next.id}/proposals`, { facilityId: LEVANTE() });
    expect(q.status).toBe(201);
    expect((await manager().post(`/proposals/${q.body.id}/accept`)).status).toBe(200);
    expect((await manager().post(`/proposals/${q.body.id}/admit`)).status).toBe(200);
    expect((await uor().get(`/placements/${placementId}`)).body).toMatchObject({ status: 'discharged', dischargeReason: 'transferred' });
    await page.goto(`${b.base}/#/requests/${first.id}`);
    await page.locator('[data-request-status="transferred"]').waitFor();
    expect(await page.locator('[data-request-status]').textContent()).toBe('Trasferita');
    await page.click('[data-act="next-request"]');
    await page.waitForSelector(`h1:text("Richiesta ${first.caseCode}-2")`);
    // she has moved: the old house is where she came from, no longer where she lives
    await page.getByText('Trasferimento da Alloggio').waitFor();
    // the house's 24 h number as people read it (+39 …), a link that wraps on a phone
    const onCall = (await uor().get(`/facilities/${LEVANTE()}`)).body.onCallPhone as string;
    const tel = page.locator(`[data-facts="${LEVANTE()}"] a[data-oncall]`);
    expect(await tel.getAttribute('href')).toBe(`tel:${onCall}`);
    await page.locator(`[data-facts="${LEVANTE()}"] a[data-oncall]`, { hasText: /^\+39 / }).waitFor();
    expect(await tel.textContent()).toMatch(/^\+39 \d{2,4} \d+/);
    expect((await tel.textContent())!.replace(/ /g, '')).toBe(onCall);
    await walk(page, 'transferred, next request');
    await b.shot(page, 'request-transferred-phone');

    // the list: one line for the person, her earlier request under it
    await page.goto(`${b.base}/#/desk`);
    await page.locator(`.requests > li[data-request="${next.id}"]`).waitFor();
    expect(await page.locator(`.requests > li[data-request="${first.id}"]`).count()).toBe(0);
    await page.locator(`.requests > li[data-request="${next.id}"] .history summary`).click();
    expect(await page.locator(`.history li[data-request="${first.id}"]`).innerText()).toContain('Trasferita');
    await walk(page, 'desk with history');
    clean(problems);
    await page.close();
  });
});

describe('the national map and search', () => {
  it('legend complete, a region opens its detail, the table scrolls by keyboard; the search has no origin chosen', async () => {
    const { page, problems } = await b.page(PHONE);
    await b.signIn(page, 'national-helpline', '/#/map');
    await page.waitForSelector('svg.italy path[data-region="07"]');
    await page.selectOption('select[name="kind"]', 'mother_child');
    await page.locator('table.capacity[data-filter="mother_child|"]').waitFor();
    const legend = await page.locator('.legend li').allTextContents();
    expect(legend).toContain('Nessuna struttura di questo tipo');
    // every colour on the map is in the legend
    const shades = new Set(
      await page.locator('svg.italy path.region').evaluateAll((ps) => ps.map((p) => p.getAttribute('class')!.replace('region ', ''))),
    );
    const legendShades = new Set(
      await page.locator('.legend .swatch').evaluateAll((ss) => ss.map((s) => s.getAttribute('class')!.replace('swatch ', ''))),
    );
    expect([...shades].filter((s) => !legendShades.has(s))).toEqual([]);
    await page.locator('svg.italy path[data-region="09"]').click();
    await page.locator('table[data-region-detail="09"]').waitFor();
    expect(await page.locator('.region-detail h2').textContent()).toBe('Toscana');
    // the same detail from the table, by keyboard
    await page.locator('tr[data-region="07"] [data-act="region"]').press('Enter');
    await page.locator('table[data-region-detail="07"]').waitFor();
    expect(await page.evaluate('document.activeElement.textContent')).toBe('Liguria');
    const wrap = page.locator('.table-wrap').first();
    expect({ tabindex: await wrap.getAttribute('tabindex'), label: await wrap.getAttribute('aria-label') }).toEqual({
      tabindex: '0',
      label: 'Tabella dei posti per regione (scorre in orizzontale)',
    });
    await walk(page, 'map on a phone, region open');
    await b.shot(page, 'map-region-phone');

    await b.nav(page, 'Ricerca per profilo');
    await page.waitForSelector('h1:text("Dove potrebbe andare?")');
    expect(await page.inputValue('select[name="origin"]')).toBe('');
    await page.click('form button[type="submit"]');
    await page.locator('select[name="origin"][aria-invalid="true"]').waitFor();
    await walk(page, 'search with errors');
    clean(problems);
    await page.close();
  });
});

describe('reports', () => {
  it('the reports a UOR reads show words, not codes', async () => {
    await openRequest();
    const { page, problems } = await b.page(PHONE);
    await b.signIn(page, 'uor-liguria', '/#/reports');
    await page.waitForSelector('section.report-card[data-report="movements"]');
    await walk(page, 'reports');
    clean(problems);
    await page.close();
  });
});
