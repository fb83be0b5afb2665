import { DomainError } from '../domain/errors.js';
import { delimiterOf, descriptiveChanges, FACILITY_CSV_COLUMNS, facilitiesToCsv, parseFacilityCsv, rowToDto } from './facility-csv.js';
import type { FacilityRecord } from './facility.record.js';

const HEADER =
  'externalCode,name,organization,type,provinceCode,acceptsGenders,acceptsAdults,acceptsMinors,acceptsChildren,languages,exploitationExpertise,supports,secretAddress,address,contactEmail,adultTotal,motherChildTotal,motherChildChildCapacity,lat,lon';
const ROW =
  'C-1,Casa,Coop,protected_flat,ge,female|transgender,sì,no,1,it|en,sexual,,false,"Via 1, Genova",c@example.org,4,2,2,"44,41",8.93';

describe('delimiterOf', () => {
  it.each([
    ['a,b,c\n1;2', ','],
    ['a;b;c\n1,2', ';'],
    ['a\tb\tc', '\t'],
    ['a|b|c', ','],
  ])('%j → %j', (text, d) => expect(delimiterOf(text)).toBe(d));
});

describe('parseFacilityCsv', () => {
  it('numbers rows by the line they start on, across quoted newlines and blank lines', () => {
    const rows = parseFacilityCsv(`\uFEFF${HEADER}\n${ROW}\n\n"C-2","Casa\nsu due righe",Coop\n${ROW}\n`);
    expect(rows.map((r) => r.line)).toEqual([2, 4, 6]);
    expect(rows[1].cells.name).toBe('Casa\nsu due righe');
  });

  it.each([
    ['empty', ''],
    ['only blanks', ' \n \n'],
    ['unknown column', 'colore\n1'],
    ['missing columns', 'externalCode,name\nC-1,Casa'],
    ['duplicated column', `${HEADER},name\n`],
    ['unclosed quote', `${HEADER}\n"C-1,Casa`],
    ['NUL bytes', `${HEADER}\n\u0000`],
  ])('refuses %s with 400 csv_invalid', (_what, text) => {
    try {
      parseFacilityCsv(text);
      throw new Error('no error');
    } catch (e) {
      expect(e).toBeInstanceOf(DomainError);
      expect({ kind: (e as DomainError).kind, code: (e as DomainError).code }).toEqual({ kind: 'invalid_input', code: 'csv_invalid' });
    }
  });
});

describe('rowToDto', () => {
  const one = (row: string) => rowToDto(parseFacilityCsv(`${HEADER}\n${row}`)[0]);

  it('turns cells into the API body: lists, booleans (Italian too), numbers with a decimal comma, places by kind', () => {
    const { dto, problems } = one(ROW);
    expect(problems).toEqual([]);
    expect({ ...dto }).toEqual({
      externalCode: 'C-1',
      name: 'Casa',
      organization: 'Coop',
      type: 'protected_flat',
      provinceCode: 'GE',
      accepts: expect.objectContaining({ genders: ['female', 'transgender'], adults: true, minors: false, children: true }),
      languages: ['it', 'en'],
      exploitationExpertise: ['sexual'],
      supports: [],
      secretAddress: false,
      address: 'Via 1, Genova',
      contactEmail: 'c@example.org',
      location: expect.objectContaining({ lat: 44.41, lon: 8.93 }),
      places: [
        expect.objectContaining({ kind: 'adult', total: 4 }),
        expect.objectContaining({ kind: 'mother_child', total: 2, childCapacity: 2 }),
      ],
    });
  });

  it.each([
    ['a bad boolean', ROW.replace(',sì,', ',forse,'), ['acceptsAdults']],
    ['a bad number', ROW.replace('c@example.org,4,', 'c@example.org,quattro,'), ['adultTotal']],
    ['a bad child capacity', ROW.replace(',2,2,"44', ',2,0,"44'), ['motherChildChildCapacity']],
    ['a bad type and e-mail', ROW.replace('protected_flat', 'villa').replace('c@example.org', 'nope'), ['contactEmail', 'type']],
    ['no externalCode', ROW.replace('C-1', ''), ['externalCode']],
    ['lat without lon', ROW.replace(',8.93', ','), ['lon']],
    ['no places', ROW.replace('c@example.org,4,2,2', 'c@example.org,,,'), ['adultTotal']],
  ])('names the column of %s', (_what, row, fields) => {
    const { dto, problems } = one(row);
    expect(dto).toBeUndefined();
    expect(problems.map((p) => p.field).sort()).toEqual(fields);
    expect(problems.every((p) => p.line === 2)).toBe(true);
  });
});

describe('descriptiveChanges', () => {
  const record = {
    name: 'Casa',
    organization: 'Coop',
    type: 'protected_flat',
    provinceCode: 'GE',
    protectionLevel: 'medium',
    secretAddress: false,
    contactEmail: 'c@example.org',
    languages: ['en', 'it'],
    exploitationExpertise: ['sexual'],
    supports: [],
    acceptsGenders: ['transgender', 'female'],
    acceptsAdults: true,
    acceptsMinors: false,
    acceptsChildren: true,
  } as unknown as FacilityRecord;
  const dto = rowToDto(parseFacilityCsv(`${HEADER}\n${ROW}`)[0]).dto!;
  const current = { address: 'Via 1, Genova', location: { lat: 44.41, lon: 8.93 } };

  it('is empty when the row says what the facility already is (order of lists ignored)', () =>
    expect(descriptiveChanges(record, dto, current)).toEqual({}));
  it.each([
    ['name', { ...record, name: 'Altra' }, current, ['name']],
    ['address', record, { ...current, address: 'Via 2' }, ['address']],
    ['location', record, { ...current, location: null }, ['location']],
    ['accepts', { ...record, acceptsMinors: true }, current, ['accepts']],
    ['secretAddress', { ...record, secretAddress: true }, current, ['secretAddress']],
  ])('lists a changed %s', (_what, r, c, keys) => expect(Object.keys(descriptiveChanges(r as FacilityRecord, dto, c))).toEqual(keys));
});

describe('facilitiesToCsv', () => {
  it('writes every exported column, empty where the caller may not see, and never an address', () => {
    const text = facilitiesToCsv([
      {
        id: 'f1',
        type: 'casa_di_fuga',
        regionCode: '07',
        provinceCode: 'GE',
        accepts: { genders: ['female'], adults: true, minors: false, children: true },
        places: [{ kind: 'adult', total: 4, occupied: 1, held: 1, outOfService: 0, free: 2 }],
        availability: { freshness: 'fresh', confirmedAt: null, acceptingNewGuests: true },
        address: 'Via Segreta 1',
      },
    ]);
    const [header, line] = text.trim().split('\n');
    expect(header.split(',')).toEqual(FACILITY_CSV_COLUMNS.filter((c) => c.read).map((c) => c.name));
    expect(header.split(',').filter((h) => ['address', 'lat', 'lon'].includes(h))).toEqual([]);
    expect(line).not.toContain('Via Segreta');
    expect(line).toContain('f1,,,,casa_di_fuga,07,GE');
    expect(line).toContain('4,1,0,1,2');
  });
});
