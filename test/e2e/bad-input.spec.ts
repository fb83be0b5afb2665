import { randomUUID } from 'node:crypto';
import jwt from 'jsonwebtoken';
import { aFacility, principals } from '../support/factories.js';
import { bearer, startTestApp, TestApp } from '../support/test-app.js';

type Json = Record<string, any>;

/** Every error answer has the same shape, and never a stack trace. */
function expectErrorBody(body: Json, statusCode: number, code: string): void {
  expect(body).toMatchObject({ statusCode, code, message: expect.any(String) });
  expect(body.message.length).toBeGreaterThan(0);
  expect(body).not.toHaveProperty('stack');
  expect(JSON.stringify(body)).not.toMatch(/\bat .+\.(ts|js):\d+/);
}

const fieldsOf = (body: Json): string[] => (body.fields ?? []).map((f: { field: string }) => f.field);

describe('bad input (e2e)', () => {
  let t: TestApp;
  let adminToken: string;
  let facilityId: string;

  const countFacilities = async () => (await t.sql<{ n: number }>('SELECT count(*)::int AS n FROM facility'))[0].n;

  /** POSTs as admin and checks that the refusal wrote no facility row. */
  async function refusedPost(body: unknown, opts: { token?: string | null; raw?: boolean } = {}) {
    const before = await countFacilities();
    let req = t.http().post('/api/v1/facilities');
    const token = opts.token === undefined ? adminToken : opts.token;
    if (token !== null) req = req.set(bearer(token));
    const res = opts.raw ? await req.set('Content-Type', 'application/json').send(body as string) : await req.send(body as object);
    expect(res.status).toBeGreaterThanOrEqual(400);
    expect(await countFacilities()).toBe(before);
    return res;
  }

  beforeAll(async () => {
    t = await startTestApp();
    adminToken = t.token(principals.admin());
    const res = await t.http().post('/api/v1/facilities').set(bearer(adminToken)).send(aFacility());
    expect(res.status).toBe(201);
    facilityId = res.body.id;
  });
  afterAll(() => t.close());

  describe('malformed JSON', () => {
    it.each(['{"name": "Casa", ', '{name: "Casa"}', "{'a': 1}", '{"a": 1}}'])('%j → 400 malformed_json', async (raw) => {
      const res = await refusedPost(raw, { raw: true });
      expect(res.status).toBe(400);
      expectErrorBody(res.body, 400, 'malformed_json');
    });

    it.each(['toString', 'valueOf', 'hasOwnProperty', '__defineGetter__', 'isPrototypeOf'])(
      'an unknown key named like an Object method (%s) is refused, top level or nested',
      async (key) => {
        for (const body of [
          { ...aFacility(), [key]: 'x' },
          { ...aFacility(), accepts: { ...aFacility().accepts, [key]: 'x' } },
        ]) {
          const res = await refusedPost(JSON.stringify(body), { raw: true });
          expectErrorBody(res.body, 400, 'validation_failed');
        }
      },
    );

    it('an empty body is no body (domain "Operations"): 400 validation_failed where one is needed', async () => {
      const res = await refusedPost('', { raw: true });
      expectErrorBody(res.body, 400, 'validation_failed');
    });

    it('on PATCH too, and nothing changes', async () => {
      const res = await t
        .http()
        .patch(`/api/v1/facilities/${facilityId}`)
        .set(bearer(adminToken))
        .set('Content-Type', 'application/json')
        .send('{"name": ');
      expect(res.status).toBe(400);
      expectErrorBody(res.body, 400, 'malformed_json');
    });
  });

  describe('validation (400 validation_failed with fields)', () => {
    it.each<[string, Json, string]>([
      ['unknown top-level field', { ...aFacility(), foo: 1 }, 'foo'],
      ['unknown nested field', { ...aFacility(), accepts: { ...aFacility().accepts, foo: true } }, 'accepts.foo'],
      ['unknown field in a place', { ...aFacility(), places: [{ kind: 'adult', total: 2, beds: 2 }] }, 'places.0.beds'],
      ['unknown field in location', { ...aFacility(), location: { lat: 44.4, lon: 8.9, alt: 3 } }, 'location.alt'],
      ['wrong type enum', aFacility({ type: 'hotel' as never }), 'type'],
      ['wrong gender', { ...aFacility(), accepts: { ...aFacility().accepts, genders: ['female', 'robot'] } }, 'accepts.genders'],
      ['wrong place kind', { ...aFacility(), places: [{ kind: 'sofa', total: 2 }] }, 'places.0.kind'],
      ['wrong protection level', aFacility({ protectionLevel: 'extreme' as never }), 'protectionLevel'],
      ['wrong exploitation type', aFacility({ exploitationExpertise: ['other' as never] }), 'exploitationExpertise'],
      ['wrong language code', aFacility({ languages: ['english'] }), 'languages'],
      ['lowercase province', aFacility({ provinceCode: 'ge' }), 'provinceCode'],
      ['places total -1', aFacility({ places: [{ kind: 'adult', total: -1 }] }), 'places.0.total'],
      ['places total 501', aFacility({ places: [{ kind: 'adult', total: 501 }] }), 'places.0.total'],
      ['places total 2.5', aFacility({ places: [{ kind: 'adult', total: 2.5 }] }), 'places.0.total'],
      ['places total as string', { ...aFacility(), places: [{ kind: 'adult', total: '4' }] }, 'places.0.total'],
      ['occupied -1', aFacility({ places: [{ kind: 'adult', total: 4, occupied: -1 }] }), 'places.0.occupied'],
      ['childCapacity 0', aFacility({ places: [{ kind: 'mother_child', total: 1, childCapacity: 0 }] }), 'places.0.childCapacity'],
      ['childCapacity 11', aFacility({ places: [{ kind: 'mother_child', total: 1, childCapacity: 11 }] }), 'places.0.childCapacity'],
      ['location lat 90', aFacility({ location: { lat: 90, lon: 8.9 } }), 'location.lat'],
      ['location lon 120', aFacility({ location: { lat: 44.4, lon: 120 } }), 'location.lon'],
      ['location lat as string', { ...aFacility(), location: { lat: '44.4', lon: 8.9 } }, 'location.lat'],
      [
        'duplicate place kinds',
        aFacility({
          places: [
            { kind: 'adult', total: 4 },
            { kind: 'adult', total: 2 },
          ],
        }),
        'places',
      ],
      ['no places', aFacility({ places: [] }), 'places'],
      ['"false" string for secretAddress', { ...aFacility(), secretAddress: 'false' }, 'secretAddress'],
      ['"true" string for accepts.adults', { ...aFacility(), accepts: { ...aFacility().accepts, adults: 'true' } }, 'accepts.adults'],
      ['0 for acceptingNewGuests', { ...aFacility(), acceptingNewGuests: 0 }, 'acceptingNewGuests'],
      ['bad e-mail', aFacility({ contactEmail: 'not-an-email' }), 'contactEmail'],
      ['empty name', aFacility({ name: '' }), 'name'],
      ['missing address', (({ address: _a, ...rest }) => rest)(aFacility()), 'address'],
    ])('%s', async (_label, body, field) => {
      const res = await refusedPost(body);
      expect(res.status).toBe(400);
      expectErrorBody(res.body, 400, 'validation_failed');
      expect(Array.isArray(res.body.fields)).toBe(true);
      expect(fieldsOf(res.body)).toContain(field);
      for (const f of res.body.fields) expect(f.problems.length).toBeGreaterThan(0);
    });

    it('lists every offending field at once', async () => {
      const res = await refusedPost({ ...aFacility(), type: 'hotel', secretAddress: 'false', places: [{ kind: 'adult', total: -1 }] });
      expect(res.status).toBe(400);
      expect(fieldsOf(res.body)).toEqual(expect.arrayContaining(['type', 'secretAddress', 'places.0.total']));
    });

    it('an echoed value never carries the submitted data', async () => {
      const res = await refusedPost({ ...aFacility({ address: 'Via Riservata 99' }), foo: 'Via Riservata 99' });
      expect(res.status).toBe(400);
      expect(JSON.stringify(res.body)).not.toContain('Via Riservata 99');
    });

    it('PATCH refuses unknown and wrong fields, and nothing changes', async () => {
      const [before] = await t.sql<{ row: string }>('SELECT row_to_json(f)::text AS row FROM facility f WHERE id = $1', [facilityId]);
      for (const body of [
        { foo: 1 },
        { name: 'Nuovo', type: 'hotel' },
        { secretAddress: 'false' },
        { location: { lat: 90, lon: 8 } },
        { accepts: { genders: ['female'], adults: true, minors: false, children: false, foo: 1 } },
      ]) {
        const res = await t.http().patch(`/api/v1/facilities/${facilityId}`).set(bearer(adminToken)).send(body);
        expect(res.status).toBe(400);
        expectErrorBody(res.body, 400, 'validation_failed');
      }
      const [after] = await t.sql<{ row: string }>('SELECT row_to_json(f)::text AS row FROM facility f WHERE id = $1', [facilityId]);
      expect(after.row).toBe(before.row);
    });
  });

  describe('ids in the path', () => {
    it.each(['not-a-uuid', '123', 'null', `${randomUUID()}x`, "1' OR '1'='1"])('GET /facilities/%s → 400 invalid_id', async (id) => {
      const res = await t
        .http()
        .get(`/api/v1/facilities/${encodeURIComponent(id)}`)
        .set(bearer(adminToken));
      expect(res.status).toBe(400);
      expectErrorBody(res.body, 400, 'invalid_id');
    });

    it('PATCH with a non-UUID id → 400 invalid_id', async () => {
      const res = await t.http().patch('/api/v1/facilities/abc').set(bearer(adminToken)).send({ name: 'X' });
      expect(res.status).toBe(400);
      expectErrorBody(res.body, 400, 'invalid_id');
    });
  });

  describe('domain refusals (422)', () => {
    it('unknown province ZZ → 422 unknown_province', async () => {
      const res = await refusedPost(aFacility({ provinceCode: 'ZZ' }));
      expect(res.status).toBe(422);
      expectErrorBody(res.body, 422, 'unknown_province');
    });

    it('PATCH to an unknown province → 422 and the facility stays where it was', async () => {
      const res = await t.http().patch(`/api/v1/facilities/${facilityId}`).set(bearer(adminToken)).send({ provinceCode: 'ZZ' });
      expect(res.status).toBe(422);
      expectErrorBody(res.body, 422, 'unknown_province');
      const [row] = await t.sql<{ province_code: string }>('SELECT province_code FROM facility WHERE id = $1', [facilityId]);
      expect(row.province_code).toBe('GE');
    });

    it.each<[string, Json]>([
      ['occupied 5 > total 4', { kind: 'adult', total: 4, occupied: 5 }],
      ['occupied + outOfService > total', { kind: 'adult', total: 4, occupied: 2, outOfService: 3 }],
      ['mother_child without childCapacity', { kind: 'mother_child', total: 1 }],
      ['childCapacity on adult places', { kind: 'adult', total: 4, childCapacity: 2 }],
      ['childCapacity on minor places', { kind: 'minor', total: 4, childCapacity: 2 }],
    ])('%s → 422 places_inconsistent, nothing written', async (_label, place) => {
      const res = await refusedPost(aFacility({ places: [place as never] }));
      expect(res.status).toBe(422);
      expectErrorBody(res.body, 422, 'places_inconsistent');
      expect(res.body.kind).toBe(place.kind);
    });

    it('a refused facility leaves no place, event or audit row behind', async () => {
      const tables = ['facility', 'facility_place', 'availability_event', 'audit_log'];
      const counts = async () =>
        Promise.all(tables.map(async (tb) => (await t.sql<{ n: number }>(`SELECT count(*)::int AS n FROM ${tb}`))[0].n));
      const before = await counts();
      const res = await refusedPost(
        aFacility({
          places: [
            { kind: 'adult', total: 2 },
            { kind: 'mother_child', total: 1, occupied: 2, childCapacity: 1 },
          ],
        }),
      );
      expect(res.status).toBe(422);
      expect(await counts()).toEqual(before);
    });
  });

  describe('authentication (401)', () => {
    const secret = () => t.config.jwt.secret!;
    const inOneHour = () => Math.floor(Date.now() / 1000) + 3600;
    const b64url = (o: object) => Buffer.from(JSON.stringify(o)).toString('base64url');

    const badTokens: [string, () => string][] = [
      ['garbage', () => 'not.a.token'],
      ['random text', () => 'abcdef'],
      [
        'signed with another secret',
        () => jwt.sign({ role: 'admin' }, 'another-secret-that-is-long-enough-000000', { subject: 'x', expiresIn: '1h' }),
      ],
      ['expired', () => jwt.sign({ role: 'admin', exp: Math.floor(Date.now() / 1000) - 3600 }, secret(), { subject: 'x' })],
      ['alg none', () => `${b64url({ alg: 'none', typ: 'JWT' })}.${b64url({ sub: 'x', role: 'admin', exp: inOneHour() })}.`],
      [
        'alg none signed by the library',
        () => jwt.sign({ sub: 'x', role: 'admin', exp: inOneHour() }, null as never, { algorithm: 'none' }),
      ],
      ['HS512 with the right secret', () => jwt.sign({ role: 'admin' }, secret(), { subject: 'x', expiresIn: '1h', algorithm: 'HS512' })],
      ['without exp', () => jwt.sign({ role: 'admin' }, secret(), { subject: 'x' })],
      ['without sub', () => jwt.sign({ role: 'admin' }, secret(), { expiresIn: '1h' })],
      ['unknown role', () => jwt.sign({ role: 'superuser' }, secret(), { subject: 'x', expiresIn: '1h' })],
      ['no role', () => jwt.sign({}, secret(), { subject: 'x', expiresIn: '1h' })],
      ['uor without region', () => jwt.sign({ role: 'uor' }, secret(), { subject: 'x', expiresIn: '1h' })],
      ['uor with a malformed region', () => jwt.sign({ role: 'uor', region: 'Liguria' }, secret(), { subject: 'x', expiresIn: '1h' })],
      [
        'manager with non-id facilities',
        () => jwt.sign({ role: 'shelter_manager', facilities: ['1 OR 1=1'] }, secret(), { subject: 'x', expiresIn: '1h' }),
      ],
      [
        'tampered payload',
        () => {
          const good = jwt.sign({ role: 'national' }, secret(), { subject: 'x', expiresIn: '1h' });
          const [h, , s] = good.split('.');
          return `${h}.${b64url({ sub: 'x', role: 'admin', exp: inOneHour() })}.${s}`;
        },
      ],
    ];

    it('a token made here with the app secret is accepted (the negative cases below are meaningful)', async () => {
      const token = jwt.sign({ role: 'admin' }, secret(), { subject: 'x', expiresIn: '1h' });
      const res = await t.http().get('/api/v1/facilities').set(bearer(token));
      expect(res.status).toBe(200);
    });

    it('missing token → 401 unauthorized', async () => {
      const res = await t.http().get('/api/v1/facilities');
      expect(res.status).toBe(401);
      expectErrorBody(res.body, 401, 'unauthorized');
      const post = await refusedPost(aFacility(), { token: null });
      expect(post.status).toBe(401);
      expectErrorBody(post.body, 401, 'unauthorized');
    });

    it.each(['Basic YWRtaW46YWRtaW4=', 'Bearer', 'Bearer ', 'bearer x.y.z', 'Token abc'])('Authorization %j → 401', async (header) => {
      const res = await t.http().get('/api/v1/facilities').set('Authorization', header);
      expect(res.status).toBe(401);
      expectErrorBody(res.body, 401, 'unauthorized');
    });

    it.each(badTokens)('%s → 401 on read and on write', async (_label, make) => {
      const token = make();
      const res = await t.http().get('/api/v1/facilities').set(bearer(token));
      expect(res.status).toBe(401);
      expectErrorBody(res.body, 401, 'unauthorized');
      const post = await refusedPost(aFacility(), { token });
      expect(post.status).toBe(401);
      expectErrorBody(post.body, 401, 'unauthorized');
    });
  });

  describe('authorisation (403)', () => {
    it('national may not POST facilities → 403 forbidden', async () => {
      const res = await refusedPost(aFacility(), { token: t.token(principals.national()) });
      expect(res.status).toBe(403);
      expectErrorBody(res.body, 403, 'forbidden');
    });

    it('shelter manager may not POST facilities → 403 forbidden', async () => {
      const res = await refusedPost(aFacility(), { token: t.token(principals.manager(facilityId)) });
      expect(res.status).toBe(403);
      expectErrorBody(res.body, 403, 'forbidden');
    });

    it('a UOR may not POST in another region → 403 forbidden', async () => {
      const res = await refusedPost(aFacility({ provinceCode: 'LU' }), { token: t.token(principals.uor('07')) });
      expect(res.status).toBe(403);
      expectErrorBody(res.body, 403, 'forbidden');
    });

    it('authentication comes before validation: a bad body without a token is 401, not 400', async () => {
      const res = await refusedPost({ foo: 1 }, { token: null });
      expect(res.status).toBe(401);
    });
  });

  it('an unknown route answers JSON 404 without a stack', async () => {
    const res = await t.http().get('/api/v1/nowhere').set(bearer(adminToken));
    expect(res.status).toBe(404);
    expectErrorBody(res.body, 404, 'not_found');
  });
});
