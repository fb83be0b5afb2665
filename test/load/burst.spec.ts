import { expectConsistent } from '../support/consistency.js';
import { aFacility, aRequest, principals } from '../support/factories.js';
import { bearer, startTestApp, type TestApp } from '../support/test-app.js';
import { dayOf } from '../../src/domain/italian-day.js';

/**
 * Bursts on every write endpoint: three service instances on one database, each with a pool of
 * POOL connections, and CALLERS concurrent HTTP callers (4 × a pool, 16 per instance). No answer may
 * be a 5xx (503 included: with nothing holding a connection while it waits for another, a burst
 * only queues); where exactly one caller may win, exactly one does; afterwards the numbers, the
 * holds, the proposals and the replayed events agree.
 */
const POOL = 4;
const CALLERS = 48;
// generous: the assertion is "no 5xx", and a busy CI machine must not turn queueing into 503s
const ENV = { DB_POOL_SIZE: String(POOL), DB_POOL_ACQUIRE_TIMEOUT_MS: '30000' };

describe(`bursts of ${CALLERS} callers on 3 instances with pools of ${POOL}`, () => {
  let instances: TestApp[];
  let t: TestApp;
  const admin = principals.admin();
  const uor = principals.uor('07');
  const statuses: number[] = [];

  beforeAll(async () => {
    t = await startTestApp(ENV);
    instances = [t, await startTestApp(ENV, t.dbUrl), await startTestApp(ENV, t.dbUrl)];
  });
  afterAll(async () => {
    for (const x of instances.slice(1)) await x.close();
    await t.close();
  });

  /** CALLERS calls at once, spread over the instances; every status is kept for the 5xx check. */
  async function burst(call: (http: TestApp['http'], i: number) => PromiseLike<{ status: number; body: Record<string, unknown> }>) {
    const res = await Promise.all(Array.from({ length: CALLERS }, (_, i) => call(instances[i % instances.length].http, i)));
    statuses.push(...res.map((r) => r.status));
    for (const r of res) expect(r.status).toBeLessThan(500);
    return res;
  }
  const count = (res: { status: number }[], status: number) => res.filter((r) => r.status === status).length;

  async function facility(places: { kind: 'adult'; total: number; occupied?: number }[]) {
    const res = await t
      .http()
      .post('/api/v1/facilities')
      .set(bearer(t.token(admin)))
      .send(aFacility({ provinceCode: 'SP', places }));
    expect(res.status).toBe(201);
    return res.body.id as string;
  }
  async function openRequest() {
    const res = await t
      .http()
      .post('/api/v1/placement-requests')
      .set(bearer(t.token(uor)))
      .send(aRequest());
    expect(res.status).toBe(201);
    return res.body.id as string;
  }
  const propose = (http: TestApp['http'], requestId: string, facilityId: string) =>
    http()
      .post(`/api/v1/placement-requests/${requestId}/proposals`)
      .set(bearer(t.token(uor)))
      .send({ facilityId });
  async function proposal(requestId: string, facilityId: string) {
    const res = await propose(t.http, requestId, facilityId);
    expect(res.status).toBe(201);
    return res.body.id as string;
  }
  const managerOf = (...ids: string[]) => bearer(t.token(principals.manager(...ids)));

  it('propose, last bed: exactly one of the callers (each with its own request) holds it', async () => {
    const f = await facility([{ kind: 'adult', total: 5, occupied: 4 }]);
    const requests = await Promise.all(Array.from({ length: CALLERS }, openRequest));
    const res = await burst((http, i) => propose(http, requests[i], f));
    expect(count(res, 201)).toBe(1);
    expect(count(res, 409)).toBe(CALLERS - 1);
    expect(res.filter((r) => r.status === 409).every((r) => r.body.code === 'no_free_place')).toBe(true);
  });

  it('propose, spread: a facility with 20 free beds gives exactly 20 holds', async () => {
    const f = await facility([{ kind: 'adult', total: 20 }]);
    const requests = await Promise.all(Array.from({ length: CALLERS }, openRequest));
    const res = await burst((http, i) => propose(http, requests[i], f));
    expect(count(res, 201)).toBe(20);
    expect(count(res, 409)).toBe(CALLERS - 20);
    // every 201 carries the committed proposal, built in its own transaction
    for (const r of res.filter((x) => x.status === 201)) expect(r.body).toMatchObject({ status: 'pending', facilityId: f });
  });

  it('accept: one request offered to 6 facilities, every manager accepting at once: one acceptance', async () => {
    const r = await openRequest();
    const facilities = await Promise.all(Array.from({ length: 6 }, () => facility([{ kind: 'adult', total: 2 }])));
    const proposals = await Promise.all(facilities.map((f) => proposal(r, f)));
    const res = await burst((http, i) =>
      http()
        .post(`/api/v1/proposals/${proposals[i % 6]}/accept`)
        .set(managerOf(facilities[i % 6])),
    );
    expect(count(res, 200)).toBe(1);
    expect(count(res, 409)).toBe(CALLERS - 1);
    const rows = await t.sql<{ status: string }>(`SELECT status FROM proposal WHERE request_id = $1`, [r]);
    expect(rows.filter((x) => x.status === 'accepted')).toHaveLength(1);
    expect(rows.filter((x) => x.status === 'withdrawn')).toHaveLength(5);
  });

  it('decline: one decline per proposal lands', async () => {
    const facilities = await Promise.all(Array.from({ length: 4 }, () => facility([{ kind: 'adult', total: 2 }])));
    const proposals = await Promise.all(facilities.map(async (f) => proposal(await openRequest(), f)));
    const res = await burst((http, i) =>
      http()
        .post(`/api/v1/proposals/${proposals[i % 4]}/decline`)
        .set(managerOf(facilities[i % 4]))
        .send({ reason: 'other' }),
    );
    expect(count(res, 200)).toBe(4);
    expect(count(res, 409)).toBe(CALLERS - 4);
  });

  it('admit and discharge: one admission per accepted proposal, one discharge per placement', async () => {
    const f = await facility([{ kind: 'adult', total: 3 }]);
    const proposals = await Promise.all(Array.from({ length: 3 }, async () => proposal(await openRequest(), f)));
    for (const p of proposals) expect((await t.http().post(`/api/v1/proposals/${p}/accept`).set(managerOf(f))).status).toBe(200);
    const admitted = await burst((http, i) =>
      http()
        .post(`/api/v1/proposals/${proposals[i % 3]}/admit`)
        .set(managerOf(f)),
    );
    expect(count(admitted, 200)).toBe(3);
    expect(count(admitted, 409)).toBe(CALLERS - 3);
    const placements = [...new Set(admitted.filter((x) => x.status === 200).map((x) => x.body.placementId as string))];
    expect(placements).toHaveLength(3);
    const today = dayOf(t.clock.now());
    const discharged = await burst((http, i) =>
      http()
        .post(`/api/v1/placements/${placements[i % 3]}/discharge`)
        .set(managerOf(f))
        .send({ reason: 'completed', date: today }),
    );
    expect(count(discharged, 200)).toBe(3);
    expect(count(discharged, 409)).toBe(CALLERS - 3);
    const [place] = await t.sql<{ occupied: number }>(`SELECT occupied FROM facility_place WHERE facility_id = $1`, [f]);
    expect(place.occupied).toBe(0);
  });

  it('withdraw: one withdrawal per proposal lands', async () => {
    const f = await facility([{ kind: 'adult', total: 4 }]);
    const proposals = await Promise.all(Array.from({ length: 4 }, async () => proposal(await openRequest(), f)));
    const res = await burst((http, i) =>
      http()
        .post(`/api/v1/proposals/${proposals[i % 4]}/withdraw`)
        .set(bearer(t.token(uor))),
    );
    expect(count(res, 200)).toBe(4);
    expect(count(res, 409)).toBe(CALLERS - 4);
  });

  it('confirm and intake: every call lands, on one facility', async () => {
    const f = await facility([{ kind: 'adult', total: 4 }]);
    const confirmed = await burst((http) => http().post(`/api/v1/facilities/${f}/availability/confirm`).set(managerOf(f)));
    expect(count(confirmed, 200)).toBe(CALLERS);
    const intake = await burst((http, i) =>
      http()
        .post(`/api/v1/facilities/${f}/availability/intake`)
        .set(managerOf(f))
        .send({ acceptingNewGuests: i % 2 === 0, note: `turno ${i % 2}` }),
    );
    expect(count(intake, 200)).toBe(CALLERS);
  });

  it('availability PUT with the same version: exactly one save lands, the others are told of the conflict', async () => {
    const f = await facility([{ kind: 'adult', total: 10 }]);
    const { body } = await t.http().get(`/api/v1/facilities/${f}/availability`).set(managerOf(f));
    const res = await burst((http, i) =>
      http()
        .put(`/api/v1/facilities/${f}/availability`)
        .set(managerOf(f))
        .send({ version: body.version, places: [{ kind: 'adult', total: 10, occupied: i % 10, outOfService: 0 }] }),
    );
    expect(count(res, 200)).toBe(1);
    expect(count(res, 409)).toBe(CALLERS - 1);
    expect(res.filter((r) => r.status === 409).every((r) => r.body.code === 'version_conflict')).toBe(true);
  });

  it('request create with one Idempotency-Key: one request, every caller told its id', async () => {
    const body = aRequest();
    const res = await burst((http) =>
      http()
        .post('/api/v1/placement-requests')
        .set(bearer(t.token(uor)))
        .set('Idempotency-Key', 'burst-key-0001')
        .send(body),
    );
    expect(res.every((r) => r.status === 201 || r.status === 200)).toBe(true);
    expect(new Set(res.map((r) => r.body.id)).size).toBe(1);
    const rows = await t.sql(`SELECT id FROM placement_request WHERE case_code = $1`, [body.caseCode]);
    expect(rows).toHaveLength(1);
  });

  it('batch apply: plans applied all or nothing, never a request proposed twice to one facility', async () => {
    await Promise.all(Array.from({ length: 6 }, () => facility([{ kind: 'adult', total: 1 }])));
    await Promise.all(Array.from({ length: 8 }, openRequest));
    const res = await burst((http) =>
      http()
        .post('/api/v1/placement-requests/batch-assignment')
        .set(bearer(t.token(uor)))
        .send({ all: true, dryRun: false }),
    );
    for (const r of res) expect([200, 201, 409]).toContain(r.status);
    expect(res.filter((r) => r.status === 409).every((r) => r.body.code === 'plan_stale')).toBe(true);
    const dupes = await t.sql(
      `SELECT request_id, facility_id FROM proposal WHERE status IN ('pending','accepted') GROUP BY 1, 2 HAVING count(*) > 1`,
    );
    expect(dupes).toEqual([]);
  });

  it('afterwards: free places, live holds, proposals and the replayed events agree everywhere', async () => {
    expect(statuses.length).toBeGreaterThanOrEqual(CALLERS * 12);
    expect(statuses.filter((s) => s >= 500)).toEqual([]);
    await expectConsistent(t.dbUrl);
    // each live hold belongs to exactly one live proposal, and each live proposal has its hold
    const [orphans] = await t.sql<{ holds: number; proposals: number }>(
      `SELECT (SELECT count(*)::int FROM place_hold h WHERE h.released_at IS NULL AND NOT EXISTS
                 (SELECT 1 FROM proposal p WHERE p.hold_id = h.id AND p.status IN ('pending','accepted'))) AS holds,
              (SELECT count(*)::int FROM proposal p WHERE p.status IN ('pending','accepted') AND NOT EXISTS
                 (SELECT 1 FROM place_hold h WHERE h.id = p.hold_id AND h.released_at IS NULL)) AS proposals`,
    );
    expect(orphans).toEqual({ holds: 0, proposals: 0 });
  });
});
