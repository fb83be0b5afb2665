import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The code a region's own spreadsheet gives a facility: a CSV import matches rows to facilities by
 * it (a second import of the same file creates nothing). Unique within a region; optional.
 */
export class FacilityExternalCode1763900010000 implements MigrationInterface {
  name = 'FacilityExternalCode1763900010000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE facility ADD COLUMN external_code text CHECK (external_code ~ '^[A-Za-z0-9._/-]{1,64}$')`);
    await q.query(`CREATE UNIQUE INDEX facility_region_external_code_key ON facility (region_code, external_code) WHERE external_code IS NOT NULL`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX facility_region_external_code_key`);
    await q.query(`ALTER TABLE facility DROP COLUMN external_code`);
  }
}
