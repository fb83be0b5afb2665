import { Ajv, type ValidateFunction } from 'ajv';
import type { Response } from 'supertest';
import { aFacility, aRequest, principals } from '../support/factories.js';
import { documentedSchema, type Json, operationsOf, templateOf } from '../support/openapi.js';
import { pageSessionHeaders } from '../support/page-session.js';
import { bearer, startTestApp, type TestApp } from '../support/test-app.js';
import { dayOf } from '../../src/domain/italian-day.js';

/**
 * Issue 15: real answers match the OpenAPI document. A lifecycle calls every documented operation
 * (and a few error paths); each answer is validated with ajv against the schema documented for its
 * operation and status (objects may not carry undocumented properties).
 */
describe('real answers match the documented schemas (e2e)', () => {
  let t: TestApp;
  let doc: Json;
  const ajv = new Ajv({ strict: false, allErrors: true });
  ajv.addFormat('uuid', /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i);
  ajv.addFormat('date-time', /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:\d\d)$/);
  ajv.addFormat('date', /^\d{4}-\d\d-\d\d$/);
  const compiled = new Map<string, ValidateFunction>();
  const checked: { key: string; status: number; problems: string[] }[] = [];

  /** Validates one answer against the document; returns it for the lifecycle to go on. */
  async function check(res: Promise<Response> | Response): Promise<Response> {
    const r = await res;
    const method = (r.request as unknown as { method: string }).method;
    const url = new URL((r.request as unknown as { url: string }).url).pathname;
    const op = templateOf(doc, method, url);
    const key = op ? `${op.key} ${r.status}` : `${method} ${url} ${r.status}`;
    const schema = op && documentedSchema(doc, op.op, r.status);
    if (!schema) {
      checked.push({ key, status: r.status, problems: ['status not documented'] });
      return r;
    }
    if (!compiled.has(key)) compiled.set(key, ajv.compile(schema));
    const validate = compiled.get(key)!;
    const ok = validate(r.body);
    checked.push({
      key,
      status: r.status,
      problems: ok ? [] : (validate.errors ?? []).map((e) => `${e.instancePath} ${e.message} ${JSON.stringify(e.params)}`),
    });
    return r;
  }

  beforeAll(async () => {
    t = await startTestApp();
    doc = (await t.http().get('/api/docs-json')).body;
  });
  afterAll(() => t.close());

  it('every documented operation is called, and every answer matches its documented schema', async () => {
    const admin = bearer(t.token(principals.admin()));
    const uor = bearer(t.token(principals.uor('07')));
    const uorOther = bearer(t.token(principals.uor('09')));
    const national = bearer(t.token(principals.national()));
    const http = () => t.http();

    await check(http().get('/health'));
    await check(http().get('/health/live'));
    await check(http().get('/health/ready'));
    await check(http().get('/api/v1/regions').set(uor));
    await check(http().put('/api/v1/regions/07/contact').set(admin).send({ uorEmail: 'uor07@example.org' }));

    const secret = (
      await check(
        http()
          .post('/api/v1/facilities')
          .set(admin)
          .send(
            aFacility({
              secretAddress: true,
              location: { lat: 44.41, lon: 8.93 },
              places: [
                { kind: 'adult', total: 3 },
                { kind: 'mother_child', total: 2, childCapacity: 2 },
              ],
            }),
          ),
      )
    ).body;
    const plain = (
      await check(
        http()
          .post('/api/v1/facilities')
          .set(admin)
          .send(aFacility({ provinceCode: 'SP' })),
      )
    ).body;
    const spare = (
      await check(
        http()
          .post('/api/v1/facilities')
          .set(uor)
          .send(aFacility({ provinceCode: 'SV' })),
      )
    ).body;
    for (const who of [admin, uor, uorOther, national]) {
      await check(http().get('/api/v1/facilities').set(who));
      await check(http().get(`/api/v1/facilities/${secret.id}`).set(who));
    }
    const sheet =
      'externalCode,name,organization,type,provinceCode,acceptsGenders,acceptsAdults,acceptsMinors,acceptsChildren,languages,exploitationExpertise,supports,secretAddress,address,contactEmail,adultTotal\n' +
      'OA-1,Casa Foglio,Coop,protected_flat,GE,female,true,false,true,it,sexual,,false,"Via Foglio 1, Genova",foglio@example.org,3\nOA-2,Casa Sbagliata,Coop,protected_flat,XX,female,true,false,true,it,sexual,,false,Via X,x@example.org,3\n';
    await check(http().post('/api/v1/facilities/import').set(admin).set('Content-Type', 'text/csv').send(sheet));
    await check(http().post('/api/v1/facilities/import?dryRun=false').set(admin).set('Content-Type', 'text/csv').send(sheet));
    await check(
      http()
        .post('/api/v1/facilities/import?dryRun=false')
        .set(admin)
        .set('Content-Type', 'text/csv')
        .send(sheet.split('\n').slice(0, 2).join('\n')),
    );
    await check(http().patch(`/api/v1/facilities/${plain.id}`).set(admin).send({ name: 'Casa rinominata' }));
    const manager = bearer(t.token(principals.manager(secret.id, plain.id, spare.id)));
    const avail = (await check(http().get(`/api/v1/facilities/${secret.id}/availability`).set(manager))).body;
    await check(http().get(`/api/v1/facilities/${secret.id}/availability`).set(national));
    await check(
      http()
        .put(`/api/v1/facilities/${secret.id}/availability`)
        .set(manager)
        .send({ version: avail.version, places: [{ kind: 'adult', total: 3, occupied: 1, outOfService: 0 }] }),
    );
    for (const f of [secret, plain, spare])
      await check(http().post(`/api/v1/facilities/${f.id}/availability/confirm`).set(manager).set('Content-Type', 'application/json'));
    await check(
      http()
        .post(`/api/v1/facilities/${spare.id}/availability/intake`)
        .set(manager)
        .send({ acceptingNewGuests: true, note: 'di nuovo aperti' }),
    );
    await check(http().get(`/api/v1/facilities/${secret.id}/availability/history`).set(manager));
    await check(http().get('/api/v1/capacity').set(national));
    await check(
      http()
        .post('/api/v1/capacity/search')
        .set(national)
        .send((({ caseCode: _c, urgency: _u, ...m }) => m)(aRequest())),
    );

    const request = (
      await check(
        http()
          .post('/api/v1/placement-requests')
          .set(uor)
          .set('Idempotency-Key', 'openapi-req-0001')
          .send(aRequest({ note: 'nota' })),
      )
    ).body;
    await check(
      http()
        .post('/api/v1/placement-requests')
        .set(uor)
        .set('Idempotency-Key', 'openapi-req-0001')
        .send(aRequest({ note: 'nota' })),
    );
    const other = (
      await check(
        http()
          .post('/api/v1/placement-requests')
          .set(uor)
          .send(aRequest({ safety: { exploitationProvinces: ['SV'], conflictTags: ['Rete GE 77'] } })),
      )
    ).body;
    await check(http().get('/api/v1/conflict-tags').query({ prefix: 'rete' }).set(uor));
    const third = (await check(http().post('/api/v1/placement-requests').set(uor).send(aRequest()))).body;
    await check(http().get('/api/v1/placement-requests').set(uor));
    await check(http().patch(`/api/v1/placement-requests/${request.id}`).set(uor).send({ urgency: 'within_24h' }));
    await check(http().get(`/api/v1/placement-requests/${request.id}/candidates`).set(uor));
    await check(http().post('/api/v1/placement-requests/batch-assignment').set(uor).send({ all: true }));
    await check(http().post('/api/v1/placement-requests/batch-assignment').set(national).send({ all: true }));

    const p1 = (await check(http().post(`/api/v1/placement-requests/${request.id}/proposals`).set(uor).send({ facilityId: secret.id })))
      .body;
    const p2 = (await check(http().post(`/api/v1/placement-requests/${other.id}/proposals`).set(uor).send({ facilityId: plain.id }))).body;
    const p3 = (await check(http().post(`/api/v1/placement-requests/${third.id}/proposals`).set(uor).send({ facilityId: spare.id }))).body;
    await check(http().get(`/api/v1/placement-requests/${request.id}`).set(uor));
    await check(http().get('/api/v1/proposals').set(manager));
    await check(http().get(`/api/v1/proposals/${p1.id}`).set(manager));
    await check(http().get(`/api/v1/proposals/${p1.id}`).set(uor));
    await check(
      http().post(`/api/v1/proposals/${p2.id}/decline`).set(manager).send({ reason: 'no_longer_free', note: 'the house is full tonight' }),
    );
    await check(http().post(`/api/v1/proposals/${p3.id}/withdraw`).set(uor));
    await check(http().post(`/api/v1/placement-requests/${third.id}/cancel`).set(uor));
    await check(http().post(`/api/v1/proposals/${p1.id}/accept`).set(manager));
    const admitted = (await check(http().post(`/api/v1/proposals/${p1.id}/admit`).set(manager))).body;
    await check(http().get(`/api/v1/placements/${admitted.placementId}`).set(manager));
    await check(
      http()
        .post(`/api/v1/placements/${admitted.placementId}/discharge`)
        .set(manager)
        .send({ reason: 'completed', date: dayOf(new Date()) }),
    );

    await check(http().get('/api/v1/reports/people').set(national));
    await check(http().get('/api/v1/reports/occupancy?regionCode=07').set(uor));
    // the members registry: invite, read, change, disable and enable a manager of a Liguria facility
    const invited = (
      await check(
        http()
          .post('/api/v1/members')
          .set(uor)
          .send({ email: 'openapi.manager@example.org', role: 'shelter_manager', facilityIds: [plain.id] }),
      )
    ).body;
    await check(http().get('/api/v1/members').set(admin));
    await check(http().get(`/api/v1/members/${invited.id}`).set(uor));
    await check(http().patch(`/api/v1/members/${invited.id}`).set(admin).send({ name: 'Responsabile OpenAPI', regionCode: null }));
    await check(http().post(`/api/v1/members/${invited.id}/disable`).set(uor));
    await check(http().post(`/api/v1/members/${invited.id}/enable`).set(uor));
    await check(http().post('/api/v1/members').set(admin).send({ email: 'OPENAPI.manager@example.org', role: 'national' })); // 409 member_exists
    // API keys (issue 34): a service member, a key made for it by an administrator, listed, used, revoked
    const service = (
      await check(http().post('/api/v1/members').set(admin).send({ email: 'openapi.service@example.org', role: 'national', service: true }))
    ).body;
    // keys are made from a page session only: an administrator of the registry, signed in
    const [{ id: adminMember }] = await t.sql<{ id: string }>(
      `INSERT INTO member (id, email, role, status, issuer, subject, invited_by, created_at, updated_at)
       VALUES (gen_random_uuid(), 'openapi.admin@example.org', 'admin', 'active', 'https://id.example.org', gen_random_uuid()::text, 'test', now(), now())
       RETURNING id`,
    );
    const adminSession = await pageSessionHeaders(t, adminMember);
    await check(http().post('/api/v1/api-keys').set(admin).send({ name: 'Report job', memberId: service.id })); // 403: a token makes no keys
    const key = (await check(http().post('/api/v1/api-keys').set(adminSession).send({ name: 'Report job', memberId: service.id }))).body;
    await check(http().get('/api/v1/api-keys').set(admin));
    await check(http().get('/api/v1/regions').set({ 'X-Api-Key': key.key }));
    await check(http().post('/api/v1/api-keys').set(bearer(key.key)).send({ name: 'from a key' })); // 403: a key makes no keys
    await check(http().delete(`/api/v1/api-keys/${key.id}`).set(admin));
    await check(http().get('/api/v1/regions').set(bearer(key.key))); // 401: revoked
    await check(http().get('/api/v1/audit').set(admin));
    // the live event stream (issue 22): an endless answer, read up to its headers
    await check(
      http()
        .get('/api/v1/events')
        .set(uor)
        .buffer(true)
        .parse((res, done) => {
          done(null, '');
          (res as unknown as { destroy: () => void }).destroy();
        }),
    );
    // web push (issue 22)
    await check(http().get('/api/v1/push/key').set(uor));
    const sub = (
      await check(
        http()
          .post('/api/v1/push-subscriptions')
          .set(uor)
          .send({ endpoint: 'https://fcm.googleapis.com/fcm/send/openapi', keys: { p256dh: `B${'A'.repeat(86)}`, auth: 'A'.repeat(22) } }),
      )
    ).body;
    await check(http().delete(`/api/v1/push-subscriptions/${sub.id}`).set(uor));
    const outbox = (await check(http().get('/api/v1/admin/outbox').set(admin))).body;
    await check(http().post(`/api/v1/admin/outbox/${outbox.items[0].id}/retry`).set(admin)); // pending: 409 not_failed
    await t.sql(`UPDATE outbox SET status = 'failed', last_error = 'smtp 550' WHERE id = $1`, [outbox.items[1].id]);
    await check(http().get('/api/v1/admin/outbox?status=failed').set(admin));
    await check(http().post(`/api/v1/admin/outbox/${outbox.items[1].id}/retry`).set(admin));

    // error answers, in the shared shape
    await check(http().get('/api/v1/facilities'));
    await check(http().get('/api/v1/audit').set(uor));
    await check(
      http()
        .get(`/api/v1/facilities/${'0'.repeat(8)}-0000-4000-8000-${'0'.repeat(12)}`)
        .set(admin),
    );
    await check(http().post('/api/v1/facilities').set(admin).send({ name: '' }));
    await check(http().post('/api/v1/facilities').set(admin).set('Content-Type', 'text/plain').send('name=x'));
    await check(
      http()
        .post('/api/v1/facilities')
        .set(admin)
        .send(aFacility({ provinceCode: 'XX' })),
    );
    await check(http().post(`/api/v1/proposals/${p1.id}/accept`).set(manager));

    const failures = checked.filter((c) => c.problems.length).map((c) => `${c.key}: ${c.problems.join('; ')}`);
    expect(failures).toEqual([]);
    // every documented operation was called at least once with a 2xx
    const called = new Set(checked.filter((c) => c.status < 300).map((c) => c.key.replace(/ \d+$/, '')));
    // /metrics needs METRICS_TOKEN: it answers 404 here
    const documented = operationsOf(doc)
      .map((o) => o.key)
      .filter((k) => k !== 'GET /metrics');
    expect(documented.filter((k) => !called.has(k))).toEqual([]);
    expect(
      checked
        .filter((c) => c.status >= 400)
        .map((c) => c.status)
        .sort(),
    ).toEqual(expect.arrayContaining([401, 403, 404, 409, 415, 422]));
  });
});
