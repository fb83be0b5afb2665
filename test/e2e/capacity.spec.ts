import { aFacility, principals } from '../support/factories.js';
import { bearer, startTestApp, type TestApp } from '../support/test-app.js';

describe('GET /api/v1/capacity', () => {
  let t: TestApp;
  const admin = principals.admin();
  let secretName: string;

  beforeAll(async () => {
    t = await startTestApp();
    const create = async (o: Parameters<typeof aFacility>[0], confirm = true) => {
      const res = await t
        .http()
        .post('/api/v1/facilities')
        .set(bearer(t.token(admin)))
        .send(aFacility(o));
      if (confirm)
        await t
          .http()
          .post(`/api/v1/facilities/${res.body.id}/availability/confirm`)
          .set(bearer(t.token(admin)));
      return res.body.id as string;
    };
    secretName = 'Casa Segreta Canarino 7781';
    await create({
      name: secretName,
      provinceCode: 'GE',
      secretAddress: true,
      address: 'Via Canarino 7781',
      places: [{ kind: 'adult', total: 4, occupied: 1 }],
    });
    await create({
      provinceCode: 'GE',
      places: [
        { kind: 'adult', total: 2 },
        { kind: 'mother_child', total: 1, childCapacity: 2 },
      ],
    });
    await create({ provinceCode: 'SP', type: 'semi_autonomy_flat', places: [{ kind: 'adult', total: 2 }] }, false); // never confirmed
    const paused = await create({ provinceCode: 'LU', places: [{ kind: 'adult', total: 3 }] });
    await t
      .http()
      .post(`/api/v1/facilities/${paused}/availability/intake`)
      .set(bearer(t.token(admin)))
      .send({ acceptingNewGuests: false });
  });
  afterAll(() => t.close());

  const get = (token: string, q = '') => t.http().get(`/api/v1/capacity${q}`).set(bearer(token));
  const row = (rows: { provinceCode: string; type: string; kind: string }[], prov: string, type: string, kind: string) =>
    rows.find((r) => r.provinceCode === prov && r.type === type && r.kind === kind);

  it('aggregates free places by region, province, type and kind', async () => {
    const res = await get(t.token(principals.national()));
    expect(res.status).toBe(200);
    expect(row(res.body.rows, 'GE', 'casa_di_fuga', 'adult')).toMatchObject({
      regionCode: '07',
      facilities: 2,
      total: 6,
      free: 5,
      staleFacilities: 0,
      unknownFacilities: 0,
    });
    expect(row(res.body.rows, 'GE', 'casa_di_fuga', 'mother_child')).toMatchObject({ facilities: 1, free: 1 });
    // never confirmed: call first, never free
    expect(row(res.body.rows, 'SP', 'semi_autonomy_flat', 'adult')).toMatchObject({ free: 0, unknownFacilities: 1 });
    // paused intake is not free
    expect(row(res.body.rows, 'LU', 'casa_di_fuga', 'adult')).toMatchObject({ regionCode: '09', free: 0, pausedFacilities: 1 });
  });

  it('moves data past the threshold to freeStale', async () => {
    t.clock.advance((t.config.staleAfterHours + 1) * 3_600_000);
    const res = await get(t.token(admin));
    expect(row(res.body.rows, 'GE', 'casa_di_fuga', 'adult')).toMatchObject({ free: 0, freeStale: 5, staleFacilities: 2 });
    t.clock.advance(-(t.config.staleAfterHours + 1) * 3_600_000);
  });

  it('filters by region, type and kind', async () => {
    const res = await get(t.token(principals.uor('07')), '?regionCode=07&kind=adult&type=casa_di_fuga');
    expect(res.status).toBe(200);
    expect(res.body.rows).toHaveLength(1);
    expect(res.body.rows[0]).toMatchObject({ provinceCode: 'GE', kind: 'adult' });
    expect((await get(t.token(admin), '?kind=bed')).status).toBe(400);
  });

  it('never carries names, addresses or contacts', async () => {
    const body = JSON.stringify((await get(t.token(principals.national()))).body);
    expect(body).not.toContain(secretName);
    expect(body).not.toContain('Canarino');
    expect(body).not.toContain('@example.org');
  });

  it('is for national, uor and admin only', async () => {
    const { body } = await t
      .http()
      .get('/api/v1/facilities')
      .set(bearer(t.token(admin)));
    expect((await get(t.token(principals.manager(body.items[0].id)))).status).toBe(403);
    expect((await t.http().get('/api/v1/capacity')).status).toBe(401);
  });
});
