import { HoldsService, SYSTEM } from '../../src/availability/holds.service.js';
import { replay } from '../../src/facilities/place-events.js';
import { DomainError } from '../../src/domain/errors.js';
import { aFacility, principals } from '../support/factories.js';
import { bearer, startTestApp, type TestApp } from '../support/test-app.js';

/** Three service instances (each with its own connection pool) on one database race for the last bed. */
describe('holding the last bed across instances', () => {
  let instances: TestApp[];
  let facilityId: string;
  const ROUNDS = 5;
  const CALLERS = 120;

  beforeAll(async () => {
    const first = await startTestApp();
    instances = [first, await startTestApp({}, first.dbUrl), await startTestApp({}, first.dbUrl)];
    const res = await first
      .http()
      .post('/api/v1/facilities')
      .set(bearer(first.token(principals.admin())))
      .send(aFacility({ places: [{ kind: 'adult', total: 10, occupied: 9 }] }));
    facilityId = res.body.id;
  });
  afterAll(async () => {
    // the first owns the database and drops it last
    for (const t of instances.slice(1)) await t.close();
    await instances[0].close();
  });

  it(`lets exactly one of ${CALLERS} concurrent holds win, round after round`, async () => {
    const winners: string[] = [];
    for (let round = 0; round < ROUNDS; round++) {
      const outcomes = await Promise.allSettled(
        Array.from({ length: CALLERS }, (_, i) => instances[i % instances.length].app.get(HoldsService).hold(SYSTEM, facilityId, 'adult')),
      );
      const won = outcomes.filter((o) => o.status === 'fulfilled');
      const lost = outcomes.filter((o): o is PromiseRejectedResult => o.status === 'rejected');
      expect(won).toHaveLength(1);
      expect(lost).toHaveLength(CALLERS - 1);
      for (const l of lost) {
        expect(l.reason).toBeInstanceOf(DomainError);
        expect((l.reason as DomainError).code).toBe('no_free_place');
      }
      const hold = (won[0] as PromiseFulfilledResult<{ id: string }>).value;
      winners.push(hold.id);
      // free the bed for the next round, from another instance
      expect(await instances[(round + 1) % 3].app.get(HoldsService).release(SYSTEM, hold.id, 'released')).toBe(true);
    }
    expect(new Set(winners).size).toBe(ROUNDS);

    const [t] = instances;
    const [place] = await t.sql<{ total: number; occupied: number; out_of_service: number }>(
      `SELECT total, occupied, out_of_service FROM facility_place WHERE facility_id = $1`,
      [facilityId],
    );
    const [{ held }] = await t.sql<{ held: number }>(
      `SELECT count(*)::int AS held FROM place_hold WHERE facility_id = $1 AND released_at IS NULL`,
      [facilityId],
    );
    expect(held).toBe(0);
    const events = await t.sql<{ kind: string; delta: never; type: string }>(
      `SELECT kind, delta, type FROM availability_event WHERE facility_id = $1 ORDER BY id`,
      [facilityId],
    );
    expect(events.filter((e) => e.type === 'hold')).toHaveLength(ROUNDS);
    expect(events.filter((e) => e.type === 'release')).toHaveLength(ROUNDS);
    expect(replay(events).get('adult')).toEqual({ total: place.total, occupied: place.occupied, outOfService: place.out_of_service, held });
  });

  it('answers no 5xx over HTTP while instances race (availability reads stay consistent)', async () => {
    const holds = Array.from({ length: 30 }, (_, i) =>
      instances[i % 3].app
        .get(HoldsService)
        .hold(SYSTEM, facilityId, 'adult')
        .catch((e: DomainError) => e.code),
    );
    const reads = Array.from({ length: 30 }, (_, i) =>
      instances[i % 3]
        .http()
        .get(`/api/v1/facilities/${facilityId}/availability`)
        .set(bearer(instances[0].token(principals.admin()))),
    );
    const [h, r] = await Promise.all([Promise.all(holds), Promise.all(reads)]);
    expect(h.filter((x) => typeof x !== 'string')).toHaveLength(1);
    for (const res of r) {
      expect(res.status).toBe(200);
      expect(res.body.places[0].free).toBeGreaterThanOrEqual(0);
      expect(res.body.places[0].free + res.body.places[0].held + res.body.places[0].occupied).toBe(10);
    }
  });

  it('refuses in the database a hold that would overbook, even bypassing the service', async () => {
    const [t] = instances;
    await expect(
      t.sql(`INSERT INTO place_hold (facility_id, kind, expires_at) VALUES ($1, 'adult', now() + interval '1 hour')`, [facilityId]),
    ).rejects.toThrow(/overbooked/);
    await expect(t.sql(`UPDATE facility_place SET occupied = total WHERE facility_id = $1`, [facilityId])).rejects.toThrow(/overbooked/);
  });
});

describe('admissions and manager saves on one facility at once', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(() => t.close());

  it('never deadlock: each save either lands or answers 409, each admission lands', async () => {
    const admin = principals.admin();
    const res = await t
      .http()
      .post('/api/v1/facilities')
      .set(bearer(t.token(admin)))
      .send(aFacility({ places: [{ kind: 'adult', total: 40 }] }));
    const id = res.body.id as string;
    const manager = t.token(principals.manager(id));
    const holds = t.app.get(HoldsService);
    for (let round = 0; round < 10; round++) {
      const held = await Promise.all(Array.from({ length: 3 }, () => holds.hold(SYSTEM, id, 'adult')));
      const { body } = await t.http().get(`/api/v1/facilities/${id}/availability`).set(bearer(manager));
      const save = (n: number) =>
        t
          .http()
          .put(`/api/v1/facilities/${id}/availability`)
          .set(bearer(manager))
          .send({ version: body.version, places: [{ kind: 'adult', total: 40, occupied: body.places[0].occupied, outOfService: n }] });
      const outcomes = await Promise.allSettled([...held.map((h) => holds.admit(SYSTEM, h.id)), save(0), save(1)]);
      for (const o of outcomes.slice(0, 3)) expect(o.status).toBe('fulfilled');
      for (const o of outcomes.slice(3)) {
        expect(o.status).toBe('fulfilled');
        expect([200, 409]).toContain((o as PromiseFulfilledResult<{ status: number }>).value.status);
      }
    }
    const [p] = await t.sql<{ occupied: number }>(`SELECT occupied FROM facility_place WHERE facility_id = $1`, [id]);
    expect(p.occupied).toBe(30);
  });
});
