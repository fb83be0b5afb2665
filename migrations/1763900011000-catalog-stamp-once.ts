import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * One catalogue bump per transaction instead of one per row. The counter's row lock is held until
 * commit either way, so stamps still follow commit order (a reader seeing version v sees every row
 * stamped up to v); but a transaction that writes thousands of facilities (a CSV import) no longer
 * updates the one counter row thousands of times, each a new version of it to walk past.
 * The version taken is remembered for the transaction in a local setting.
 */
export class CatalogStampOnce1763900011000 implements MigrationInterface {
  name = 'CatalogStampOnce1763900011000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE FUNCTION catalog_version_of_transaction() RETURNS bigint LANGUAGE plpgsql AS $$
      DECLARE
        mine text := current_setting('approdo.catalog_v', true);
        v_now bigint;
      BEGIN
        IF mine IS NOT NULL AND mine <> '' AND split_part(mine, ':', 1) = txid_current()::text THEN
          RETURN split_part(mine, ':', 2)::bigint;
        END IF;
        UPDATE catalog_version SET v = v + 1 RETURNING v INTO v_now;
        PERFORM set_config('approdo.catalog_v', txid_current()::text || ':' || v_now, true);
        RETURN v_now;
      END $$`);
    await q.query(`CREATE OR REPLACE FUNCTION stamp_facility() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        IF TG_OP = 'UPDATE' AND OLD.id IS DISTINCT FROM NEW.id THEN UPDATE catalog_version SET epoch = epoch + 1; END IF;
        NEW.catalog_v := catalog_version_of_transaction();
        RETURN NEW;
      END $$`);
    // a place row stamps its facility: once per facility and transaction is enough
    await q.query(`CREATE OR REPLACE FUNCTION stamp_place_facility() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        IF TG_OP = 'UPDATE' AND OLD.facility_id IS DISTINCT FROM NEW.facility_id THEN
          UPDATE catalog_version SET epoch = epoch + 1;
        END IF;
        UPDATE facility SET catalog_v = catalog_v WHERE id = NEW.facility_id AND catalog_v IS DISTINCT FROM catalog_version_of_transaction();
        RETURN NULL;
      END $$`);
    // a deletion moves version and epoch; later stamps of the same transaction take the new version
    await q.query(`CREATE OR REPLACE FUNCTION bump_catalog_epoch() RETURNS trigger LANGUAGE plpgsql AS $$
      DECLARE v_now bigint;
      BEGIN
        UPDATE catalog_version SET v = v + 1, epoch = epoch + 1 RETURNING v INTO v_now;
        PERFORM set_config('approdo.catalog_v', txid_current()::text || ':' || v_now, true);
        RETURN NULL;
      END $$`);
  }

  async down(q: QueryRunner): Promise<void> {
    // as CatalogStamps1763900006000 made them
    await q.query(`CREATE OR REPLACE FUNCTION bump_catalog_epoch() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN UPDATE catalog_version SET v = v + 1, epoch = epoch + 1; RETURN NULL; END $$`);
    await q.query(`CREATE OR REPLACE FUNCTION stamp_place_facility() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        IF TG_OP = 'UPDATE' AND OLD.facility_id IS DISTINCT FROM NEW.facility_id THEN
          UPDATE catalog_version SET epoch = epoch + 1;
        END IF;
        UPDATE facility SET catalog_v = catalog_v WHERE id = NEW.facility_id;
        RETURN NULL;
      END $$`);
    await q.query(`CREATE OR REPLACE FUNCTION stamp_facility() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        IF TG_OP = 'UPDATE' AND OLD.id IS DISTINCT FROM NEW.id THEN UPDATE catalog_version SET epoch = epoch + 1; END IF;
        UPDATE catalog_version SET v = v + 1 RETURNING v INTO NEW.catalog_v;
        RETURN NEW;
      END $$`);
    await q.query(`DROP FUNCTION catalog_version_of_transaction()`);
  }
}
