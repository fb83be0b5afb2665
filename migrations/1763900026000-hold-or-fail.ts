import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * `approdo_hold_or_fail()`: approdo_hold as an expression that gives the new hold's id or ends the
 * statement with SQLSTATE `AP409` (message `no_free_place` or `no_kind`). A propose then holds its
 * place inside the statement that writes the proposal (issue 32: one round trip fewer a propose);
 * a refused hold ends that statement before any of its other writes ran, and the unit of work
 * rolls back as before. approdo_hold itself is unchanged (holds outside a proposal still use it).
 */
export class HoldOrFail1763900026000 implements MigrationInterface {
  name = 'HoldOrFail1763900026000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE FUNCTION approdo_hold_or_fail(f uuid, k text, ref uuid, at timestamptz, until timestamptz, who text, who_role text)
      RETURNS uuid LANGUAGE plpgsql AS $$
      DECLARE r record;
      BEGIN
        SELECT * INTO r FROM approdo_hold(f, k, ref, at, until, who, who_role);
        IF r.outcome IS DISTINCT FROM 'held' THEN RAISE EXCEPTION USING ERRCODE = 'AP409', MESSAGE = r.outcome; END IF;
        RETURN r.hold_id;
      END $$`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP FUNCTION approdo_hold_or_fail(uuid, text, uuid, timestamptz, timestamptz, text, text)`);
  }
}
