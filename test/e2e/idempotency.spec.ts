import { randomUUID } from 'node:crypto';
import type { Principal } from '../../src/auth/principal.js';
import { aFacility, aRequest, principals } from '../support/factories.js';
import { freshFacility } from '../support/fixtures.js';
import { bearer, startTestApp, type TestApp } from '../support/test-app.js';

type Body = Record<string, any>;

describe('Idempotency-Key (e2e)', () => {
  let t: TestApp;
  const admin = principals.admin();
  const uor = principals.uor('07');
  const as = (p: Principal) => bearer(t.token(p));
  const newKey = () => `key-${randomUUID()}`;

  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(() => t.close());

  const facility = (o: Parameters<typeof aFacility>[0] = {}) => freshFacility(t, o);

  const postRequest = (body: object, key?: string, p: Principal = uor) => {
    const req = t.http().post('/api/v1/placement-requests').set(as(p));
    if (key !== undefined) req.set('Idempotency-Key', key);
    return req.send(body);
  };
  const postProposal = (requestId: string, facilityId: string, key?: string, p: Principal = uor) => {
    const req = t.http().post(`/api/v1/placement-requests/${requestId}/proposals`).set(as(p));
    if (key !== undefined) req.set('Idempotency-Key', key);
    return req.send({ facilityId });
  };
  async function openRequest() {
    const res = await postRequest(aRequest());
    expect(res.status).toBe(201);
    return res.body as Body;
  }

  const count = async (sql: string, params: unknown[] = []) => (await t.sql<{ n: number }>(sql, params))[0].n;
  const requestRows = () => count(`SELECT count(*)::int AS n FROM placement_request`);
  const requestsWithCase = (caseCode: string) => count(`SELECT count(*)::int AS n FROM placement_request WHERE case_code = $1`, [caseCode]);
  const proposalRows = (requestId: string) => count(`SELECT count(*)::int AS n FROM proposal WHERE request_id = $1`, [requestId]);
  const holdRows = (facilityId: string) => count(`SELECT count(*)::int AS n FROM place_hold WHERE facility_id = $1`, [facilityId]);
  const liveHolds = (facilityId: string) =>
    count(`SELECT count(*)::int AS n FROM place_hold WHERE facility_id = $1 AND released_at IS NULL`, [facilityId]);
  const createAudits = (id: string) =>
    count(`SELECT count(*)::int AS n FROM audit_log WHERE action = 'request.create' AND object_id = $1`, [id]);
  const heldOf = async (facilityId: string) =>
    (await t.http().get(`/api/v1/facilities/${facilityId}/availability`).set(as(admin))).body.places.find((x: Body) => x.kind === 'adult')
      .held as number;

  describe('placement requests', () => {
    it('creates two requests for two POSTs without a key (the control); the same case twice is refused, not replayed', async () => {
      const body = aRequest();
      const before = await requestRows();
      const a = await postRequest(body);
      // without a key nothing is replayed: a second case of the same person is a second request
      const b = await postRequest({ ...body, caseCode: `${body.caseCode}-2` });
      expect([a.status, b.status]).toEqual([201, 201]);
      expect(a.body.id).not.toBe(b.body.id);
      expect([a.body.replayed, b.body.replayed]).toEqual([false, false]);
      expect(await requestRows()).toBe(before + 2);
      // and the same case code again, without a key, is told, not replayed (one open request per case code)
      const again = await postRequest(body);
      expect([again.status, again.body.code, again.body.requestId]).toEqual([409, 'case_code_in_use', a.body.id]);
      expect(await requestRows()).toBe(before + 2);
    });

    it('replays a retry with the same key from the same caller: same id, replayed, nothing new', async () => {
      const body = aRequest();
      const key = newKey();
      const before = await requestRows();
      const first = await postRequest(body, key);
      expect(first.status).toBe(201);
      expect(first.body).toMatchObject({ status: 'open', replayed: false, caseCode: body.caseCode });
      const retry = await postRequest(body, key);
      expect(retry.status).toBe(201);
      expect(retry.body).toMatchObject({ id: first.body.id, replayed: true, caseCode: body.caseCode, person: body.person, status: 'open' });
      const third = await postRequest(body, key);
      expect(third.body).toMatchObject({ id: first.body.id, replayed: true });
      expect(await requestRows()).toBe(before + 1);
      expect(await requestsWithCase(body.caseCode)).toBe(1);
      expect(await createAudits(first.body.id)).toBe(1);
    });

    it('keeps keys per caller: the same key from another UOR user (of another region) creates a new request', async () => {
      const body = aRequest();
      const key = newKey();
      // another region's operator: one region keeps one open request per case code, the same code in
      // another region is another woman's case
      const colleague: Principal = { ...uor, sub: 'uor-09-other-operator', email: 'other09@example.org', region: '09' };
      const first = await postRequest(body, key);
      const second = await postRequest(body, key, colleague);
      expect([first.status, second.status]).toEqual([201, 201]);
      expect(second.body.replayed).toBe(false);
      expect(second.body.id).not.toBe(first.body.id);
      expect(await requestsWithCase(body.caseCode)).toBe(2);
      // and each caller's retry replays its own
      expect((await postRequest(body, key, colleague)).body).toMatchObject({ id: second.body.id, replayed: true });
      expect((await postRequest(body, key)).body).toMatchObject({ id: first.body.id, replayed: true });
      expect(await requestsWithCase(body.caseCode)).toBe(2);
    });

    it('refuses the same key with another body: 422 idempotency_key_reused, nothing created', async () => {
      const body = aRequest();
      const key = newKey();
      const first = await postRequest(body, key);
      expect(first.status).toBe(201);
      const before = await requestRows();
      const changed = { ...body, urgency: 'planned' };
      const res = await postRequest(changed, key);
      expect(res.status).toBe(422);
      expect(res.body.code).toBe('idempotency_key_reused');
      expect(res.body).not.toHaveProperty('id');
      const otherCase = await postRequest({ ...body, caseCode: `${body.caseCode}-B` }, key);
      expect(otherCase.status).toBe(422);
      expect(otherCase.body.code).toBe('idempotency_key_reused');
      expect(await requestRows()).toBe(before);
      expect(await requestsWithCase(`${body.caseCode}-B`)).toBe(0);
      // the original is untouched
      const read = await t.http().get(`/api/v1/placement-requests/${first.body.id}`).set(as(uor));
      expect(read.body.urgency).toBe('immediate');
    });

    it('creates exactly one request for concurrent POSTs with the same key, and answers them all with its id', async () => {
      for (let round = 0; round < 3; round++) {
        const body = aRequest();
        const key = newKey();
        const answers = await Promise.all(Array.from({ length: 4 }, () => postRequest(body, key)));
        expect(answers.map((a) => a.status)).toEqual([201, 201, 201, 201]);
        const ids = new Set(answers.map((a) => a.body.id));
        expect(ids.size).toBe(1);
        expect(answers.filter((a) => a.body.replayed === false)).toHaveLength(1);
        expect(await requestsWithCase(body.caseCode)).toBe(1);
        expect(await createAudits([...ids][0])).toBe(1);
      }
    });

    it.each([
      ['too short', 'x'],
      ['with spaces', 'not a valid key'],
      ['too long', 'k'.repeat(129)],
      ['with a slash', 'abc/defgh-123'],
    ])('answers 400 invalid_idempotency_key to a key %s and creates nothing', async (_, key) => {
      const body = aRequest();
      const before = await requestRows();
      const res = await postRequest(body, key);
      expect(res.status).toBe(400);
      expect(res.body.code).toBe('invalid_idempotency_key');
      expect(await requestRows()).toBe(before);
      expect(await requestsWithCase(body.caseCode)).toBe(0);
    });

    it('does not burn a key on a refused first attempt: the retry is evaluated afresh', async () => {
      const key = newKey();
      const failing = aRequest({ previousPlacementId: randomUUID() });
      const first = await postRequest(failing, key);
      expect(first.status).toBe(422);
      expect(first.body.code).toBe('unknown_placement');
      // the same body again fails for its own reason, not as a reused key
      const again = await postRequest(failing, key);
      expect(again.status).toBe(422);
      expect(again.body.code).toBe('unknown_placement');
      const { previousPlacementId: _, ...fixed } = failing;
      const ok = await postRequest(fixed, key);
      expect(ok.status).toBe(201);
      expect(ok.body.replayed).toBe(false);
      expect(await requestsWithCase(failing.caseCode)).toBe(1);
      expect(await count(`SELECT count(*)::int AS n FROM idempotency_key WHERE key = $1`, [key])).toBe(1);
    });
  });

  describe('proposals', () => {
    it('holds only one place for a retried proposal with the same key', async () => {
      const f = await facility({ places: [{ kind: 'adult', total: 3 }] });
      const r = await openRequest();
      const key = newKey();
      const first = await postProposal(r.id, f.id, key);
      expect(first.status).toBe(201);
      expect(first.body).toMatchObject({ requestId: r.id, facilityId: f.id, status: 'pending', placeKind: 'adult' });
      const retry = await postProposal(r.id, f.id, key);
      expect(retry.status).toBe(201);
      expect(retry.body).toMatchObject({ id: first.body.id, status: 'pending' });
      expect(await proposalRows(r.id)).toBe(1);
      expect(await holdRows(f.id)).toBe(1);
      expect(await heldOf(f.id)).toBe(1);
      // without the key, the same proposal is a conflict, not a second hold
      const plain = await postProposal(r.id, f.id);
      expect(plain.status).toBe(409);
      expect(plain.body.code).toBe('already_proposed');
      expect(await holdRows(f.id)).toBe(1);
    });

    it('holds only one place for concurrent proposals with the same key', async () => {
      const f = await facility({ places: [{ kind: 'adult', total: 3 }] });
      const r = await openRequest();
      const key = newKey();
      const answers = await Promise.all([postProposal(r.id, f.id, key), postProposal(r.id, f.id, key), postProposal(r.id, f.id, key)]);
      expect(answers.map((a) => a.status)).toEqual([201, 201, 201]);
      expect(new Set(answers.map((a) => a.body.id)).size).toBe(1);
      expect(await proposalRows(r.id)).toBe(1);
      expect(await liveHolds(f.id)).toBe(1);
      expect(await heldOf(f.id)).toBe(1);
    });

    it('refuses the same key for another facility (422) and holds nothing there', async () => {
      const a = await facility();
      const b = await facility();
      const r = await openRequest();
      const key = newKey();
      expect((await postProposal(r.id, a.id, key)).status).toBe(201);
      const res = await postProposal(r.id, b.id, key);
      expect(res.status).toBe(422);
      expect(res.body.code).toBe('idempotency_key_reused');
      expect(await holdRows(b.id)).toBe(0);
      expect(await proposalRows(r.id)).toBe(1);
    });

    it('scopes proposal keys to their request: the same key on another request proposes there', async () => {
      const f = await facility();
      const r1 = await openRequest();
      const r2 = await openRequest();
      const key = newKey();
      const p1 = await postProposal(r1.id, f.id, key);
      const p2 = await postProposal(r2.id, f.id, key);
      expect([p1.status, p2.status]).toEqual([201, 201]);
      expect(p1.body.id).not.toBe(p2.body.id);
      expect(await liveHolds(f.id)).toBe(2);
    });

    it('answers 400 invalid_idempotency_key to a malformed key and holds nothing', async () => {
      const f = await facility();
      const r = await openRequest();
      const res = await postProposal(r.id, f.id, 'x');
      expect(res.status).toBe(400);
      expect(res.body.code).toBe('invalid_idempotency_key');
      expect(await proposalRows(r.id)).toBe(0);
      expect(await holdRows(f.id)).toBe(0);
    });

    it('lets the retry of a refused proposal (409 no_free_place) succeed once a place is free', async () => {
      const f = await facility({ places: [{ kind: 'adult', total: 1, occupied: 1 }] });
      const r = await openRequest();
      const key = newKey();
      const full = await postProposal(r.id, f.id, key);
      expect(full.status).toBe(409);
      expect(full.body.code).toBe('no_free_place');
      expect(await holdRows(f.id)).toBe(0);
      const availability = await t.http().get(`/api/v1/facilities/${f.id}/availability`).set(as(f.manager));
      const freed = await t
        .http()
        .put(`/api/v1/facilities/${f.id}/availability`)
        .set(as(f.manager))
        .send({ version: availability.body.version, places: [{ kind: 'adult', total: 1, occupied: 0, outOfService: 0 }] });
      expect(freed.status).toBe(200);
      const retry = await postProposal(r.id, f.id, key);
      expect(retry.status).toBe(201);
      expect(await liveHolds(f.id)).toBe(1);
    });
  });
});
