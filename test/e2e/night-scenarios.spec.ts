import { DemoService } from '../../src/demo/demo.service.js';
import { DEMO_FACILITIES } from '../../src/demo/demo-network.data.js';
import { aRequest, principals, type RequestOverrides } from '../support/factories.js';
import { bearer, startTestApp, type TestApp } from '../support/test-app.js';

type Json = Record<string, any>;

/** The night scenarios of issue 12, on the demo network the service ships: each finds the right places, or a clear reason why none. */
describe('night scenarios on the demo network (e2e)', () => {
  let t: TestApp;
  let ids: Map<string, string>;
  const admin = principals.admin();
  const keyOf = (id: string) => [...ids.entries()].find(([, v]) => v === id)?.[0];
  const demo = (key: string) => DEMO_FACILITIES.find((f) => f.key === key)!;

  async function search(region: string, o: RequestOverrides) {
    const uor = principals.uor(region);
    const r = await t
      .http()
      .post('/api/v1/placement-requests')
      .set(bearer(t.token(uor)))
      .send(aRequest(o));
    expect(r.status).toBe(201);
    const res = await t
      .http()
      .get(`/api/v1/placement-requests/${r.body.id}/candidates?limit=200`)
      .set(bearer(t.token(uor)));
    expect(res.status).toBe(200);
    return res.body as { candidates: Json[]; excluded: { reason: string; count: number }[] };
  }

  beforeAll(async () => {
    t = await startTestApp();
    ids = await t.app.get(DemoService).loadIfEmpty();
    expect(ids.size).toBe(DEMO_FACILITIES.length);
  });
  afterAll(() => t.close());

  it('a 16-year-old mother with her baby finds mother-child units of houses that take minors', async () => {
    const res = await search('10', {
      person: { gender: 'female', age: 16, children: [{ age: 0, sex: 'female' }], languages: ['en'] },
      protectionLevel: 'medium',
      origin: { provinceCode: 'PG' },
    });
    const keys = res.candidates.map((c) => keyOf(c.facilityId));
    expect(keys).toContain('pg-comunita-madri-giovani-trasimeno');
    expect(keys).toContain('rc-comunita-madri-stretto');
    for (const c of res.candidates) {
      expect(c.placeKind).toBe('mother_child');
      expect(demo(keyOf(c.facilityId)!).accepts.minors).toBe(true);
    }
    expect(res.excluded).toEqual(expect.arrayContaining([expect.objectContaining({ reason: 'age_not_accepted' })]));
  });

  it('a man with his child finds the fathers’ units', async () => {
    const res = await search('06', {
      person: { gender: 'male', age: 34, children: [{ age: 5, sex: 'male' }], languages: ['ur'], exploitation: ['labour'] },
      protectionLevel: 'low',
      origin: { provinceCode: 'UD' },
    });
    const keys = res.candidates.map((c) => keyOf(c.facilityId));
    expect(keys).toEqual(expect.arrayContaining(['ud-comunita-padri-friuli', 'ca-casa-padri-figli-golfo']));
    for (const c of res.candidates) expect(demo(keyOf(c.facilityId)!).accepts.genders).toContain('male');
  });

  it('a woman with a 14-year-old son is kept out of houses taking boys up to 12, and told why', async () => {
    const res = await search('07', {
      person: { children: [{ age: 14, sex: 'male' }] },
      protectionLevel: 'low',
      origin: { provinceCode: 'GE' },
    });
    expect(res.candidates.length).toBeGreaterThan(0);
    for (const c of res.candidates) {
      const limit = demo(keyOf(c.facilityId)!).accepts.boysUpToAge;
      expect(limit == null || limit >= 14).toBe(true);
    }
    const limited = DEMO_FACILITIES.filter((f) => f.accepts.boysUpToAge != null && f.accepts.boysUpToAge < 14).map((f) => ids.get(f.key));
    for (const id of limited) expect(res.candidates.map((c) => c.facilityId)).not.toContain(id);
    expect(res.excluded).toEqual(expect.arrayContaining([expect.objectContaining({ reason: 'children_not_accepted' })]));
  });

  it('at 2 a.m. the UOR of the region reads the on-call number where it reads the e-mail; others do not', async () => {
    const id = ids.get('pg-comunita-madri-giovani-trasimeno')!;
    const own = (
      await t
        .http()
        .get(`/api/v1/facilities/${id}`)
        .set(bearer(t.token(principals.uor('10'))))
    ).body;
    expect(own).toMatchObject({ onCallPhone: demo('pg-comunita-madri-giovani-trasimeno').onCallPhone, contactEmail: expect.any(String) });
    const other = (
      await t
        .http()
        .get(`/api/v1/facilities/${id}`)
        .set(bearer(t.token(principals.uor('07'))))
    ).body;
    expect(other).not.toHaveProperty('onCallPhone');
    expect(other).not.toHaveProperty('contactEmail');
    expect(
      (
        await t
          .http()
          .get(`/api/v1/facilities/${id}`)
          .set(bearer(t.token(admin)))
      ).body.onCallPhone,
    ).toBe('+390750000001');
  });

  it('a wheelchair user without a permit finds step-free houses open to her status, or a clear reason why not', async () => {
    const res = await search('13', {
      person: { gender: 'female', age: 29, wheelchair: true, legalStatus: 'no_permit' },
      protectionLevel: 'low',
      origin: { provinceCode: 'PE' },
    });
    expect(res.candidates.length).toBeGreaterThan(0);
    for (const c of res.candidates) {
      const f = demo(keyOf(c.facilityId)!);
      expect(f.wheelchairAccessible).toBe(true);
      expect((f.legalStatusesAccepted ?? []).length === 0 || f.legalStatusesAccepted!.includes('no_permit')).toBe(true);
    }
    expect(res.excluded.map((e) => e.reason)).toContain('not_wheelchair_accessible');
  });
});
