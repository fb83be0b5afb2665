import { HoldsService, SYSTEM } from '../../src/availability/holds.service.js';
import { replay } from '../../src/facilities/place-events.js';
import { aFacility, principals } from '../support/factories.js';
import { bearer, startTestApp, type TestApp } from '../support/test-app.js';

describe('availability', () => {
  let t: TestApp;
  const admin = principals.admin();
  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(() => t.close());

  async function facility(o: Parameters<typeof aFacility>[0] = {}) {
    const res = await t
      .http()
      .post('/api/v1/facilities')
      .set(bearer(t.token(admin)))
      .send(aFacility(o));
    expect(res.status).toBe(201);
    const id = res.body.id as string;
    return { id, manager: t.token(principals.manager(id)) };
  }
  const get = (id: string, token: string) => t.http().get(`/api/v1/facilities/${id}/availability`).set(bearer(token));
  const put = (id: string, token: string, body: object) =>
    t.http().put(`/api/v1/facilities/${id}/availability`).set(bearer(token)).send(body);

  it('starts unknown, becomes fresh when saved and stale past the threshold', async () => {
    const { id, manager } = await facility({
      places: [
        { kind: 'adult', total: 4 },
        { kind: 'mother_child', total: 1, childCapacity: 2 },
      ],
    });
    const first = await get(id, manager);
    expect(first.status).toBe(200);
    expect(first.body).toMatchObject({
      facilityId: id,
      version: 1,
      confirmedAt: null,
      freshness: 'unknown',
      stale: true,
      acceptingNewGuests: true,
    });
    expect(first.body.places).toEqual([
      { kind: 'adult', total: 4, occupied: 0, held: 0, outOfService: 0, free: 4 },
      { kind: 'mother_child', total: 1, occupied: 0, held: 0, outOfService: 0, free: 1, childCapacity: 2 },
    ]);
    const saved = await put(id, manager, { version: 1, places: [{ kind: 'adult', total: 4, occupied: 3, outOfService: 0 }] });
    expect(saved.status).toBe(200);
    expect(saved.body).toMatchObject({ version: 2, freshness: 'fresh', stale: false });
    expect(saved.body.places[0]).toMatchObject({ kind: 'adult', occupied: 3, free: 1 });
    expect(saved.body.places[1]).toMatchObject({ kind: 'mother_child', free: 1 }); // not sent: unchanged
    t.clock.advance((t.config.staleAfterHours + 1) * 3_600_000);
    expect((await get(id, manager)).body).toMatchObject({ freshness: 'stale', stale: true });
    const confirmed = await t.http().post(`/api/v1/facilities/${id}/availability/confirm`).set(bearer(manager));
    expect(confirmed.status).toBe(200);
    expect(confirmed.body).toMatchObject({ version: 2, freshness: 'fresh' });
    expect(confirmed.body.places[0]).toMatchObject({ occupied: 3, free: 1 });
  });

  it('refuses a stale version with 409 and changes nothing', async () => {
    const { id, manager } = await facility();
    expect((await put(id, manager, { version: 1, places: [{ kind: 'adult', total: 4, occupied: 1, outOfService: 0 }] })).status).toBe(200);
    const res = await put(id, manager, { version: 1, places: [{ kind: 'adult', total: 4, occupied: 4, outOfService: 0 }] });
    expect(res.status).toBe(409);
    expect(res.body).toMatchObject({ code: 'version_conflict', currentVersion: 2 });
    expect((await get(id, manager)).body.places[0].occupied).toBe(1);
  });

  it('lets exactly one of two managers saving the same version win', async () => {
    const { id, manager } = await facility();
    const other = t.token(principals.manager(id));
    const body = (occupied: number) => ({ version: 1, places: [{ kind: 'adult', total: 4, occupied, outOfService: 0 }] });
    const results = await Promise.all([put(id, manager, body(1)), put(id, other, body(2))]);
    expect(results.map((r) => r.status).sort()).toEqual([200, 409]);
    const winner = results.find((r) => r.status === 200)!;
    expect((await get(id, manager)).body.places[0].occupied).toBe(winner.body.places[0].occupied);
  });

  it.each([
    [{ kind: 'adult', total: 4, occupied: 4, outOfService: 1 }, 'exceed total'],
    [{ kind: 'adult', total: 2, occupied: 1, outOfService: 0, childCapacity: 2 }, 'mother_child places only'],
    [{ kind: 'mother_child', total: 1, occupied: 0, outOfService: 0 }, 'childCapacity'],
  ])('answers 422 when numbers do not add up: %o', async (place, message) => {
    const { id, manager } = await facility();
    const res = await put(id, manager, { version: 1, places: [place] });
    expect(res.status).toBe(422);
    expect(res.body.code).toBe('places_inconsistent');
    expect(res.body.message).toContain(message);
    expect((await get(id, manager)).body.version).toBe(1);
  });

  it('counts live holds: occupied + outOfService + held may not exceed total', async () => {
    const { id, manager } = await facility({ places: [{ kind: 'adult', total: 2 }] });
    await t.app.get(HoldsService).hold(SYSTEM, id, 'adult');
    const res = await put(id, manager, { version: 1, places: [{ kind: 'adult', total: 2, occupied: 2, outOfService: 0 }] });
    expect(res.status).toBe(422);
    expect(res.body).toMatchObject({ code: 'places_inconsistent', held: 1 });
    expect((await get(id, manager)).body.places[0]).toMatchObject({ held: 1, free: 1 });
  });

  it.each([
    ['negative', { version: 1, places: [{ kind: 'adult', total: 4, occupied: -1, outOfService: 0 }] }],
    ['missing version', { places: [] }],
    ['unknown field', { version: 1, places: [], beds: 3 }],
    ['string boolean', { version: 1, places: [], acceptingNewGuests: 'false' }],
    [
      'duplicate kinds',
      {
        version: 1,
        places: [
          { kind: 'adult', total: 1, occupied: 0, outOfService: 0 },
          { kind: 'adult', total: 2, occupied: 0, outOfService: 0 },
        ],
      },
    ],
  ])('answers 400 to a malformed save (%s)', async (_, body) => {
    const { id, manager } = await facility();
    const res = await put(id, manager, body);
    expect(res.status).toBe(400);
    expect(res.body.code).toBe('validation_failed');
  });

  it('lets only its managers and admins write, 404 outside scope', async () => {
    const { id } = await facility();
    const { manager: strangerManager } = await facility();
    const body = { version: 1, places: [] };
    expect((await put(id, strangerManager, body)).status).toBe(404);
    expect((await put(id, t.token(principals.uor('07')), body)).status).toBe(403);
    expect((await put(id, t.token(principals.national()), body)).status).toBe(403);
    expect((await put(id, t.token(admin), body)).status).toBe(200);
    expect((await t.http().post(`/api/v1/facilities/${id}/availability/confirm`).set(bearer(strangerManager))).status).toBe(404);
    expect((await get(id, strangerManager)).status).toBe(404);
  });

  it('pauses intake without touching the numbers and shows it to matching and capacity', async () => {
    const { id, manager } = await facility({ provinceCode: 'IM' });
    const paused = await t
      .http()
      .post(`/api/v1/facilities/${id}/availability/intake`)
      .set(bearer(manager))
      .send({ acceptingNewGuests: false, note: 'crisi in struttura' });
    expect(paused.status).toBe(200);
    expect(paused.body).toMatchObject({ acceptingNewGuests: false, intakeNote: 'crisi in struttura', version: 1 });
    expect(paused.body.places[0].free).toBe(4);
    const national = await get(id, t.token(principals.national()));
    expect(national.body.acceptingNewGuests).toBe(false);
    expect(national.body).not.toHaveProperty('intakeNote');
  });

  it('keeps a history from which the current numbers replay', async () => {
    const { id, manager } = await facility({
      places: [
        { kind: 'adult', total: 3 },
        { kind: 'minor', total: 2 },
      ],
    });
    const holds = t.app.get(HoldsService);
    const h1 = await holds.hold(SYSTEM, id, 'adult');
    const h2 = await holds.hold(SYSTEM, id, 'adult');
    await holds.release(SYSTEM, h1.id, 'declined');
    await holds.admit(SYSTEM, h2.id);
    await put(id, manager, { version: 2, places: [{ kind: 'minor', total: 3, occupied: 1, outOfService: 1 }] });
    await holds.discharge(SYSTEM, id, 'adult', { reason: 'completed' });
    await holds.hold(SYSTEM, id, 'minor');
    const history = await t.http().get(`/api/v1/facilities/${id}/availability/history`).set(bearer(manager));
    expect(history.status).toBe(200);
    const types = history.body.events.map((e: { type: string }) => e.type);
    expect(types).toEqual(['created', 'created', 'hold', 'hold', 'release', 'admission', 'manager_update', 'confirm', 'discharge', 'hold']);
    const replayed = replay(history.body.events);
    const now = (await get(id, manager)).body.places as {
      kind: string;
      total: number;
      occupied: number;
      outOfService: number;
      held: number;
    }[];
    for (const p of now)
      expect(replayed.get(p.kind)).toEqual({ total: p.total, occupied: p.occupied, outOfService: p.outOfService, held: p.held });
    expect(history.body.events[2].actor).toEqual({ sub: 'system', role: 'admin' });
  });

  it('shows the history to the UOR of the region, not to others', async () => {
    const { id } = await facility({ provinceCode: 'SP' });
    expect(
      (
        await t
          .http()
          .get(`/api/v1/facilities/${id}/availability/history`)
          .set(bearer(t.token(principals.uor('07'))))
      ).status,
    ).toBe(200);
    expect(
      (
        await t
          .http()
          .get(`/api/v1/facilities/${id}/availability/history`)
          .set(bearer(t.token(principals.uor('09'))))
      ).status,
    ).toBe(403);
    expect(
      (
        await t
          .http()
          .get(`/api/v1/facilities/${id}/availability/history`)
          .set(bearer(t.token(principals.national())))
      ).status,
    ).toBe(403);
  });
});
