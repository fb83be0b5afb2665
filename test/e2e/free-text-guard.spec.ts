import { randomUUID } from 'node:crypto';
import type { Principal } from '../../src/auth/principal.js';
import { aFacility, aRequest, principals } from '../support/factories.js';
import { freshFacility } from '../support/fixtures.js';
import { freeTextFields, operationsOf, requestBodySchema, type Json } from '../support/openapi.js';
import { pageSessionHeaders } from '../support/page-session.js';
import { bearer, startTestApp, type TestApp } from '../support/test-app.js';

type Body = Record<string, any>;
interface Call {
  method: 'post' | 'put' | 'patch';
  url: string;
  as: Principal;
  /** instead of a token of `as`: the headers of her page session (API keys are made only from one) */
  headers?: Record<string, string>;
  body: Body;
}

const PHONE = '+39 347 123 4567';
/** Fields that have a pattern but are free text by meaning: a case code is typed by a person. */
const ALSO_GUARDED: Record<string, string[]> = { 'POST /api/v1/placement-requests': ['caseCode'] };

/** `body` with `path` (dotted, `.0` for the first element) set to `value`; an array field gets `[value]`. */
function withField(body: Body, path: string, value: string): Body {
  const copy = structuredClone(body);
  const keys = path.split('.');
  let node: any = copy;
  for (const k of keys.slice(0, -1)) node = node[k] ??= {};
  const last = keys[keys.length - 1];
  node[last] = Array.isArray(node[last]) ? [value] : value;
  return copy;
}

/**
 * Issue 28: no personal data in free text. The fields are read from the OpenAPI document (every
 * string of a request body without enum, format or pattern), so a new free-text field cannot slip
 * by: the test fails until a valid call for its operation is written here, and then until it is
 * guarded.
 */
