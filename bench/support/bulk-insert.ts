import type pg from 'pg';
import type { AddressCipher } from '../../src/common/crypto/address-cipher.js';
import { DEFAULT_PROTECTION, matchPoint } from '../../src/facilities/facility-input.js';
import { PROVINCES } from '../../src/regions/regions.data.js';
import type { GeneratedFacility } from './network.js';

const arrayLiteral = (xs: readonly string[]) => `{${xs.join(',')}}`; // codes only: no quoting needed

/**
 * Inserts facilities with plain SQL, as FacilitiesService.create would store them (same columns,
 * region from the province, default protection by type, the coarsened match point, every address
 * and location encrypted with the app's AddressCipher), in one INSERT … SELECT FROM unnest per table.
 * No availability 'created' event and no audit row per facility: matching reads neither.
 */
export async function bulkInsertFacilities(
  c: pg.Client,
  fs: readonly GeneratedFacility[],
  cipher: AddressCipher,
  now: Date,
): Promise<void> {
  if (!fs.length) return;
  const province = new Map(PROVINCES.map((p) => [p.code, p]));
  const col = {
    id: [] as string[],
    name: [] as string[],
    organization: [] as string[],
    type: [] as string[],
    region: [] as string[],
    province: [] as string[],
    protection: [] as string[],
    genders: [] as string[],
    adults: [] as boolean[],
    minors: [] as boolean[],
    children: [] as boolean[],
    languages: [] as string[],
    expertise: [] as string[],
    supports: [] as string[],
    secret: [] as boolean[],
    addressEnc: [] as string[],
    locationEnc: [] as (string | null)[],
    lat: [] as number[],
    lon: [] as number[],
    email: [] as string[],
    accepting: [] as boolean[],
    note: [] as (string | null)[],
    confirmedAt: [] as (Date | null)[],
  };
  const pl = {
    facility: [] as string[],
    kind: [] as string[],
    total: [] as number[],
    occupied: [] as number[],
    oos: [] as number[],
    childCap: [] as (number | null)[],
  };
  for (const f of fs) {
    const d = f.dto;
    const p = province.get(d.provinceCode)!;
    const point = matchPoint(d.location, { lat: p.lat, lon: p.lon }, d.secretAddress);
    col.id.push(f.id);
    col.name.push(d.name);
    col.organization.push(d.organization);
    col.type.push(d.type);
    col.region.push(p.regionCode);
    col.province.push(p.code);
    col.protection.push(d.protectionLevel ?? DEFAULT_PROTECTION[d.type]);
    col.genders.push(arrayLiteral(d.accepts.genders));
    col.adults.push(d.accepts.adults);
    col.minors.push(d.accepts.minors);
    col.children.push(d.accepts.children);
    col.languages.push(arrayLiteral(d.languages));
    col.expertise.push(arrayLiteral(d.exploitationExpertise));
    col.supports.push(arrayLiteral(d.supports));
    col.secret.push(d.secretAddress);
    col.addressEnc.push(cipher.encrypt(d.address));
    col.locationEnc.push(d.location ? cipher.encrypt(JSON.stringify({ lat: d.location.lat, lon: d.location.lon })) : null);
    col.lat.push(point.lat);
    col.lon.push(point.lon);
    col.email.push(d.contactEmail);
    col.accepting.push(d.acceptingNewGuests ?? true);
    col.note.push(d.intakeNote ?? null);
    col.confirmedAt.push(f.confirmedHoursAgo === null ? null : new Date(now.getTime() - f.confirmedHoursAgo * 3_600_000));
    for (const x of d.places) {
      pl.facility.push(f.id);
      pl.kind.push(x.kind);
      pl.total.push(x.total);
      pl.occupied.push(x.occupied ?? 0);
      pl.oos.push(x.outOfService ?? 0);
      pl.childCap.push(x.kind === 'mother_child' ? (x.childCapacity ?? null) : null);
    }
  }
  await c.query('BEGIN');
  try {
    await c.query(
      `INSERT INTO facility (id, name, organization, type, region_code, province_code, protection_level, accepts_genders, accepts_adults,
         accepts_minors, accepts_children, languages, exploitation_expertise, supports, secret_address, address_enc, location_enc,
         match_lat, match_lon, contact_email, accepting_new_guests, intake_note, confirmed_at)
       SELECT id, name, org, type, region, province, protection, genders::text[], adults, minors, children, languages::text[],
              expertise::text[], supports::text[], secret, address_enc, location_enc, lat, lon, email, accepting, note, confirmed_at
         FROM unnest($1::uuid[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[], $8::text[], $9::bool[],
                     $10::bool[], $11::bool[], $12::text[], $13::text[], $14::text[], $15::bool[], $16::text[], $17::text[],
                     $18::float8[], $19::float8[], $20::text[], $21::bool[], $22::text[], $23::timestamptz[])
           AS x(id, name, org, type, region, province, protection, genders, adults, minors, children, languages, expertise, supports,
                secret, address_enc, location_enc, lat, lon, email, accepting, note, confirmed_at)`,
      [
        col.id,
        col.name,
        col.organization,
        col.type,
        col.region,
        col.province,
        col.protection,
        col.genders,
        col.adults,
        col.minors,
        col.children,
        col.languages,
        col.expertise,
        col.supports,
        col.secret,
        col.addressEnc,
        col.locationEnc,
        col.lat,
        col.lon,
        col.email,
        col.accepting,
        col.note,
        col.confirmedAt,
      ],
    );
    await c.query(
      `INSERT INTO facility_place (facility_id, kind, total, occupied, out_of_service, child_capacity)
       SELECT * FROM unnest($1::uuid[], $2::text[], $3::int[], $4::int[], $5::int[], $6::int[])`,
      [pl.facility, pl.kind, pl.total, pl.occupied, pl.oos, pl.childCap],
    );
    await c.query('COMMIT');
  } catch (e) {
    await c.query('ROLLBACK').catch(() => undefined);
    throw e;
  }
}
