import { parse } from 'csv-parse/sync';
import { principals } from '../support/factories.js';
import { bearer, startTestApp, type TestApp } from '../support/test-app.js';

type Row = Record<string, string>;
const HEADER = [
  'externalCode',
  'name',
  'organization',
  'type',
  'provinceCode',
  'acceptsGenders',
  'acceptsAdults',
  'acceptsMinors',
  'acceptsChildren',
  'languages',
  'exploitationExpertise',
  'supports',
  'secretAddress',
  'address',
  'lat',
  'lon',
  'contactEmail',
  'intakeNote',
  'adultTotal',
  'adultOccupied',
  'motherChildTotal',
  'motherChildChildCapacity',
];

let n = 0;
/** One valid spreadsheet row of Liguria; override what the test is about. */
function aRow(o: Row = {}): Row {
  n++;
  return {
    externalCode: `LIG-${String(n).padStart(4, '0')}`,
    name: `Casa Importata ${n}`,
    organization: 'ATS Liguria',
    type: 'protected_flat',
    provinceCode: 'GE',
    acceptsGenders: 'female|transgender',
    acceptsAdults: 'true',
    acceptsMinors: 'false',
    acceptsChildren: 'sì',
    languages: 'it|en',
    exploitationExpertise: 'sexual|labour',
    supports: '',
    secretAddress: 'false',
    address: `Via Importata ${n}, Genova`,
    lat: '',
    lon: '',
    contactEmail: `import${n}@example.org`,
    intakeNote: '',
    adultTotal: '4',
    adultOccupied: '1',
    motherChildTotal: '',
    motherChildChildCapacity: '',
    ...o,
  };
}
const quote = (v: string, d: string) => (/["\n\r]/.test(v) || v.includes(d) ? `"${v.replace(/"/g, '""')}"` : v);
function csv(rows: Row[], d = ',', header = HEADER): string {
  return [header.join(d), ...rows.map((r) => header.map((h) => quote(r[h] ?? '', d)).join(d))].join('\r\n') + '\r\n';
}

describe('facilities CSV import and export (e2e)', () => {
  let t: TestApp;
  const admin = () => bearer(t.token(principals.admin()));
  const uor07 = () => bearer(t.token(principals.uor('07')));
  const count = async () => (await t.sql<{ n: number }>('SELECT count(*)::int AS n FROM facility'))[0].n;
  const importCsv = (body: string | Buffer, who = admin(), query = '', type = 'text/csv') =>
    t
      .http()
      .post(`/api/v1/facilities/import${query}`)
      .set(who)
      .set('Content-Type', type)
      .send(typeof body === 'string' ? Buffer.from(body) : body);

  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(() => t.close());

  it('a dry run (the default) reports and writes nothing; dryRun=false applies; a second import creates nothing', async () => {
    const rows = [
      aRow(),
      aRow({ secretAddress: 'true', address: 'Vicolo Segreto 9, Genova', lat: '44.4183', lon: '8.9372' }),
      aRow({ provinceCode: 'SP', motherChildTotal: '2', motherChildChildCapacity: '2' }),
    ];
    const before = await count();
    const dry = await importCsv(csv(rows));
    expect(dry.status).toBe(200);
    expect(dry.body).toEqual({ dryRun: true, valid: true, applied: false, rows: 3, created: 3, updated: 0, unchanged: 0, errors: [] });
    expect(await count()).toBe(before);

    const applied = await importCsv(csv(rows), admin(), '?dryRun=false');
    expect(applied.status).toBe(200);
    expect(applied.body).toMatchObject({ dryRun: false, valid: true, applied: true, created: 3 });
    expect(await count()).toBe(before + 3);

    // the secret address went through the cipher: not in clear in the table, readable by the admin
    const [secret] = await t.sql<{ id: string; address_enc: string; external_code: string }>(
      `SELECT id, address_enc, external_code FROM facility WHERE external_code = $1`,
      [rows[1].externalCode],
    );
    expect(secret.address_enc).not.toContain('Vicolo');
    expect((await t.http().get(`/api/v1/facilities/${secret.id}`).set(admin())).body).toMatchObject({
      address: 'Vicolo Segreto 9, Genova',
      secretAddress: true,
      externalCode: rows[1].externalCode,
    });

    const again = await importCsv(csv(rows), admin(), '?dryRun=false');
    expect(again.body).toMatchObject({ applied: true, created: 0, updated: 0, unchanged: 3 });
    expect(await count()).toBe(before + 3);

    const renamed = await importCsv(csv([{ ...rows[0], name: 'Casa Rinominata' }, rows[2]]), admin(), '?dryRun=false');
    expect(renamed.body).toMatchObject({ created: 0, updated: 1, unchanged: 1 });
    expect((await t.sql(`SELECT name FROM facility WHERE external_code = $1`, [rows[0].externalCode]))[0]).toEqual({
      name: 'Casa Rinominata',
    });
  });

  it('reports every row problem by line and column, and applies nothing while one remains (422 import_invalid)', async () => {
    const good = aRow({ intakeNote: 'prima riga\nseconda riga' }); // quoted newline: the next rows' lines move by one
    const dup = aRow();
    const rows = [
      good,
      dup,
      { ...dup },
      aRow({ provinceCode: 'XX' }),
      aRow({ acceptsAdults: 'forse', adultTotal: 'quattro' }),
      aRow({ adultOccupied: '9' }),
      aRow({ contactEmail: 'not-an-email' }),
      aRow({ externalCode: '' }),
    ];
    const before = await count();
    const res = await importCsv(csv(rows));
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ valid: false, rows: 8, created: 2 });
    const at = (line: number) =>
      (res.body.errors as { line: number; field: string }[])
        .filter((e) => e.line === line)
        .map((e) => e.field)
        .sort();
    // header is line 1, the first row spans lines 2-3
    expect(at(2)).toEqual([]);
    expect(at(4)).toEqual([]);
    expect(at(5)).toEqual(['externalCode']);
    expect(at(6)).toEqual(['provinceCode']);
    expect(at(7)).toEqual(['acceptsAdults', 'adultTotal']);
    expect(at(8)).toEqual(['adultTotal']);
    expect(at(9)).toEqual(['contactEmail']);
    expect(at(10)).toEqual(['externalCode']);
    expect(JSON.stringify(res.body)).not.toContain('Via Importata'); // no address echoed

    const refused = await importCsv(csv(rows), admin(), '?dryRun=false');
    expect(refused.status).toBe(422);
    expect(refused.body).toMatchObject({ code: 'import_invalid', applied: false, errors: expect.any(Array) });
    expect(refused.body.errors).toHaveLength(res.body.errors.length);
    expect(await count()).toBe(before);
  });

  it('reads semicolon-separated files with a BOM (Italian spreadsheets)', async () => {
    const res = await importCsv(`\uFEFF${csv([aRow({ name: 'Casa; con punto e virgola' }), aRow()], ';')}`);
    expect(res.body).toMatchObject({ valid: true, rows: 2, created: 2 });
  });

  it.each([
    ['a wrong delimiter', csv([aRow()], '|')],
    ['an unknown column', csv([aRow()], ',', [...HEADER, 'colore'])],
    [
      'a missing column',
      csv(
        [aRow()],
        ',',
        HEADER.filter((h) => h !== 'contactEmail'),
      ),
    ],
    ['an unclosed quote', `${HEADER.join(',')}\n"LIG-1,Casa`],
    ['an empty file', ''],
    [
      'a file that is not CSV (PNG bytes)',
      Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13, 0x49, 0x48, 0x44, 0x52]),
    ],
  ])('answers 400 csv_invalid to %s', async (_what, body) => {
    const res = await importCsv(body as string | Buffer);
    expect(res.status).toBe(400);
    expect(res.body.code).toMatch(/^(csv_invalid|invalid_characters)$/);
  });

  it.each([
    ['JSON', 'application/json', '{"rows":[]}'],
    ['plain text', 'text/plain', csv([aRow()])],
  ])('answers 415 to a %s body', async (_what, type, body) => {
    const res = await importCsv(body, admin(), '', type);
    expect(res.status).toBe(415);
    expect(res.body.code).toBe('unsupported_media_type');
  });

  it('a UOR imports its own region only; a manager may not import', async () => {
    const res = await importCsv(csv([aRow(), aRow({ provinceCode: 'TO' })]), uor07());
    expect(res.body.errors).toEqual([expect.objectContaining({ line: 3, field: 'provinceCode' })]);
    expect((await importCsv(csv([aRow()]), bearer(t.token(principals.manager())))).status).toBe(403);
  });

  it('exports what the caller may see, as CSV, never an address', async () => {
    const secretCode = aRow().externalCode;
    await importCsv(
      csv([aRow({ externalCode: secretCode, secretAddress: 'true', address: 'Vicolo Export 1, Genova', provinceCode: 'SV' })]),
      admin(),
      '?dryRun=false',
    );
    const byFormat = await t.http().get('/api/v1/facilities?format=csv').set(admin());
    expect(byFormat.status).toBe(200);
    expect(byFormat.headers['content-type']).toMatch(/^text\/csv/);
    const records = parse(byFormat.text, { columns: true }) as Row[];
    expect(records.length).toBe(await count());
    expect(byFormat.text).not.toContain('Vicolo');
    expect(Object.keys(records[0])).not.toContain('address');
    expect(records.find((r) => r.externalCode === secretCode)).toMatchObject({
      provinceCode: 'SV',
      secretAddress: 'true',
      adultTotal: '4',
    });

    const byAccept = await t.http().get('/api/v1/facilities?regionCode=07').set(uor07()).set('Accept', 'text/csv');
    expect(byAccept.headers['content-type']).toMatch(/^text\/csv/);
    expect((parse(byAccept.text, { columns: true }) as Row[]).every((r) => r.regionCode === '07')).toBe(true);

    // national reads the network coarse: no names, no contacts, no codes
    const national = parse(
      (
        await t
          .http()
          .get('/api/v1/facilities?format=csv')
          .set(bearer(t.token(principals.national())))
      ).text,
      { columns: true },
    ) as Row[];
    expect(national.length).toBeGreaterThan(0);
    expect(national.every((r) => r.name === '' && r.contactEmail === '' && r.externalCode === '')).toBe(true);

    // a manager sees its own facility only
    const [own] = await t.sql<{ id: string }>('SELECT id FROM facility LIMIT 1');
    const mine = parse(
      (
        await t
          .http()
          .get('/api/v1/facilities?format=csv')
          .set(bearer(t.token(principals.manager(own.id))))
      ).text,
      { columns: true },
    ) as Row[];
    expect(mine.map((r) => r.id)).toEqual([own.id]);
  });
});
