import { plainToInstance } from 'class-transformer';
import { validateSync } from 'class-validator';
import { parse } from 'csv-parse/sync';
import { stringify } from 'csv-stringify/sync';
import { invalidInput } from '../domain/errors.js';
import { flatten } from '../common/validation.js';
import type { GeoPoint, PlaceKind } from '../domain/types.js';
import { CreateFacilityDto } from './dto/create-facility.dto.js';
import type { UpdateFacilityDto } from './dto/update-facility.dto.js';
import type { FacilityRecord } from './facility.record.js';

/**
 * Facilities as CSV: the one list of columns (add a facility field here, once), how a cell becomes
 * a field of CreateFacilityDto on import, and how a presented facility becomes a cell on export.
 * Lists inside a cell are separated by `|`; booleans are true/false (also sì/no, yes/no, 1/0).
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- rows are built field by field before the DTO validates them
type Json = Record<string, any>;

interface Column {
  name: string;
  /** import: put the cell (never empty here) on the DTO-shaped object */
  write?: (o: Json, cell: string) => void;
  /** export: the cell from the facility as presented to the caller (undefined: empty) */
  read?: (f: Json) => unknown;
  /** import: the header must have it */
  required?: boolean;
  /** import: an empty cell is an empty list, not a missing value */
  list?: boolean;
}

const KINDS: { kind: PlaceKind; prefix: string }[] = [
  { kind: 'adult', prefix: 'adult' },
  { kind: 'mother_child', prefix: 'motherChild' },
  { kind: 'minor', prefix: 'minor' },
];

const TRUE = new Set(['true', '1', 'yes', 'si', 'sì', 'y', 's']);
const FALSE = new Set(['false', '0', 'no', 'n']);
/** A recognised boolean, else the text (validation then names the field). */
const bool = (cell: string): unknown => (TRUE.has(cell.toLowerCase()) ? true : FALSE.has(cell.toLowerCase()) ? false : cell);
/** A number when the cell is one (comma as decimal separator accepted), else the text. */
const num = (cell: string): unknown => {
  const n = Number(cell.replace(',', '.'));
  return cell !== '' && Number.isFinite(n) ? n : cell;
};
const list = (cell: string) =>
  cell
    .split('|')
    .map((x) => x.trim())
    .filter(Boolean);
const joined = (v: unknown) => (Array.isArray(v) ? v.join('|') : v);

const set =
  (path: string, convert: (cell: string) => unknown = (c) => c) =>
  (o: Json, cell: string) => {
    const keys = path.split('.');
    let target = o;
    for (const k of keys.slice(0, -1)) target = target[k] ??= {};
    target[keys[keys.length - 1]] = convert(cell);
  };
const placeOf = (o: Json, kind: PlaceKind): Json => {
  o.places ??= [];
  let place = (o.places as Json[]).find((x) => x.kind === kind);
  if (!place) (o.places as Json[]).push((place = { kind }));
  return place;
};
const placeRead = (kind: PlaceKind, key: string) => (f: Json) => (f.places as Json[] | undefined)?.find((x) => x.kind === kind)?.[key];