describe('no personal data in free text, on every free-text field of the API (e2e)', () => {
  let t: TestApp;
  let doc: Json;
  const admin = principals.admin();
  const uor = principals.uor('07');
  const calls: Record<string, () => Promise<Call>> = {};

  beforeAll(async () => {
    t = await startTestApp();
    doc = (await t.http().get('/api/docs-json')).body;
    const house = await freshFacility(t);
    const request = (
      await t
        .http()
        .post('/api/v1/placement-requests')
        .set(bearer(t.token(uor)))
        .send(aRequest())
    ).body as Body;
    const toDecline = (
      await t
        .http()
        .post('/api/v1/placement-requests')
        .set(bearer(t.token(uor)))
        .send(aRequest())
    ).body as Body;
    const proposal = await t
      .http()
      .post(`/api/v1/placement-requests/${toDecline.id}/proposals`)
      .set(bearer(t.token(uor)))
      .send({ facilityId: house.id });
    expect(proposal.status).toBe(201);
    const member = await t
      .http()
      .post('/api/v1/members')
      .set(bearer(t.token(admin)))
      .send({ email: `m-${randomUUID().slice(0, 8)}@example.org`, role: 'uor', regionCode: '07' });
    expect(member.status).toBe(201);
    const version = async () =>
      (
        await t
          .http()
          .get(`/api/v1/facilities/${house.id}/availability`)
          .set(bearer(t.token(admin)))
      ).body.version as number;
    const [{ id: keyMakerId }] = await t.sql<{ id: string }>(
      `INSERT INTO member (id, email, role, region_code, facility_ids, status, issuer, subject, invited_by, created_at, updated_at)
       VALUES (gen_random_uuid(), 'k.' || gen_random_uuid() || '@example.org', 'uor', '07', '{}'::uuid[], 'active',
               'https://id.example.org', gen_random_uuid()::text, 'test', now(), now()) RETURNING id`,
    );
    const keyMaker: Principal = { ...uor, sub: keyMakerId };
    const keyMakerSession = await pageSessionHeaders(t, keyMakerId);
    const { caseCode: _c, urgency: _u, note: _n, referralChannel: _r, previousPlacementId: _p, ...profile } = aRequest();

    // a valid call of each operation whose body has free text
    Object.assign(calls, {
      'POST /api/v1/facilities': async () => ({
        method: 'post',
        url: '/api/v1/facilities',
        as: admin,
        body: aFacility({ intakeNote: 'ok' }),
      }),
      'PATCH /api/v1/facilities/{id}': async () => ({
        method: 'patch',
        url: `/api/v1/facilities/${house.id}`,
        as: admin,
        body: { name: 'Casa Rinominata', organization: 'Cooperativa Nuova', address: 'Via Nuova 3, Genova' },
      }),
      'PUT /api/v1/facilities/{id}/availability': async () => ({
        method: 'put',
        url: `/api/v1/facilities/${house.id}/availability`,
        as: house.manager,
        body: { version: await version(), places: [], intakeNote: 'tutto regolare' },
      }),
      'POST /api/v1/facilities/{id}/availability/intake': async () => ({
        method: 'post',
        url: `/api/v1/facilities/${house.id}/availability/intake`,
        as: house.manager,
        body: { acceptingNewGuests: true, note: 'di nuovo aperti' },
      }),
      'POST /api/v1/capacity/search': async () => ({ method: 'post', url: '/api/v1/capacity/search', as: uor, body: profile }),
      'POST /api/v1/placement-requests': async () => ({
        method: 'post',
        url: '/api/v1/placement-requests',
        as: uor,
        body: aRequest({ note: 'arriva con la mediatrice' }),
      }),
      'PATCH /api/v1/placement-requests/{id}': async () => ({
        method: 'patch',
        url: `/api/v1/placement-requests/${request.id}`,
        as: uor,
        body: { note: 'arriva domani', safety: { excludedProvinces: [], excludedRegions: [], conflictTags: [] } },
      }),
      'POST /api/v1/proposals/{id}/decline': async () => ({
        method: 'post',
        url: `/api/v1/proposals/${proposal.body.id}/decline`,
        as: house.manager,
        body: { reason: 'group_composition', note: 'in casa ora ci sono due ragazze della stessa rete' },
      }),
      'POST /api/v1/members': async () => ({
        method: 'post',
        url: '/api/v1/members',
        as: admin,
        body: { email: `n-${randomUUID().slice(0, 8)}@example.org`, role: 'uor', regionCode: '07', name: 'Maria Rossi' },
      }),
      'PATCH /api/v1/members/{id}': async () => ({
        method: 'patch',
        url: `/api/v1/members/${member.body.id}`,
        as: admin,
        body: { name: 'Maria Bianchi' },
      }),
      // a key is made by an active member of the registry, signed in to the pages (issue 34)
      'POST /api/v1/api-keys': async () => ({
        method: 'post',
        url: '/api/v1/api-keys',
        as: keyMaker,
        headers: keyMakerSession,
        body: { name: 'Sistema casi Liguria' },
      }),
    } satisfies Record<string, () => Promise<Call>>);
  });
  afterAll(() => t.close());

  const send = (c: Call) => {
    const http = t.http();
    const req = c.method === 'post' ? http.post(c.url) : c.method === 'put' ? http.put(c.url) : http.patch(c.url);
    return req.set(c.headers ?? bearer(t.token(c.as))).send(c.body);
  };

  /** Every (operation, free-text field) of the document. */
  const guarded = () =>
    operationsOf(doc).flatMap(({ key, op }) =>
      [...freeTextFields(doc, requestBodySchema(op)), ...(ALSO_GUARDED[key] ?? [])].map((field) => ({ key, field })),
    );

  it('the document lists the free-text fields, and every operation that has one has a valid call here', () => {
    const fields = guarded();
    // the ones the contract names, at least
    expect(fields).toEqual(
      expect.arrayContaining([
        { key: 'POST /api/v1/placement-requests', field: 'caseCode' },
        { key: 'POST /api/v1/placement-requests', field: 'note' },
        { key: 'PATCH /api/v1/placement-requests/{id}', field: 'note' },
        { key: 'POST /api/v1/proposals/{id}/decline', field: 'note' },
        { key: 'POST /api/v1/placement-requests', field: 'safety.allowExploitationAreaReason' },
      ]),
    );
    expect([...new Set(fields.map((f) => f.key))].filter((key) => !calls[key])).toEqual([]);
  });

  it('refuses a phone number in each of them with 422 personal_data_in_text and the field', async () => {
    const answers = [];
    for (const { key, field } of guarded()) {
      const call = await calls[key]();
      const res = await send({ ...call, body: withField(call.body, field, PHONE) });
      answers.push({ key, field, status: res.status, code: res.body.code, answeredField: res.body.field });
      // the value is never echoed
      expect(JSON.stringify(res.body)).not.toContain('347');
    }
    expect(answers).toEqual(
      answers.map(({ key, field }) => ({ key, field, status: 422, code: 'personal_data_in_text', answeredField: field })),
    );
    expect(answers.length).toBeGreaterThanOrEqual(15);
  });

  it('nothing is saved: no request, no decline', async () => {
    const count = async (sql: string) => (await t.sql<{ n: number }>(sql))[0].n;
    const requests = await count(`SELECT count(*)::int AS n FROM placement_request`);
    const create = await calls['POST /api/v1/placement-requests']();
    expect((await send({ ...create, body: withField(create.body, 'note', 'chiamare Joy al 3471234567') })).status).toBe(422);
    expect(await count(`SELECT count(*)::int AS n FROM placement_request`)).toBe(requests);
    const decline = await calls['POST /api/v1/proposals/{id}/decline']();
    expect((await send({ ...decline, body: withField(decline.body, 'note', 'la sua amica: joy.o@gmail.com') })).status).toBe(422);
    expect(await count(`SELECT count(*)::int AS n FROM proposal WHERE status = 'declined'`)).toBe(0);
  });

  it.each([
    ['an e-mail address', 'scrivere a joy.okafor@gmail.com', 'email'],
    ['a fiscal code', 'CF RSSMRA85T10A562S', 'fiscal_code'],
    ['an IBAN', 'IT60 X054 2811 1010 0000 0123 456', 'iban'],
    ['a passport number', 'passaporto AA1234567', 'document_number'],
    ['an identity card number', "carta d'identità CA12345AB", 'document_number'],
  ])('refuses %s in a request note, and says which kind', async (_what, text, kind) => {
    const create = await calls['POST /api/v1/placement-requests']();
    const res = await send({ ...create, body: withField(create.body, 'note', text) });
    expect(res.status).toBe(422);
    expect(res.body).toMatchObject({ code: 'personal_data_in_text', field: 'note', fields: [{ field: 'note', problems: [kind] }] });
  });

  it('keeps what operators legitimately write', async () => {
    for (const note of ['colloquio il 07/12/2026 alle 10.30', '2 bambini, rete-ge-77, provincia GE', 'caso UOR07-2026-001 collegato']) {
      const create = await calls['POST /api/v1/placement-requests']();
      const res = await send({
        ...create,
        body: { ...withField(create.body, 'note', note), caseCode: `UOR07-2026-${randomUUID().slice(0, 3)}` },
      });
      expect({ note, status: res.status }).toEqual({ note, status: 201 });
    }
  });

  it('each call above is otherwise valid: sent as is, it is accepted', async () => {
    const statuses: Record<string, number> = {};
    for (const key of Object.keys(calls)) statuses[key] = (await send(await calls[key]())).status;
    for (const [key, status] of Object.entries(statuses)) expect({ key, ok: status >= 200 && status < 300 }).toEqual({ key, ok: true });
  });
});
