import { HoldsService, SYSTEM } from '../../src/availability/holds.service.js';
import { MatchingService } from '../../src/matching/matching.service.js';
import { aFacility, aRequest, principals } from '../support/factories.js';
import { bearer, startTestApp, type TestApp } from '../support/test-app.js';

/** A night with one family unit and one adult bed: arrival order wastes the unit, the plan does not. */
describe('POST /api/v1/placement-requests/batch-assignment', () => {
  let t: TestApp;
  const uor = principals.uor('07');
  const admin = principals.admin();
  let unit: string; // casa di fuga, one mother-child unit for two children, speaks her language
  let bed: string; // autonomy flat, one adult bed
  let single: string;
  let family: string;

  beforeAll(async () => {
    t = await startTestApp();
    const make = async (o: Parameters<typeof aFacility>[0]) => {
      const res = await t
        .http()
        .post('/api/v1/facilities')
        .set(bearer(t.token(admin)))
        .send(aFacility(o));
      await t
        .http()
        .post(`/api/v1/facilities/${res.body.id}/availability/confirm`)
        .set(bearer(t.token(admin)));
      return res.body.id as string;
    };
    unit = await make({
      type: 'casa_di_fuga',
      provinceCode: 'LU',
      languages: ['it', 'pcm'],
      places: [{ kind: 'mother_child', total: 1, childCapacity: 2 }],
    });
    bed = await make({
      type: 'autonomy_flat',
      provinceCode: 'SP',
      protectionLevel: 'low',
      languages: ['it'],
      accepts: { genders: ['female'], adults: true, minors: false, children: false },
      places: [{ kind: 'adult', total: 1 }],
    });
    const open = async (o: Parameters<typeof aRequest>[0]) =>
      (
        await t
          .http()
          .post('/api/v1/placement-requests')
          .set(bearer(t.token(uor)))
          .send(aRequest(o))
      ).body.id as string;
    // the single woman arrives first and, alone, would take the family unit (better score)
    single = await open({ protectionLevel: 'low', person: { languages: ['pcm'], children: [] } });
    t.clock.advance(60_000); // arrival order is creation time
    family = await open({ protectionLevel: 'low', person: { languages: ['pcm'], children: [{ age: 2 }, { age: 5 }] } });
  });
  afterAll(() => t.close());

  const plan = (body: object, who = uor) =>
    t
      .http()
      .post('/api/v1/placement-requests/batch-assignment')
      .set(bearer(t.token(who)))
      .send(body);
  const holds = async () => (await t.sql<{ n: number }>(`SELECT count(*)::int AS n FROM place_hold WHERE released_at IS NULL`))[0].n;

  it('places both where arrival order places one, and holds nothing on a dry run', async () => {
    const res = await plan({ requestIds: [single, family] });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ dryRun: true, optimal: true, objective: { placed: 2 }, greedy: { placed: 1 }, gain: { placed: 1 } });
    const to = Object.fromEntries(res.body.plan.map((x: { requestId: string; facilityId: string }) => [x.requestId, x.facilityId]));
    expect(to).toEqual({ [single]: bed, [family]: unit });
    for (const x of res.body.plan)
      expect(x.score).toBeCloseTo(
        x.breakdown.reduce((a: number, b: { points: number }) => a + b.points, 0),
        2,
      );
    expect(res.body.unplaced).toEqual([]);
    expect(await holds()).toBe(0);
  });

  it('answers coarse to national and plans across regions', async () => {
    const res = await plan({ all: true }, principals.national());
    expect(res.status).toBe(200);
    expect(res.body.objective.placed).toBe(2);
    for (const x of res.body.plan) expect(x).not.toHaveProperty('facilityName');
  });

  it('refuses what is not an open request in scope, and bad bodies', async () => {
    expect((await plan({ requestIds: [single] }, principals.uor('09'))).status).toBe(404);
    expect((await plan({})).status).toBe(400);
    expect((await plan({ requestIds: ['not-a-uuid'] })).body.code).toBe('validation_failed');
    expect((await plan({ all: true }, principals.manager(unit))).status).toBe(403);
  });

  it('rolls everything back with 409 when a planned place was taken meanwhile', async () => {
    const matching = t.app.get(MatchingService);
    const original = matching.loadSnapshots;
    // someone else takes the family unit right after the plan read the network
    let taken = false;
    matching.loadSnapshots = async (...args: Parameters<typeof original>) => {
      const snapshots = await original.apply(matching, args);
      if (!taken) {
        taken = true;
        await t.app.get(HoldsService).hold(SYSTEM, unit, 'mother_child');
      }
      return snapshots;
    };
    let res;
    try {
      res = await plan({ requestIds: [single, family], dryRun: false });
    } finally {
      matching.loadSnapshots = original;
    }
    expect(res.status).toBe(409);
    expect(res.body).toMatchObject({ code: 'plan_stale', changed: [{ requestId: family, facilityId: unit, code: 'no_free_place' }] });
    // the single woman's proposal, applied before the failure, was rolled back too
    expect((await t.sql(`SELECT id FROM proposal`)).length).toBe(0);
    expect(await holds()).toBe(1);
    await t.sql(`UPDATE place_hold SET released_at = now(), release_reason = 'released' WHERE released_at IS NULL`);
  });

  it('applies the plan as proposals, all at once', async () => {
    const res = await plan({ all: true, dryRun: false });
    expect(res.status).toBe(200);
    expect(res.body.dryRun).toBe(false);
    const proposals = await t.sql<{ request_id: string; facility_id: string; place_kind: string; status: string }>(
      `SELECT request_id, facility_id, place_kind, status FROM proposal ORDER BY place_kind`,
    );
    expect(proposals).toEqual([
      { request_id: single, facility_id: bed, place_kind: 'adult', status: 'pending' },
      { request_id: family, facility_id: unit, place_kind: 'mother_child', status: 'pending' },
    ]);
    expect(await holds()).toBe(2);
    // nothing is open any more
    expect((await plan({ all: true })).body.plan).toEqual([]);
  });
});