export const FACILITY_CSV_COLUMNS: Column[] = [
  { name: 'id', read: (f) => f.id },
  { name: 'externalCode', required: true, write: set('externalCode'), read: (f) => f.externalCode },
  { name: 'name', required: true, write: set('name'), read: (f) => f.name },
  { name: 'organization', required: true, write: set('organization'), read: (f) => f.organization },
  { name: 'type', required: true, write: set('type'), read: (f) => f.type },
  { name: 'regionCode', read: (f) => f.regionCode },
  { name: 'provinceCode', required: true, write: set('provinceCode', (c) => c.toUpperCase()), read: (f) => f.provinceCode },
  { name: 'protectionLevel', write: set('protectionLevel'), read: (f) => f.protectionLevel },
  { name: 'acceptsGenders', required: true, list: true, write: set('accepts.genders', list), read: (f) => joined(f.accepts?.genders) },
  { name: 'acceptsAdults', required: true, write: set('accepts.adults', bool), read: (f) => f.accepts?.adults },
  { name: 'acceptsMinors', required: true, write: set('accepts.minors', bool), read: (f) => f.accepts?.minors },
  { name: 'acceptsChildren', required: true, write: set('accepts.children', bool), read: (f) => f.accepts?.children },
  { name: 'languages', required: true, list: true, write: set('languages', list), read: (f) => joined(f.languages) },
  {
    name: 'exploitationExpertise',
    required: true,
    list: true,
    write: set('exploitationExpertise', list),
    read: (f) => joined(f.exploitationExpertise),
  },
  { name: 'supports', required: true, list: true, write: set('supports', list), read: (f) => joined(f.supports) },
  { name: 'secretAddress', required: true, write: set('secretAddress', bool), read: (f) => f.secretAddress },
  // never exported: list views carry no address (the detail endpoint reveals, and audits, it)
  { name: 'address', required: true, write: set('address') },
  { name: 'lat', write: set('location.lat', num) },
  { name: 'lon', write: set('location.lon', num) },
  { name: 'contactEmail', required: true, write: set('contactEmail'), read: (f) => f.contactEmail },
  { name: 'acceptingNewGuests', write: set('acceptingNewGuests', bool), read: (f) => f.availability?.acceptingNewGuests },
  { name: 'intakeNote', write: set('intakeNote'), read: (f) => f.intakeNote },
  ...KINDS.flatMap(({ kind, prefix }): Column[] => [
    { name: `${prefix}Total`, write: (o, c) => (placeOf(o, kind).total = num(c)), read: placeRead(kind, 'total') },
    { name: `${prefix}Occupied`, write: (o, c) => (placeOf(o, kind).occupied = num(c)), read: placeRead(kind, 'occupied') },
    { name: `${prefix}OutOfService`, write: (o, c) => (placeOf(o, kind).outOfService = num(c)), read: placeRead(kind, 'outOfService') },
    ...(kind === 'mother_child'
      ? [
          {
            name: `${prefix}ChildCapacity`,
            write: (o: Json, c: string) => (placeOf(o, kind).childCapacity = num(c)),
            read: placeRead(kind, 'childCapacity'),
          },
        ]
      : []),
    { name: `${prefix}Held`, read: placeRead(kind, 'held') },
    { name: `${prefix}Free`, read: placeRead(kind, 'free') },
  ]),
  { name: 'freshness', read: (f) => f.availability?.freshness },
  { name: 'confirmedAt', read: (f) => f.availability?.confirmedAt },
];

const BY_NAME = new Map(FACILITY_CSV_COLUMNS.map((c) => [c.name, c]));

/** Export: one line per facility as presented to the caller; what it may not see stays empty. */
export function facilitiesToCsv(facilities: Json[]): string {
  const columns = FACILITY_CSV_COLUMNS.filter((c) => c.read);
  return stringify(
    facilities.map((f) => columns.map((c) => c.read!(f) ?? '')),
    { header: true, columns: columns.map((c) => c.name), cast: { boolean: (b) => String(b) }, bom: false },
  );
}

export interface CsvRow {
  /** the line the record starts on (1 = header) */
  line: number;
  cells: Record<string, string>;
  /** cells beyond the header's columns */
  extraCells: number;
}

export interface RowProblem {
  line: number;
  externalCode?: string;
  field: string;
  problems: string[];
}

const DELIMITERS = [',', ';', '\t'];

/** The delimiter of the header line: the most frequent of comma, semicolon and tab (Italian spreadsheets export `;`). */
export function delimiterOf(text: string): string {
  const header = text.split(/\r?\n/, 1)[0] ?? '';
  const counts = DELIMITERS.map((d) => header.split(d).length - 1);
  return DELIMITERS[counts.indexOf(Math.max(...counts))];
}

/** Parses the file: 400 csv_invalid when it is not CSV or the header is not ours (wrong delimiter, unknown or missing columns). */
export function parseFacilityCsv(text: string): CsvRow[] {
  const body = text.replace(/^\uFEFF/, '');
  if (!body.trim()) throw invalidInput('csv_invalid', 'the file is empty');
  if (body.includes('\u0000')) throw invalidInput('csv_invalid', 'the file is not text (CSV expected)');
  let records: { record: string[]; info: { lines: number } }[];
  try {
    records = parse(body, {
      delimiter: delimiterOf(body),
      info: true,
      skip_empty_lines: true,
      relax_column_count: true,
      trim: true,
    }) as unknown as typeof records;
  } catch (e) {
    const err = e as { code?: string; lines?: number };
    throw invalidInput('csv_invalid', `the file is not valid CSV near line ${err.lines ?? '?'} (${err.code ?? 'parse error'})`, {
      line: err.lines ?? null,
    });
  }
  const [head, ...rest] = records;
  const header = head.record;
  const unknown = header.filter((h) => !BY_NAME.has(h));
  const missing = FACILITY_CSV_COLUMNS.filter((c) => c.required && !header.includes(c.name)).map((c) => c.name);
  const duplicated = header.filter((h, i) => header.indexOf(h) !== i);
  if (unknown.length || missing.length || duplicated.length)
    throw invalidInput('csv_invalid', 'the header is not a facility CSV header (comma, semicolon or tab separated)', {
      unknownColumns: unknown.slice(0, 20),
      missingColumns: missing,
      duplicatedColumns: duplicated,
    });
  if (!KINDS.some(({ prefix }) => header.includes(`${prefix}Total`)))
    throw invalidInput('csv_invalid', 'the header has no place column (adultTotal, motherChildTotal or minorTotal)', {
      missingColumns: ['adultTotal'],
    });
  return rest.map(({ record, info }) => {
    const newlines = record.reduce((n, cell) => n + (cell.match(/\n/g)?.length ?? 0), 0);
    const cells: Record<string, string> = {};
    header.forEach((h, i) => (cells[h] = record[i] ?? ''));
    return { line: info.lines - newlines, cells, extraCells: Math.max(0, record.length - header.length) };
  });
}

