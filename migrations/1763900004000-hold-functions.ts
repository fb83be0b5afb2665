import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Hold and release as one statement each: lock the place row, count live holds in a fresh
 * snapshot (plpgsql statements each take one under READ COMMITTED), write the hold and its event.
 * One round trip instead of a dozen keeps the last-bed path fast under load.
 */
export class HoldFunctions1763900004000 implements MigrationInterface {
  name = 'HoldFunctions1763900004000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE FUNCTION approdo_hold(f uuid, k text, ref uuid, at timestamptz, until timestamptz, who text, who_role text)
      RETURNS TABLE (hold_id uuid, outcome text) LANGUAGE plpgsql AS $$
      DECLARE p facility_place; h integer; new_id uuid;
      BEGIN
        SELECT * INTO p FROM facility_place WHERE facility_id = f AND kind = k FOR UPDATE;
        IF NOT FOUND THEN RETURN QUERY SELECT NULL::uuid, 'no_kind'::text; RETURN; END IF;
        SELECT count(*) INTO h FROM place_hold WHERE facility_id = f AND kind = k AND released_at IS NULL;
        IF p.total - p.occupied - p.out_of_service - h <= 0 THEN RETURN QUERY SELECT NULL::uuid, 'no_free_place'::text; RETURN; END IF;
        INSERT INTO place_hold (facility_id, kind, reference_id, created_at, expires_at) VALUES (f, k, ref, at, until) RETURNING id INTO new_id;
        INSERT INTO availability_event (facility_id, kind, type, actor_sub, actor_role, at, delta, after, hold_id)
        VALUES (f, k, 'hold', who, who_role, at,
                jsonb_build_object('total', 0, 'occupied', 0, 'outOfService', 0, 'held', 1),
                jsonb_build_object('total', p.total, 'occupied', p.occupied, 'outOfService', p.out_of_service, 'held', h + 1), new_id);
        RETURN QUERY SELECT new_id, 'held'::text;
      END $$`);
    await q.query(`CREATE FUNCTION approdo_release(hid uuid, reason text, at timestamptz, who text, who_role text, det jsonb)
      RETURNS boolean LANGUAGE plpgsql AS $$
      DECLARE hh place_hold; p facility_place; h integer;
      BEGIN
        SELECT * INTO hh FROM place_hold WHERE id = hid AND released_at IS NULL;
        IF NOT FOUND THEN RETURN false; END IF;
        SELECT * INTO p FROM facility_place WHERE facility_id = hh.facility_id AND kind = hh.kind FOR UPDATE;
        UPDATE place_hold SET released_at = at, release_reason = reason WHERE id = hid AND released_at IS NULL;
        IF NOT FOUND THEN RETURN false; END IF;
        SELECT count(*) INTO h FROM place_hold WHERE facility_id = hh.facility_id AND kind = hh.kind AND released_at IS NULL;
        INSERT INTO availability_event (facility_id, kind, type, actor_sub, actor_role, at, delta, after, hold_id, details)
        VALUES (hh.facility_id, hh.kind, 'release', who, who_role, at,
                jsonb_build_object('total', 0, 'occupied', 0, 'outOfService', 0, 'held', -1),
                jsonb_build_object('total', p.total, 'occupied', p.occupied, 'outOfService', p.out_of_service, 'held', h), hid, det);
        RETURN true;
      END $$`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP FUNCTION approdo_release(uuid, text, timestamptz, text, text, jsonb)`);
    await q.query(`DROP FUNCTION approdo_hold(uuid, text, uuid, timestamptz, timestamptz, text, text)`);
  }
}
