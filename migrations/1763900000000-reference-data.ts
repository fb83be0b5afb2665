import { MigrationInterface, QueryRunner } from 'typeorm';
import { PROVINCES, REGIONS } from '../src/regions/regions.data.js';

/** Regions (ISTAT codes) and provinces (sigla) with centroids. The data module is frozen with this
 * migration: corrections go into a new migration. */
export class ReferenceData1763900000000 implements MigrationInterface {
  name = 'ReferenceData1763900000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE TABLE region (
      code char(2) PRIMARY KEY CHECK (code ~ '^[0-9]{2}$'),
      name text NOT NULL)`);
    await q.query(`CREATE TABLE province (
      code char(2) PRIMARY KEY CHECK (code ~ '^[A-Z]{2}$'),
      name text NOT NULL,
      region_code char(2) NOT NULL REFERENCES region(code),
      lat double precision NOT NULL CHECK (lat BETWEEN -90 AND 90),
      lon double precision NOT NULL CHECK (lon BETWEEN -180 AND 180))`);
    await q.query(`CREATE INDEX province_region_idx ON province(region_code)`);
    await q.query(`INSERT INTO region(code, name) SELECT * FROM unnest($1::text[], $2::text[])`, [
      REGIONS.map((r) => r.code),
      REGIONS.map((r) => r.name),
    ]);
    await q.query(
      `INSERT INTO province(code, name, region_code, lat, lon)
       SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::float8[], $5::float8[])`,
      [
        PROVINCES.map((p) => p.code),
        PROVINCES.map((p) => p.name),
        PROVINCES.map((p) => p.regionCode),
        PROVINCES.map((p) => p.lat),
        PROVINCES.map((p) => p.lon),
      ],
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE province`);
    await q.query(`DROP TABLE region`);
  }
}