/** Field path of a validation problem → the CSV column it came from. */
function columnOf(field: string, dto: Json): string {
  const place = /^places\.(\d+)(?:\.(\w+))?$/.exec(field);
  if (place) {
    const kind = (dto.places as Json[] | undefined)?.[Number(place[1])]?.kind as PlaceKind | undefined;
    const prefix = KINDS.find((k) => k.kind === kind)?.prefix ?? 'adult';
    return `${prefix}${(place[2] ?? 'total').replace(/^./, (c) => c.toUpperCase())}`;
  }
  const mapped: Record<string, string> = {
    'accepts.genders': 'acceptsGenders',
    'accepts.adults': 'acceptsAdults',
    'accepts.minors': 'acceptsMinors',
    'accepts.children': 'acceptsChildren',
    'location.lat': 'lat',
    'location.lon': 'lon',
    location: 'lat',
    accepts: 'acceptsGenders',
    places: 'adultTotal',
  };
  return mapped[field] ?? field;
}

/** One row → a CreateFacilityDto validated by the API's own rules, or its problems by column. */
export function rowToDto(row: CsvRow): { dto?: CreateFacilityDto; problems: RowProblem[] } {
  const o: Json = {};
  for (const [name, cell] of Object.entries(row.cells)) {
    const column = BY_NAME.get(name);
    if (column?.write && (cell !== '' || column.list)) column.write(o, cell);
  }
  const externalCode = row.cells.externalCode || undefined;
  const problems: RowProblem[] = [];
  if (row.extraCells)
    problems.push({ line: row.line, externalCode, field: '(row)', problems: [`${row.extraCells} cell(s) more than the header has`] });
  if (!externalCode)
    problems.push({
      line: row.line,
      field: 'externalCode',
      problems: ['externalCode is required to import (it makes a second import idempotent)'],
    });
  if (o.location && (o.location.lat === undefined || o.location.lon === undefined))
    problems.push({
      line: row.line,
      externalCode,
      field: o.location.lat === undefined ? 'lat' : 'lon',
      problems: ['lat and lon go together'],
    });
  if (!o.places?.length)
    problems.push({ line: row.line, externalCode, field: 'adultTotal', problems: ['at least one kind of place needs a total'] });
  const dto = plainToInstance(CreateFacilityDto, o);
  const errors = validateSync(dto, { whitelist: true, forbidNonWhitelisted: true, validationError: { target: false, value: false } });
  for (const f of flatten(errors)) {
    const field = columnOf(f.field, o);
    if (!problems.some((p) => p.field === field)) problems.push({ line: row.line, externalCode, field, problems: f.problems });
  }
  return problems.length ? { problems } : { dto, problems };
}

/** The descriptive fields of a row that differ from the facility (empty: the row changes nothing). */
export function descriptiveChanges(
  f: FacilityRecord,
  dto: CreateFacilityDto,
  current: { address: string; location: GeoPoint | null },
): UpdateFacilityDto {
  const changes: UpdateFacilityDto = {};
  const same = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);
  const plain = ['name', 'organization', 'type', 'provinceCode', 'secretAddress', 'contactEmail'] as const;
  for (const k of plain) if (!same(f[k], dto[k])) Object.assign(changes, { [k]: dto[k] });
  if (dto.protectionLevel && dto.protectionLevel !== f.protectionLevel) changes.protectionLevel = dto.protectionLevel;
  for (const k of ['languages', 'exploitationExpertise', 'supports'] as const)
    if (!same([...f[k]].sort(), [...dto[k]].sort())) changes[k] = dto[k] as never;
  const accepts = { genders: [...f.acceptsGenders].sort(), adults: f.acceptsAdults, minors: f.acceptsMinors, children: f.acceptsChildren };
  if (!same(accepts, { ...dto.accepts, genders: [...dto.accepts.genders].sort() })) changes.accepts = dto.accepts;
  if (dto.address !== current.address) changes.address = dto.address;
  if (dto.location && !same({ lat: dto.location.lat, lon: dto.location.lon }, current.location)) changes.location = dto.location;
  return changes;
}
