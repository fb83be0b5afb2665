import { aFacility, principals } from '../support/factories.js';
import { bearer, startTestApp, type TestApp } from '../support/test-app.js';

/** Edits must not become a way round the secret-address rules, and must refuse nulls cleanly. */
describe('PATCH /api/v1/facilities/:id', () => {
  let t: TestApp;
  let id: string;
  const admin = principals.admin();
  const uor = principals.uor('07');
  const secret = 'Vicolo Nascosto 4411, Genova';
  const reveals = async () =>
    (
      await t.sql<{ n: number }>(
        `SELECT count(*)::int AS n FROM audit_log WHERE action = 'facility.read_secret_address' AND object_id = $1`,
        [id],
      )
    )[0].n;

  beforeAll(async () => {
    t = await startTestApp();
    const res = await t
      .http()
      .post('/api/v1/facilities')
      .set(bearer(t.token(admin)))
      .send(aFacility({ secretAddress: true, address: secret, location: { lat: 44.41, lon: 8.93 } }));
    id = res.body.id;
  });
  afterAll(() => t.close());

  it('does not let a UOR un-hide a secret address', async () => {
    const res = await t
      .http()
      .patch(`/api/v1/facilities/${id}`)
      .set(bearer(t.token(uor)))
      .send({ secretAddress: false });
    expect(res.status).toBe(403);
    expect(JSON.stringify(res.body)).not.toContain('Nascosto');
    const after = await t
      .http()
      .get(`/api/v1/facilities/${id}`)
      .set(bearer(t.token(uor)));
    expect(after.body).toMatchObject({ secretAddress: true, address: null, addressHidden: true, location: null });
  });

  it('lets a UOR edit other fields without seeing the address', async () => {
    const res = await t
      .http()
      .patch(`/api/v1/facilities/${id}`)
      .set(bearer(t.token(uor)))
      .send({ name: 'Casa rinominata', secretAddress: true });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ name: 'Casa rinominata', address: null });
  });

  it("audits the address an admin's edit answer reveals", async () => {
    const before = await reveals();
    const res = await t
      .http()
      .patch(`/api/v1/facilities/${id}`)
      .set(bearer(t.token(admin)))
      .send({ organization: 'Nuova ATS' });
    expect(res.status).toBe(200);
    expect(res.body.address).toBe(secret);
    expect(await reveals()).toBe(before + 1);
  });

  it.each(['name', 'address', 'location', 'contactEmail', 'secretAddress', 'type', 'languages', 'accepts'])(
    'answers 400 validation_failed to %s: null, and changes nothing',
    async (field) => {
      const before = (await t.sql(`SELECT row_to_json(f)::text AS row FROM facility f WHERE id = $1`, [id]))[0];
      const res = await t
        .http()
        .patch(`/api/v1/facilities/${id}`)
        .set(bearer(t.token(admin)))
        .send({ [field]: null });
      expect(res.status).toBe(400);
      expect(res.body.code).toBe('validation_failed');
      expect(res.body.fields.map((f: { field: string }) => f.field)).toContain(field);
      expect((await t.sql(`SELECT row_to_json(f)::text AS row FROM facility f WHERE id = $1`, [id]))[0]).toEqual(before);
    },
  );
});
