/**
 * The manager's "Accetta" refused by the service, on a 390 px phone: said in words she can act on,
 * never "Qualcosa non ha funzionato (constraint_violated)". A 422 constraint_violated (the request
 * now shares a network with someone the house holds) and a 409 on a proposal the UOR withdrew.
 */
import type { Page } from 'playwright-core';
import { Browser, PHONE, type Problems } from './harness.js';

const b = new Browser();

beforeAll(async () => {
  await b.start();
  // room for the four offers these tests hold (the demo house has one free place)
  const now = (await manager().get(`/facilities/${GOLFO()}/availability`)).body;
  const res = await manager().put(`/facilities/${GOLFO()}/availability`, {
    version: now.version,
    places: [{ kind: 'adult', total: 8, occupied: 1, outOfService: 0 }],
  });
  expect(res.status).toBe(200);
}, 120_000);
afterAll(async () => {
  await b.stop();
});

const uor = () => b.api(b.tokens.get('uor-liguria')!);
const manager = () => b.api(b.tokens.get('manager-liguria')!);
const GOLFO = () => b.ids.get('sp-semi-autonomia-golfo')!;

async function openRequest(conflictTags: string[]): Promise<string> {
  const res = await uor().post('/placement-requests', {
    caseCode: `LIG-ACC-${Math.floor(Math.random() * 1e6)}`,
    person: { gender: 'female', age: 30, children: [], pregnant: false, languages: ['it'], exploitation: ['labour'], needs: [] },
    protectionLevel: 'low',
    stage: 'second_reception',
    origin: { provinceCode: 'SP' },
    safety: { excludedProvinces: [], excludedRegions: [], conflictTags },
    preferences: { crossRegion: false },
    urgency: 'within_24h',
  });
  expect(res.status).toBe(201);
  return res.body.id;
}
async function propose(requestId: string): Promise<string> {
  const res = await uor().post(`/placement-requests/${requestId}/proposals`, { facilityId: GOLFO() });
  expect(res.status).toBe(201);
  return res.body.id;
}

function clean(problems: Problems, status: number, text: string): void {
  const expected = `Failed to load resource: the server responded with a status of ${status} (${text})`;
  expect({ console: problems.console.filter((m) => m !== expected), pageErrors: problems.pageErrors, failed: problems.failed }).toEqual({
    console: [],
    pageErrors: [],
    failed: [],
  });
}

async function tapAccept(page: Page, id: string): Promise<string> {
  await b.signIn(page, 'manager-liguria', `/#/proposals/${id}`);
  const card = page.locator(`[data-proposal="${id}"][data-status="pending"]`);
  await card.locator('[data-act="accept"]').click();
  const said = card.locator('.msg .notice');
  await said.waitFor();
  return (await said.textContent()) ?? '';
}

describe("the manager's Accetta refused by the service", () => {
  it('422 constraint_violated: the house no longer suits the request, said with its reason and what to do', async () => {
    const network = `rete-acc-${Date.now()}`;
    const id = await propose(await openRequest([]));
    // meanwhile the house was offered a woman of a network, and the request was found to be of it
    await propose(await openRequest([network]));
    const [mine] = await b.t.sql<{ request_id: string }>(`SELECT request_id FROM proposal WHERE id = $1`, [id]);
    await b.t.sql(`UPDATE placement_request SET conflict_tags = $2 WHERE id = $1`, [mine.request_id, [network]]);

    const { page, problems } = await b.page(PHONE);
    const said = await tapAccept(page, id);
    expect(said).toBe(
      'Questa struttura non è più adatta a questa richiesta (conflitto di rete: la richiesta o le ospiti sono cambiate dopo la proposta). ' +
        "Non serve riprovare: rifiuta la proposta, così l'UOR viene avvisata e il posto torna libero.",
    );
    expect((await manager().get(`/proposals/${id}`)).body.status).toBe('pending');
    expect(await b.axe(page)).toEqual([]);
    await b.shot(page, 'accept-refused-constraint-phone', page.locator(`[data-proposal="${id}"]`));
    clean(problems, 422, 'Unprocessable Entity');
    await page.close();
  });

  it('409 on a proposal the UOR withdrew: said as no longer waiting, not as a failure to retry', async () => {
    // the API's real answer to accepting a withdrawn proposal
    const withdrawn = await propose(await openRequest([]));
    expect((await uor().post(`/proposals/${withdrawn}/withdraw`)).status).toBe(200);
    const refused = await manager().post(`/proposals/${withdrawn}/accept`);
    expect(refused.status).toBe(409);
    expect(refused.body).toMatchObject({ code: 'proposal_not_pending', status: 'withdrawn' });
    // her page still shows a proposal pending (the live update not yet arrived) when that answer comes back
    const id = await propose(await openRequest([]));
    const { page, problems } = await b.page(PHONE);
    await page.route(`**/api/v1/proposals/${id}/accept`, (r) =>
      r.fulfill({ status: 409, contentType: 'application/json', body: JSON.stringify(refused.body) }),
    );
    expect(await tapAccept(page, id)).toBe(
      "La proposta non è più in attesa (ora è ritirata): non serve riprovare. Aggiorna la pagina per vederla com'è.",
    );
    clean(problems, 409, 'Conflict');
    await page.close();
  });
});
