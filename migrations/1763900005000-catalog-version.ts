import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * One counter bumped in the same transaction as any change of facilities or their places, so an
 * instance can keep the matching catalogue in memory and know, with one indexed read, whether it
 * is still current. Holds do not touch it: free places are always read live.
 */
export class CatalogVersion1763900005000 implements MigrationInterface {
  name = 'CatalogVersion1763900005000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE TABLE catalog_version (id boolean PRIMARY KEY DEFAULT true CHECK (id), v bigint NOT NULL)`);
    await q.query(`INSERT INTO catalog_version (v) VALUES (1)`);
    await q.query(`CREATE FUNCTION bump_catalog_version() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN UPDATE catalog_version SET v = v + 1; RETURN NULL; END $$`);
    await q.query(`CREATE TRIGGER facility_catalog_bump AFTER INSERT OR UPDATE OR DELETE ON facility FOR EACH STATEMENT EXECUTE FUNCTION bump_catalog_version()`);
    await q.query(`CREATE TRIGGER facility_place_catalog_bump AFTER INSERT OR UPDATE OR DELETE ON facility_place FOR EACH STATEMENT EXECUTE FUNCTION bump_catalog_version()`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TRIGGER facility_place_catalog_bump ON facility_place`);
    await q.query(`DROP TRIGGER facility_catalog_bump ON facility`);
    await q.query(`DROP FUNCTION bump_catalog_version()`);
    await q.query(`DROP TABLE catalog_version`);
  }
}
