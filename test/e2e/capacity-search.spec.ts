import { HoldsService, SYSTEM } from '../../src/availability/holds.service.js';
import { aFacility, principals } from '../support/factories.js';
import { bearer, startTestApp, type TestApp } from '../support/test-app.js';

const profile = (o: Record<string, unknown> = {}) => ({
  person: {
    gender: 'female',
    age: 24,
    children: [{ age: 3 }, { age: 6 }],
    pregnant: false,
    languages: ['en', 'pcm'],
    exploitation: ['sexual'],
    needs: [],
  },
  protectionLevel: 'high',
  stage: 'first_reception',
  origin: { provinceCode: 'GE' },
  // she was exploited in Genova, where she is now too (issue 28: two questions, asked apart)
  safety: { exploitationProvinces: ['GE'], excludedProvinces: [], excludedRegions: [], minDistanceKm: 50, conflictTags: [] },
  preferences: { crossRegion: true, maxDistanceKm: 400 },
  ...o,
});

describe('POST /api/v1/capacity/search', () => {
  let t: TestApp;
  const ids: Record<string, string> = {};
  beforeAll(async () => {
    t = await startTestApp();
    const admin = t.token(principals.admin());
    const make = async (key: string, o: Parameters<typeof aFacility>[0]) => {
      const res = await t.http().post('/api/v1/facilities').set(bearer(admin)).send(aFacility(o));
      ids[key] = res.body.id;
      await t.http().post(`/api/v1/facilities/${res.body.id}/availability/confirm`).set(bearer(admin));
    };
    const mc = [
      { kind: 'adult' as const, total: 2 },
      { kind: 'mother_child' as const, total: 1, childCapacity: 2 },
    ];
    await make('lucca', { name: 'Segreta Lucca', provinceCode: 'LU', secretAddress: true, languages: ['it', 'en', 'pcm'], places: mc });
    await make('firenze', { provinceCode: 'FI', type: 'high_intensity_community', languages: ['it'], places: mc });
    await make('genova', { provinceCode: 'GE', places: mc }); // where she was exploited
    await make('spezia', { provinceCode: 'SP', languages: ['it'], places: mc }); // about 80 km from Genova: passes minDistanceKm 50
    await make('small', {
      provinceCode: 'PI',
      places: [{ kind: 'mother_child', total: 1, childCapacity: 1 }],
      accepts: { genders: ['female'], adults: true, minors: false, children: true },
    });
    await make('men', {
      provinceCode: 'BS',
      accepts: { genders: ['male'], adults: true, minors: false, children: false },
      places: [{ kind: 'adult', total: 3 }],
    });
    await make('palermo', { provinceCode: 'PA', places: mc }); // too far
  });
  afterAll(() => t.close());

  it('ranks coarse candidates with breakdowns and counts the excluded', async () => {
    const res = await t
      .http()
      .post('/api/v1/capacity/search')
      .set(bearer(t.token(principals.national())))
      .send(profile());
    expect(res.status).toBe(200);
    const found = res.body.candidates.map((c: { facilityId: string }) => c.facilityId);
    expect(found).toEqual(expect.arrayContaining([ids.lucca, ids.firenze, ids.spezia]));
    expect(found).not.toContain(ids.genova);
    expect(found).not.toContain(ids.palermo);
    expect(found).not.toContain(ids.small);
    expect(found[0]).toBe(ids.lucca); // speaks her languages, casa di fuga for first reception
    for (const c of res.body.candidates) {
      expect(c.placeKind).toBe('mother_child');
      const sum = c.breakdown.reduce((a: number, b: { points: number }) => a + b.points, 0);
      expect(Math.round(sum * 100) / 100).toBe(c.score);
      expect(c).not.toHaveProperty('facilityName');
      expect(c).not.toHaveProperty('name');
    }
    const excluded = Object.fromEntries(res.body.excluded.map((e: { reason: string; count: number }) => [e.reason, e.count]));
    expect(excluded).toMatchObject({ exploitation_area: 1, too_far: 1, children_not_accepted: 1, gender_not_accepted: 1 });
    expect(JSON.stringify(res.body)).not.toContain('Segreta');
  });

  it('keeps a UOR in its region unless cross-region is allowed', async () => {
    const res = await t
      .http()
      .post('/api/v1/capacity/search')
      .set(bearer(t.token(principals.uor('07'))))
      .send(profile({ preferences: { crossRegion: false }, safety: { excludedProvinces: [], excludedRegions: [], conflictTags: [] } }));
    expect(res.status).toBe(200);
    const regions = new Set(res.body.candidates.map((c: { regionCode: string }) => c.regionCode));
    expect([...regions]).toEqual(['07']);
    expect(res.body.excluded.find((e: { reason: string }) => e.reason === 'out_of_region').count).toBeGreaterThan(0);
  });

  it('refuses bad profiles and other roles', async () => {
    const national = bearer(t.token(principals.national()));
    expect(
      (
        await t
          .http()
          .post('/api/v1/capacity/search')
          .set(national)
          .send(profile({ stage: 'third' }))
      ).status,
    ).toBe(400);
    expect(
      (
        await t
          .http()
          .post('/api/v1/capacity/search')
          .set(national)
          .send({ ...profile(), name: 'Jane Doe' })
      ).status,
    ).toBe(400);
    expect(
      (
        await t
          .http()
          .post('/api/v1/capacity/search')
          .set(national)
          .send(profile({ origin: { provinceCode: 'ZZ' } }))
      ).body.code,
    ).toBe('unknown_province');
    expect(
      (
        await t
          .http()
          .post('/api/v1/capacity/search')
          .set(bearer(t.token(principals.admin())))
          .send(profile())
      ).status,
    ).toBe(403);
  });

  it('stores nothing', async () => {
    const before = await t.sql<{ n: number }>(`SELECT count(*)::int AS n FROM audit_log`);
    await t
      .http()
      .post('/api/v1/capacity/search')
      .set(bearer(t.token(principals.national())))
      .send(profile());
    const tables = await t.sql<{ n: number }>(`SELECT (SELECT count(*) FROM place_hold)::int AS n`);
    expect(tables[0].n).toBe(0);
    expect((await t.sql<{ n: number }>(`SELECT count(*)::int AS n FROM audit_log`))[0].n).toBe(before[0].n);
  });
});

