import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Each rule once in SQL: free places and freshness as functions that every query and the hold
 * function call (TypeScript has the same rules in src/domain; test/integration/rules.spec.ts checks
 * that both agree). Both are IMMUTABLE one-expression SQL functions, so the planner inlines them.
 */
export class OneRuleEach1763900013000 implements MigrationInterface {
  name = 'OneRuleEach1763900013000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE FUNCTION free_places(total integer, occupied integer, out_of_service integer, held bigint)
      RETURNS integer LANGUAGE sql IMMUTABLE PARALLEL SAFE
      RETURN GREATEST(0, total - occupied - out_of_service - held)::integer`);
    // unknown: never confirmed ("call first", never free); stale: confirmed longer ago than the threshold
    await q.query(`CREATE FUNCTION freshness(confirmed_at timestamptz, now timestamptz, stale_after_hours integer)
      RETURNS text LANGUAGE sql IMMUTABLE PARALLEL SAFE
      RETURN CASE WHEN confirmed_at IS NULL THEN 'unknown'
                  WHEN confirmed_at < now - make_interval(hours => stale_after_hours) THEN 'stale'
                  ELSE 'fresh' END`);
    await q.query(HOLD.replace('p.total - p.occupied - p.out_of_service - h <= 0', 'free_places(p.total, p.occupied, p.out_of_service, h) <= 0'));
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(HOLD);
    await q.query(`DROP FUNCTION freshness(timestamptz, timestamptz, integer)`);
    await q.query(`DROP FUNCTION free_places(integer, integer, integer, bigint)`);
  }
}

/** approdo_hold as migration 1763900004000 created it (down restores it verbatim). */
const HOLD = `CREATE OR REPLACE FUNCTION approdo_hold(f uuid, k text, ref uuid, at timestamptz, until timestamptz, who text, who_role text)
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
      END $$`;
