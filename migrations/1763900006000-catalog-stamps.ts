import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Each facility row carries the catalogue version of its last change (its own or one of its
 * places'), so an instance reloads only the facilities changed since the version it holds, not the
 * whole network. The stamp is the counter bumped under its row lock, so stamps follow commit
 * order: a reader seeing version v sees every row stamped up to v. A deleted row cannot carry a
 * stamp: deletes move the epoch, and readers reload everything.
 */
export class CatalogStamps1763900006000 implements MigrationInterface {
  name = 'CatalogStamps1763900006000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE catalog_version ADD COLUMN epoch bigint NOT NULL DEFAULT 1`);
    await q.query(`ALTER TABLE facility ADD COLUMN catalog_v bigint NOT NULL DEFAULT 0`);
    await q.query(`UPDATE facility SET catalog_v = (SELECT v FROM catalog_version)`);
    await q.query(`CREATE INDEX facility_catalog_v_idx ON facility (catalog_v)`);

    await q.query(`DROP TRIGGER facility_place_catalog_bump ON facility_place`);
    await q.query(`DROP TRIGGER facility_catalog_bump ON facility`);
    await q.query(`DROP FUNCTION bump_catalog_version()`);

    // a row moved to another id leaves nothing under the old one: that is a deletion too
    await q.query(`CREATE FUNCTION stamp_facility() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        IF TG_OP = 'UPDATE' AND OLD.id IS DISTINCT FROM NEW.id THEN UPDATE catalog_version SET epoch = epoch + 1; END IF;
        UPDATE catalog_version SET v = v + 1 RETURNING v INTO NEW.catalog_v;
        RETURN NEW;
      END $$`);
    await q.query(`CREATE TRIGGER facility_catalog_stamp BEFORE INSERT OR UPDATE ON facility FOR EACH ROW EXECUTE FUNCTION stamp_facility()`);
    // The service's writers lock the facility row before its places, so touching it here adds no
    // lock order of theirs. A hand-written UPDATE of places across facilities now also locks those
    // facility rows in place order: run such maintenance alone, or lock the facilities first.
    await q.query(`CREATE FUNCTION stamp_place_facility() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        IF TG_OP = 'UPDATE' AND OLD.facility_id IS DISTINCT FROM NEW.facility_id THEN
          UPDATE catalog_version SET epoch = epoch + 1;
        END IF;
        UPDATE facility SET catalog_v = catalog_v WHERE id = NEW.facility_id;
        RETURN NULL;
      END $$`);
    await q.query(`CREATE TRIGGER facility_place_catalog_stamp AFTER INSERT OR UPDATE ON facility_place FOR EACH ROW EXECUTE FUNCTION stamp_place_facility()`);
    await q.query(`CREATE FUNCTION bump_catalog_epoch() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN UPDATE catalog_version SET v = v + 1, epoch = epoch + 1; RETURN NULL; END $$`);
    await q.query(`CREATE TRIGGER facility_catalog_epoch AFTER DELETE OR TRUNCATE ON facility FOR EACH STATEMENT EXECUTE FUNCTION bump_catalog_epoch()`);
    await q.query(`CREATE TRIGGER facility_place_catalog_epoch AFTER DELETE OR TRUNCATE ON facility_place FOR EACH STATEMENT EXECUTE FUNCTION bump_catalog_epoch()`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TRIGGER facility_place_catalog_epoch ON facility_place`);
    await q.query(`DROP TRIGGER facility_catalog_epoch ON facility`);
    await q.query(`DROP FUNCTION bump_catalog_epoch()`);
    await q.query(`DROP TRIGGER facility_place_catalog_stamp ON facility_place`);
    await q.query(`DROP FUNCTION stamp_place_facility()`);
    await q.query(`DROP TRIGGER facility_catalog_stamp ON facility`);
    await q.query(`DROP FUNCTION stamp_facility()`);
    // as CatalogVersion1763900005000 made them
    await q.query(`CREATE FUNCTION bump_catalog_version() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN UPDATE catalog_version SET v = v + 1; RETURN NULL; END $$`);
    await q.query(`CREATE TRIGGER facility_catalog_bump AFTER INSERT OR UPDATE OR DELETE ON facility FOR EACH STATEMENT EXECUTE FUNCTION bump_catalog_version()`);
    await q.query(`CREATE TRIGGER facility_place_catalog_bump AFTER INSERT OR UPDATE OR DELETE ON facility_place FOR EACH STATEMENT EXECUTE FUNCTION bump_catalog_version()`);
    await q.query(`DROP INDEX facility_catalog_v_idx`);
    await q.query(`ALTER TABLE facility DROP COLUMN catalog_v`);
    await q.query(`ALTER TABLE catalog_version DROP COLUMN epoch`);
  }
}