describe('the matching catalogue follows every change', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(() => t.close());

  it('sees a paused intake, a new facility and a taken bed on the very next search', async () => {
    const admin = bearer(t.token(principals.admin()));
    const national = bearer(t.token(principals.national()));
    const body = profile({
      person: { gender: 'female', age: 30, children: [], pregnant: false, languages: ['en'], exploitation: ['sexual'], needs: [] },
    });
    const a = (
      await t
        .http()
        .post('/api/v1/facilities')
        .set(admin)
        .send(aFacility({ provinceCode: 'LU', places: [{ kind: 'adult', total: 1 }] }))
    ).body.id;
    const search = async () => (await t.http().post('/api/v1/capacity/search').set(national).send(body)).body;
    expect((await search()).candidates.map((c: { facilityId: string }) => c.facilityId)).toEqual([a]);
    await t.http().post(`/api/v1/facilities/${a}/availability/intake`).set(admin).send({ acceptingNewGuests: false }).expect(200);
    expect((await search()).excluded).toEqual([{ reason: 'not_accepting', count: 1 }]);
    const b = (
      await t
        .http()
        .post('/api/v1/facilities')
        .set(admin)
        .send(aFacility({ provinceCode: 'FI', places: [{ kind: 'adult', total: 1 }] }))
    ).body.id;
    expect((await search()).candidates.map((c: { facilityId: string }) => c.facilityId)).toEqual([b]);
    // a hold does not move the catalogue, yet the next search sees the bed gone
    await t.app.get(HoldsService).hold(SYSTEM, b, 'adult');
    const after = await search();
    expect(after.candidates).toEqual([]);
    expect(after.excluded).toEqual([
      { reason: 'not_accepting', count: 1 },
      { reason: 'no_free_place', count: 1 },
    ]);
  });
});
