import { randomUUID } from 'node:crypto';
import { AddressCipher } from '../../src/common/crypto/address-cipher.js';
import { aFacility, principals } from '../support/factories.js';
import { bearer, startTestApp, TestApp } from '../support/test-app.js';

/** A database dump must show neither a secret address nor its precise location. */
describe('secret address at rest (integration)', () => {
  let t: TestApp;
  const canary = `Canary ${randomUUID()} Via Nascosta 7, Genova`;
  // digits that appear nowhere else: the precise location must not be stored in clear either
  const location = { lat: 44.417391, lon: 8.937264 };
  let id: string;

  const dumpText = async () =>
    (await t.sql<{ row: string }>('SELECT row_to_json(f)::text AS row FROM facility f')).map((r) => r.row).join('\n');

  beforeAll(async () => {
    t = await startTestApp();
    const res = await t
      .http()
      .post('/api/v1/facilities')
      .set(bearer(t.token(principals.admin())))
      .send(aFacility({ secretAddress: true, address: canary, location }));
    expect(res.status).toBe(201);
    id = res.body.id;
  });
  afterAll(() => t.close());

  it('the facility table holds neither the address nor the precise location in clear', async () => {
    const dump = await dumpText();
    expect(dump).toContain(id); // the row is there
    expect(dump).not.toContain(canary);
    expect(dump).not.toContain(canary.split(' ')[1]); // not even the unique part
    expect(dump).not.toContain(String(location.lat));
    expect(dump).not.toContain(String(location.lon));
  });

  it('nor does any other table', async () => {
    const tables = await t.sql<{ table_name: string }>(
      `SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' AND table_type = 'BASE TABLE'`,
    );
    expect(tables.length).toBeGreaterThan(3);
    for (const { table_name } of tables) {
      const rows = await t.sql<{ row: string }>(`SELECT row_to_json(x)::text AS row FROM "${table_name}" x`);
      const text = rows.map((r) => r.row).join('\n');
      expect({ table: table_name, hasCanary: text.includes(canary.split(' ')[1]) }).toEqual({ table: table_name, hasCanary: false });
    }
  });

  it('address_enc and location_enc decrypt, with the app cipher, to the canary and the location', async () => {
    const [row] = await t.sql<{ address_enc: string; location_enc: string; match_lat: number; match_lon: number }>(
      'SELECT address_enc, location_enc, match_lat, match_lon FROM facility WHERE id = $1',
      [id],
    );
    const cipher = t.app.get(AddressCipher);
    expect(row.address_enc).not.toBe(canary);
    expect(cipher.decrypt(row.address_enc)).toBe(canary);
    expect(JSON.parse(cipher.decrypt(row.location_enc))).toEqual(location);
    // matching works on a point coarsened to 0.1 degree, not on the precise one
    expect(row.match_lat).toBeCloseTo(44.4, 5);
    expect(row.match_lon).toBeCloseTo(8.9, 5);
  });

  it('encryption is randomised: the same address twice gives two different ciphertexts', async () => {
    const res = await t
      .http()
      .post('/api/v1/facilities')
      .set(bearer(t.token(principals.admin())))
      .send(aFacility({ secretAddress: true, address: canary }));
    expect(res.status).toBe(201);
    const rows = await t.sql<{ address_enc: string }>('SELECT address_enc FROM facility WHERE id = ANY($1::uuid[])', [[id, res.body.id]]);
    expect(rows).toHaveLength(2);
    expect(rows[0].address_enc).not.toBe(rows[1].address_enc);
    const cipher = t.app.get(AddressCipher);
    expect(rows.map((r) => cipher.decrypt(r.address_enc))).toEqual([canary, canary]);
  });

  it('a new address set by PATCH is encrypted too', async () => {
    const next = `Canary ${randomUUID()} Piazza Nuova 2`;
    const res = await t
      .http()
      .patch(`/api/v1/facilities/${id}`)
      .set(bearer(t.token(principals.admin())))
      .send({ address: next });
    expect(res.status).toBe(200);
    expect(await dumpText()).not.toContain(next.split(' ')[1]);
    const [row] = await t.sql<{ address_enc: string }>('SELECT address_enc FROM facility WHERE id = $1', [id]);
    expect(t.app.get(AddressCipher).decrypt(row.address_enc)).toBe(next);
  });

  it('the cipher refuses a tampered ciphertext', async () => {
    const [row] = await t.sql<{ address_enc: string }>('SELECT address_enc FROM facility WHERE id = $1', [id]);
    const parts = row.address_enc.split(':');
    const ct = Buffer.from(parts[3], 'base64');
    ct[0] ^= 0xff;
    parts[3] = ct.toString('base64');
    expect(() => t.app.get(AddressCipher).decrypt(parts.join(':'))).toThrow();
  });
});
