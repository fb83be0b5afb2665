import { randomUUID } from 'node:crypto';
import type { Principal } from '../../src/auth/principal.js';
import type { CreateFacilityDto } from '../../src/facilities/dto/create-facility.dto.js';
import { aFacility, principals } from '../support/factories.js';
import { bearer, startTestApp, TestApp } from '../support/test-app.js';

type Body = Record<string, any>;

const SECRET_ADDRESS = `Vicolo Segreto ${randomUUID()}, Genova`;
const OPEN_ADDRESS = `Via Aperta ${randomUUID()}, Genova`;

describe('facilities (e2e)', () => {
  let t: TestApp;
  const as = (p: Principal) => bearer(t.token(p));
  const admin = principals.admin();
  const uorLiguria = principals.uor('07');
  const uorToscana = principals.uor('09');
  const national = principals.national();

  /** ids of the fixture network, created once by the admin */
  const ids: Record<'geOpen' | 'geSecret' | 'spFlat' | 'luMinors' | 'bsFull', string> = {} as never;

  const create = async (dto: CreateFacilityDto, p: Principal = admin) => {
    const res = await t.http().post('/api/v1/facilities').set(as(p)).send(dto);
    expect(res.status).toBe(201);
    return res.body as Body;
  };
  const list = async (p: Principal, query: Record<string, string | number | boolean> = {}) => {
    const res = await t.http().get('/api/v1/facilities').query(query).set(as(p));
    expect(res.status).toBe(200);
    return res.body as { items: Body[]; limit: number; offset: number };
  };
  const idsOf = (items: Body[]) => items.map((i) => i.id as string);
  const detail = (p: Principal, id: string) => t.http().get(`/api/v1/facilities/${id}`).set(as(p));

  beforeAll(async () => {
    t = await startTestApp();
    // Genova, open address, all adult beds occupied
    ids.geOpen = (
      await create(
        aFacility({
          name: 'A Genova aperta',
          type: 'high_intensity_community',
          provinceCode: 'GE',
          secretAddress: false,
          address: OPEN_ADDRESS,
          location: { lat: 44.4, lon: 8.9 },
          intakeNote: 'call the coordinator first',
          places: [{ kind: 'adult', total: 4, occupied: 4 }],
        }),
      )
    ).id;
    // Genova, secret address, adult beds full but a free mother-child unit
    ids.geSecret = (
      await create(
        aFacility({
          name: 'B Genova segreta',
          type: 'casa_di_fuga',
          provinceCode: 'GE',
          secretAddress: true,
          address: SECRET_ADDRESS,
          location: { lat: 44.41, lon: 8.93 },
          places: [
            { kind: 'adult', total: 2, occupied: 2 },
            { kind: 'mother_child', total: 1, childCapacity: 2 },
          ],
        }),
      )
    ).id;
    // La Spezia, semi-autonomy flat with free adult beds
    ids.spFlat = (
      await create(
        aFacility({ name: 'C Spezia', type: 'semi_autonomy_flat', provinceCode: 'SP', places: [{ kind: 'adult', total: 3, occupied: 1 }] }),
      )
    ).id;
    // Lucca (Toscana), minors
    ids.luMinors = (
      await create(
        aFacility({
          name: 'D Lucca',
          type: 'medium_intensity_community',
          provinceCode: 'LU',
          accepts: { genders: ['female'], adults: false, minors: true, children: false },
          places: [{ kind: 'minor', total: 5, occupied: 2 }],
        }),
      )
    ).id;
    // Brescia (Lombardia), everything out of service
    ids.bsFull = (
      await create(
        aFacility({
          name: 'E Brescia',
          type: 'protected_flat',
          provinceCode: 'BS',
          places: [{ kind: 'adult', total: 2, outOfService: 2 }],
        }),
      )
    ).id;
  });
  afterAll(() => t.close());

  describe('POST /api/v1/facilities', () => {
    it('admin creates anywhere; the answer carries id, derived regionCode and the full detail', async () => {
      const body = await create(aFacility({ provinceCode: 'LU', address: 'Via Lucca 1' }));
      expect(body.id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
      expect(body.regionCode).toBe('09');
      expect(body.provinceCode).toBe('LU');
      expect(body.address).toBe('Via Lucca 1');
      expect(body.places).toEqual([{ kind: 'adult', total: 4, occupied: 0, held: 0, outOfService: 0, free: 4 }]);
    });

    it.each([
      ['BS', '03'],
      ['GE', '07'],
      ['SP', '07'],
      ['LU', '09'],
      ['RM', '12'],
      ['CA', '20'],
    ])('derives the region from province %s → %s', async (provinceCode, regionCode) => {
      const body = await create(aFacility({ provinceCode }));
      expect(body.regionCode).toBe(regionCode);
      const [row] = await t.sql<{ region_code: string }>('SELECT region_code FROM facility WHERE id = $1', [body.id]);
      expect(row.region_code).toBe(regionCode);
    });

    it('a regionCode in the body is refused: the region comes from the province only', async () => {
      const res = await t
        .http()
        .post('/api/v1/facilities')
        .set(as(admin))
        .send({ ...aFacility({ provinceCode: 'GE' }), regionCode: '09' });
      expect(res.status).toBe(400);
      expect(res.body.code).toBe('validation_failed');
    });

    it.each([
      ['casa_di_fuga', 'high'],
      ['high_intensity_community', 'high'],
      ['medium_intensity_community', 'medium'],
      ['protected_flat', 'medium'],
      ['semi_autonomy_flat', 'low'],
      ['autonomy_flat', 'low'],
    ] as const)('defaults the protection level of %s to %s', async (type, level) => {
      const body = await create(aFacility({ type }));
      expect(body.protectionLevel).toBe(level);
    });

    it('keeps an explicit protection level over the default of the type', async () => {
      const low = await create(aFacility({ type: 'casa_di_fuga', protectionLevel: 'low' }));
      expect(low.protectionLevel).toBe('low');
      const high = await create(aFacility({ type: 'semi_autonomy_flat', protectionLevel: 'high' }));
      expect(high.protectionLevel).toBe('high');
    });

    it('a UOR creates in its own region', async () => {
      const body = await create(aFacility({ provinceCode: 'SV' }), uorLiguria);
      expect(body.regionCode).toBe('07');
    });

    it('a UOR creating in another region gets 403 forbidden and nothing is written', async () => {
      const before = await t.sql<{ n: number }>('SELECT count(*)::int AS n FROM facility');
      const res = await t
        .http()
        .post('/api/v1/facilities')
        .set(as(uorToscana))
        .send(aFacility({ provinceCode: 'GE' }));
      expect(res.status).toBe(403);
      expect(res.body.code).toBe('forbidden');
      const after = await t.sql<{ n: number }>('SELECT count(*)::int AS n FROM facility');
      expect(after[0].n).toBe(before[0].n);
    });

    it('national and shelter managers may not create (403)', async () => {
      for (const p of [national, principals.manager(ids.geOpen)]) {
        const res = await t.http().post('/api/v1/facilities').set(as(p)).send(aFacility());
        expect(res.status).toBe(403);
        expect(res.body.code).toBe('forbidden');
      }
    });
  });

  describe('GET /api/v1/facilities (filters)', () => {
    it('without filters lists every facility, ordered by region, province, name', async () => {
      const { items, limit, offset } = await list(admin, { limit: 200 });
      expect(limit).toBe(200);
      expect(offset).toBe(0);
      expect(idsOf(items)).toEqual(expect.arrayContaining(Object.values(ids)));
      const keys = items.map((i) => `${i.regionCode}|${i.provinceCode}|${i.name}`);
      expect(keys).toEqual([...keys].sort());
    });

    it('defaults to limit 50, offset 0', async () => {
      const body = await list(admin);
      expect(body.limit).toBe(50);
      expect(body.offset).toBe(0);
      expect(body.items.length).toBeLessThanOrEqual(50);
    });

    it('regionCode', async () => {
      const { items } = await list(admin, { regionCode: '07', limit: 200 });
      expect(items.length).toBeGreaterThan(0);
      expect(items.every((i) => i.regionCode === '07')).toBe(true);
      expect(idsOf(items)).toEqual(expect.arrayContaining([ids.geOpen, ids.geSecret, ids.spFlat]));
      expect(idsOf(items)).not.toContain(ids.luMinors);
    });

    it('provinceCode', async () => {
      const { items } = await list(admin, { provinceCode: 'SP', limit: 200 });
      expect(items.every((i) => i.provinceCode === 'SP')).toBe(true);
      expect(idsOf(items)).toContain(ids.spFlat);
      expect(idsOf(items)).not.toContain(ids.geOpen);
    });

    it('type', async () => {
      const { items } = await list(admin, { type: 'protected_flat', limit: 200 });
      expect(items.every((i) => i.type === 'protected_flat')).toBe(true);
      expect(idsOf(items)).toContain(ids.bsFull);
      expect(idsOf(items)).not.toContain(ids.geSecret);
    });

    it('kind: facilities having places of that kind', async () => {
      const { items } = await list(admin, { kind: 'minor', limit: 200 });
      expect(items.length).toBeGreaterThan(0);
      expect(items.every((i) => i.places.some((p: Body) => p.kind === 'minor'))).toBe(true);
      expect(idsOf(items)).toContain(ids.luMinors);
      expect(idsOf(items)).not.toContain(ids.spFlat);
      const mc = await list(admin, { kind: 'mother_child', limit: 200 });
      expect(idsOf(mc.items)).toEqual([ids.geSecret]);
    });

    it('hasFree=true: only facilities with a free place', async () => {
      const { items } = await list(admin, { hasFree: true, limit: 200 });
      expect(items.every((i) => i.places.some((p: Body) => p.free > 0))).toBe(true);
      expect(idsOf(items)).toEqual(expect.arrayContaining([ids.geSecret, ids.spFlat, ids.luMinors]));
      expect(idsOf(items)).not.toContain(ids.geOpen);
      expect(idsOf(items)).not.toContain(ids.bsFull);
    });

    it('hasFree=false: only facilities without any free place', async () => {
      const { items } = await list(admin, { hasFree: false, limit: 200 });
      expect(items.every((i) => i.places.every((p: Body) => p.free === 0))).toBe(true);
      expect(idsOf(items)).toEqual(expect.arrayContaining([ids.geOpen, ids.bsFull]));
      expect(idsOf(items)).not.toContain(ids.geSecret);
    });

    it('hasFree with kind looks at that kind only', async () => {
      // geSecret: adult beds full, a mother-child unit free
      const adultFree = await list(admin, { hasFree: true, kind: 'adult', limit: 200 });
      expect(idsOf(adultFree.items)).not.toContain(ids.geSecret);
      expect(idsOf(adultFree.items)).toContain(ids.spFlat);
      const adultFull = await list(admin, { hasFree: false, kind: 'adult', limit: 200 });
      expect(idsOf(adultFull.items)).toContain(ids.geSecret);
      expect(idsOf(adultFull.items)).not.toContain(ids.luMinors); // no adult places at all
    });

    it('filters combine', async () => {
      const { items } = await list(admin, {
        regionCode: '07',
        provinceCode: 'GE',
        type: 'casa_di_fuga',
        kind: 'mother_child',
        hasFree: true,
      });
      expect(idsOf(items)).toEqual([ids.geSecret]);
      const none = await list(admin, { regionCode: '09', provinceCode: 'GE' });
      expect(none.items).toEqual([]);
    });

    it('limit and offset page through the same order', async () => {
      const all = idsOf((await list(admin, { limit: 200 })).items);
      expect(all.length).toBeGreaterThanOrEqual(5);
      const page1 = await list(admin, { limit: 2, offset: 0 });
      const page2 = await list(admin, { limit: 2, offset: 2 });
      expect(page1).toMatchObject({ limit: 2, offset: 0 });
      expect(page2).toMatchObject({ limit: 2, offset: 2 });
      expect(idsOf(page1.items)).toEqual(all.slice(0, 2));
      expect(idsOf(page2.items)).toEqual(all.slice(2, 4));
      const beyond = await list(admin, { limit: 2, offset: all.length });
      expect(beyond.items).toEqual([]);
    });

    it.each([
      { regionCode: '7' },
      { provinceCode: 'ge' },
      { type: 'hotel' },
      { kind: 'sofa' },
      { hasFree: 'yes' },
      { limit: 0 },
      { limit: 201 },
      { limit: 'ten' },
      { offset: -1 },
      { unknown: 'x' },
    ])('refuses a bad query %j with 400 validation_failed', async (query) => {
      const res = await t.http().get('/api/v1/facilities').query(query).set(as(admin));
      expect(res.status).toBe(400);
      expect(res.body.code).toBe('validation_failed');
    });
  });

  describe('visibility by role', () => {
    it('admin: full detail with a secret address, location and contact', async () => {
      const res = await detail(admin, ids.geSecret);
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({
        id: ids.geSecret,
        name: 'B Genova segreta',
        organization: 'Cooperativa Test',
        secretAddress: true,
        address: SECRET_ADDRESS,
        addressHidden: false,
        location: { lat: 44.41, lon: 8.93 },
        regionCode: '07',
        provinceCode: 'GE',
      });
      expect(res.body.contactEmail).toMatch(/@example\.org$/);
      expect(res.body).toHaveProperty('intakeNote');
    });

    it('admin list: every facility, never an address (the detail reveals and audits it)', async () => {
      const { items } = await list(admin, { regionCode: '07', limit: 200 });
      const secret = items.find((i) => i.id === ids.geSecret)!;
      expect(secret.name).toBe('B Genova segreta');
      expect(JSON.stringify(items)).not.toContain(SECRET_ADDRESS);
    });

    it('uor of the region: open facility with address and location', async () => {
      const res = await detail(uorLiguria, ids.geOpen);
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({
        name: 'A Genova aperta',
        address: OPEN_ADDRESS,
        addressHidden: false,
        location: { lat: 44.4, lon: 8.9 },
        intakeNote: 'call the coordinator first',
      });
      expect(res.body.contactEmail).toMatch(/@example\.org$/);
    });

    it('uor of the region: a secret address stays hidden (address null, addressHidden true, location null)', async () => {
      const res = await detail(uorLiguria, ids.geSecret);
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({ name: 'B Genova segreta', secretAddress: true, address: null, addressHidden: true, location: null });
      expect(res.body.contactEmail).toMatch(/@example\.org$/);
      expect(JSON.stringify(res.body)).not.toContain(SECRET_ADDRESS);
    });

    it('uor of another region: limited, without address, contact, location or intake note keys', async () => {
      for (const id of [ids.geOpen, ids.geSecret]) {
        const res = await detail(uorToscana, id);
        expect(res.status).toBe(200);
        expect(res.body.name).toBeDefined();
        expect(res.body.organization).toBe('Cooperativa Test');
        expect(res.body.places.length).toBeGreaterThan(0);
        for (const key of ['address', 'addressHidden', 'contactEmail', 'location', 'intakeNote']) expect(res.body).not.toHaveProperty(key);
      }
      const { items } = await list(uorToscana, { regionCode: '07', limit: 200 });
      expect(items.length).toBeGreaterThanOrEqual(3);
      for (const item of items)
        for (const key of ['address', 'contactEmail', 'location', 'intakeNote']) expect(item).not.toHaveProperty(key);
      // while its own region's facilities come full
      const own = await detail(uorToscana, ids.luMinors);
      expect(own.body.contactEmail).toMatch(/@example\.org$/);
      expect(own.body).toMatchObject({ addressHidden: false, address: expect.any(String) });
    });

    it('national: coarse only, no name, organization, address or contact', async () => {
      const res = await detail(national, ids.geSecret);
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({ id: ids.geSecret, regionCode: '07', provinceCode: 'GE', type: 'casa_di_fuga' });
      expect(res.body.places).toEqual(expect.arrayContaining([expect.objectContaining({ kind: 'mother_child', free: 1 })]));
      const forbiddenKeys = ['name', 'organization', 'address', 'addressHidden', 'contactEmail', 'location', 'intakeNote'];
      for (const key of forbiddenKeys) expect(res.body).not.toHaveProperty(key);
      const { items } = await list(national, { limit: 200 });
      expect(idsOf(items)).toEqual(expect.arrayContaining(Object.values(ids)));
      for (const item of items) for (const key of forbiddenKeys) expect(item).not.toHaveProperty(key);
    });

    it('shelter manager: lists only its facilities', async () => {
      const manager = principals.manager(ids.geSecret, ids.luMinors);
      const { items } = await list(manager, { limit: 200 });
      expect(idsOf(items).sort()).toEqual([ids.geSecret, ids.luMinors].sort());
      const filtered = await list(manager, { regionCode: '09' });
      expect(idsOf(filtered.items)).toEqual([ids.luMinors]);
    });

    it('shelter manager without facilities lists nothing', async () => {
      const { items } = await list(principals.manager(), { limit: 200 });
      expect(items).toEqual([]);
    });

    it('shelter manager: full detail of its own facility, secret address included', async () => {
      const res = await detail(principals.manager(ids.geSecret), ids.geSecret);
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({ address: SECRET_ADDRESS, addressHidden: false, location: { lat: 44.41, lon: 8.93 } });
    });

    it("shelter manager: another's facility answers 404 not_found, as if it did not exist", async () => {
      const res = await detail(principals.manager(ids.geSecret), ids.geOpen);
      expect(res.status).toBe(404);
      expect(res.body.code).toBe('not_found');
      const missing = await detail(principals.manager(ids.geSecret), randomUUID());
      expect(missing.status).toBe(404);
      expect({ ...missing.body }).toEqual({ ...res.body });
    });

    it('an unknown id answers 404 not_found to every role', async () => {
      for (const p of [admin, uorLiguria, national, principals.manager(ids.geOpen)]) {
        const res = await detail(p, randomUUID());
        expect(res.status).toBe(404);
        expect(res.body.code).toBe('not_found');
      }
    });
  });

  describe('audit of secret address reads', () => {
    const readsOf = (id: string) =>
      t.sql<{ actor_sub: string; actor_role: string; object_type: string; row: string }>(
        `SELECT actor_sub, actor_role, object_type, row_to_json(a)::text AS row FROM audit_log a
         WHERE action = 'facility.read_secret_address' AND object_id = $1 ORDER BY id`,
        [id],
      );

    it('a detail read of a secret address by admin writes an audit row without the address', async () => {
      const before = await readsOf(ids.geSecret);
      const res = await detail(admin, ids.geSecret);
      expect(res.status).toBe(200);
      expect(res.body.address).toBe(SECRET_ADDRESS);
      const after = await readsOf(ids.geSecret);
      expect(after.length).toBe(before.length + 1);
      const row = after[after.length - 1];
      expect(row).toMatchObject({ actor_sub: admin.sub, actor_role: 'admin', object_type: 'facility' });
      expect(row.row).not.toContain(SECRET_ADDRESS);
      expect(row.row).not.toContain('Vicolo Segreto');
    });

    it('a manager reading its secret address is audited too', async () => {
      const manager = principals.manager(ids.geSecret);
      await detail(manager, ids.geSecret).expect(200);
      const rows = await readsOf(ids.geSecret);
      expect(rows.some((r) => r.actor_sub === manager.sub && r.actor_role === 'shelter_manager')).toBe(true);
    });

    it('no reveal, no audit row: lists, open addresses and hidden secret addresses', async () => {
      const before = (
        await t.sql<{ n: number }>(`SELECT count(*)::int AS n FROM audit_log WHERE action = 'facility.read_secret_address'`)
      )[0].n;
      await list(admin, { limit: 200 });
      await detail(admin, ids.geOpen).expect(200);
      await detail(uorLiguria, ids.geSecret).expect(200);
      await detail(national, ids.geSecret).expect(200);
      const after = (
        await t.sql<{ n: number }>(`SELECT count(*)::int AS n FROM audit_log WHERE action = 'facility.read_secret_address'`)
      )[0].n;
      expect(after).toBe(before);
    });
  });

  describe('PATCH /api/v1/facilities/:id', () => {
    let id: string;
    beforeEach(async () => {
      id = (await create(aFacility({ provinceCode: 'GE', name: 'Da modificare' }))).id;
    });

    it('admin edits descriptive fields', async () => {
      const res = await t
        .http()
        .patch(`/api/v1/facilities/${id}`)
        .set(as(admin))
        .send({
          name: 'Modificata',
          languages: ['it', 'pcm'],
          protectionLevel: 'medium',
          accepts: { genders: ['female'], adults: true, minors: true, children: false },
        });
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({
        name: 'Modificata',
        languages: ['it', 'pcm'],
        protectionLevel: 'medium',
        accepts: { genders: ['female'], adults: true, minors: true, children: false },
      });
      const again = await detail(admin, id);
      expect(again.body.name).toBe('Modificata');
    });

    it('uor of the region edits, and the change is audited', async () => {
      const res = await t.http().patch(`/api/v1/facilities/${id}`).set(as(uorLiguria)).send({ contactEmail: 'nuovo@example.org' });
      expect(res.status).toBe(200);
      expect(res.body.contactEmail).toBe('nuovo@example.org');
      const rows = await t.sql(`SELECT actor_sub FROM audit_log WHERE action = 'facility.update' AND object_id = $1`, [id]);
      expect(rows).toEqual([{ actor_sub: uorLiguria.sub }]);
    });

    it('moving the province updates the region', async () => {
      const res = await t.http().patch(`/api/v1/facilities/${id}`).set(as(admin)).send({ provinceCode: 'LU' });
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({ provinceCode: 'LU', regionCode: '09' });
      const [row] = await t.sql<{ region_code: string; province_code: string }>(
        'SELECT region_code, province_code FROM facility WHERE id = $1',
        [id],
      );
      expect(row).toEqual({ region_code: '09', province_code: 'LU' });
    });

    it('a UOR moves a facility within its region, not out of it', async () => {
      const inside = await t.http().patch(`/api/v1/facilities/${id}`).set(as(uorLiguria)).send({ provinceCode: 'SP' });
      expect(inside.status).toBe(200);
      expect(inside.body).toMatchObject({ provinceCode: 'SP', regionCode: '07' });
      const outside = await t.http().patch(`/api/v1/facilities/${id}`).set(as(uorLiguria)).send({ provinceCode: 'LU' });
      expect(outside.status).toBe(403);
      expect(outside.body.code).toBe('forbidden');
      const [row] = await t.sql<{ region_code: string }>('SELECT region_code FROM facility WHERE id = $1', [id]);
      expect(row.region_code).toBe('07');
    });

    it('a UOR of another region gets 403 and nothing changes', async () => {
      const res = await t.http().patch(`/api/v1/facilities/${id}`).set(as(uorToscana)).send({ name: 'Dirottata' });
      expect(res.status).toBe(403);
      expect(res.body.code).toBe('forbidden');
      const [row] = await t.sql<{ name: string }>('SELECT name FROM facility WHERE id = $1', [id]);
      expect(row.name).toBe('Da modificare');
    });

    it('a shelter manager gets 403, even on its own facility; national too', async () => {
      for (const p of [principals.manager(id), principals.manager(), national]) {
        const res = await t.http().patch(`/api/v1/facilities/${id}`).set(as(p)).send({ name: 'Mia' });
        expect(res.status).toBe(403);
        expect(res.body.code).toBe('forbidden');
      }
      const [row] = await t.sql<{ name: string }>('SELECT name FROM facility WHERE id = $1', [id]);
      expect(row.name).toBe('Da modificare');
    });

    it('an unknown id answers 404', async () => {
      const res = await t.http().patch(`/api/v1/facilities/${randomUUID()}`).set(as(admin)).send({ name: 'X' });
      expect(res.status).toBe(404);
      expect(res.body.code).toBe('not_found');
    });

    it('bed numbers are not editable here', async () => {
      const res = await t
        .http()
        .patch(`/api/v1/facilities/${id}`)
        .set(as(admin))
        .send({ places: [{ kind: 'adult', total: 9 }] });
      expect(res.status).toBe(400);
      expect(res.body.code).toBe('validation_failed');
    });

    it('making the address secret hides it from the region UOR', async () => {
      const res = await t
        .http()
        .patch(`/api/v1/facilities/${id}`)
        .set(as(admin))
        .send({ secretAddress: true, address: 'Nuovo indirizzo segreto' });
      expect(res.status).toBe(200);
      const seen = await detail(uorLiguria, id);
      expect(seen.body).toMatchObject({ secretAddress: true, address: null, addressHidden: true });
      const byAdmin = await detail(admin, id);
      expect(byAdmin.body.address).toBe('Nuovo indirizzo segreto');
    });
  });
});
