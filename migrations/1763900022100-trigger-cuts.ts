import { MigrationInterface, QueryRunner } from 'typeorm';

/** What availability_event's report trigger acts on: a change of beds in service or occupied, or a confirmation (migration 1763900009000). */
const BEDS_CHANGED = `(NEW.kind IS NOT NULL AND NEW.delta IS NOT NULL
      AND (coalesce((NEW.delta->>'total')::int, 0) - coalesce((NEW.delta->>'outOfService')::int, 0) <> 0 OR coalesce((NEW.delta->>'occupied')::int, 0) <> 0))
    OR ((NEW.kind IS NULL OR NEW.delta IS NULL) AND NEW.type = 'confirm')`;

/** The page a notice opens, and who gets which notice (as push_proposal_notices of migration 1763900016100). */
const PATH = `CASE WHEN s.role = 'uor' THEN '/#/requests/' || e.request_id ELSE '/#/proposals/' || e.id END`;
const TO_FACILITY = `e.ev IN ('proposal_created', 'proposal_expired', 'proposal_withdrawn', 'hold_expiring')`;
const TO_UOR = `e.ev IN ('proposal_accepted', 'proposal_declined', 'proposal_expired', 'hold_expiring')`;
const NOTICES = (events: string) => `
        INSERT INTO push_outbox (subscription_id, event, case_code, path)
        SELECT s.id, e.ev, r.case_code, ${PATH}
          FROM (${events}) e
          JOIN placement_request r ON r.id = e.request_id
          JOIN push_subscription s
            ON (${TO_FACILITY} AND s.role = 'shelter_manager' AND s.facility_ids @> ARRAY[e.facility_id])
            OR (${TO_UOR} AND s.role = 'uor' AND s.region_code = r.region_code)
         WHERE e.ev IS NOT NULL`;

/**
 * Trigger work a lifecycle statement did for nothing, or row by row (issue 32, measured with
 * pg_stat_user_functions in bench/http-lifecycle.ts):
 *
 * - `place_hold_guard` re-checked the place after every update of a hold, releases included: a
 *   release frees a place, it cannot overbook one. It now runs for live holds only.
 * - `availability_event_report` called its function for every hold and release, whose events change
 *   no bed in service or occupied and which it then ignored: a WHEN clause (evaluated by the
 *   executor, no function call) skips them.
 * - Web push notices (migration 1763900016100): one statement-level trigger per INSERT and UPDATE
 *   of proposals with their transition tables, one INSERT … SELECT for all the statement's rows
 *   (an acceptance withdrawing other offers, the expiry job), and nothing at all while no phone is
 *   subscribed. The notices are those of the row trigger: same events, recipients and paths.
 */
export class TriggerCuts1763900022100 implements MigrationInterface {
  name = 'TriggerCuts1763900022100';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`DROP TRIGGER place_hold_guard ON place_hold`);
    await q.query(
      `CREATE TRIGGER place_hold_guard AFTER INSERT OR UPDATE ON place_hold FOR EACH ROW WHEN (NEW.released_at IS NULL) EXECUTE FUNCTION place_guard()`,
    );
    await q.query(`DROP TRIGGER availability_event_report ON availability_event`);
    await q.query(
      `CREATE TRIGGER availability_event_report AFTER INSERT ON availability_event FOR EACH ROW WHEN (${BEDS_CHANGED}) EXECUTE FUNCTION report_availability_event_trigger()`,
    );

    await q.query(`CREATE FUNCTION push_proposal_notices_set() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        IF NOT EXISTS (SELECT 1 FROM push_subscription) THEN RETURN NULL; END IF;
        IF TG_OP = 'INSERT' THEN
          ${NOTICES(`SELECT id, request_id, facility_id, 'proposal_created'::text AS ev FROM new_rows`)};
        ELSE
          ${NOTICES(`SELECT n.id, n.request_id, n.facility_id,
                  CASE WHEN n.status IS DISTINCT FROM o.status THEN
                         CASE n.status WHEN 'accepted' THEN 'proposal_accepted' WHEN 'declined' THEN 'proposal_declined'
                                       WHEN 'expired' THEN 'proposal_expired' WHEN 'withdrawn' THEN 'proposal_withdrawn' END
                       WHEN o.expiry_warned_at IS NULL AND n.expiry_warned_at IS NOT NULL THEN 'hold_expiring' END AS ev
                FROM new_rows n JOIN old_rows o ON o.id = n.id`)};
        END IF;
        RETURN NULL;
      END $$`);
    await q.query(`DROP TRIGGER push_proposal_update ON proposal`);
    await q.query(`DROP TRIGGER push_proposal_insert ON proposal`);
    await q.query(
      `CREATE TRIGGER push_proposal_insert AFTER INSERT ON proposal REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION push_proposal_notices_set()`,
    );
    await q.query(
      `CREATE TRIGGER push_proposal_update AFTER UPDATE ON proposal REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION push_proposal_notices_set()`,
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TRIGGER push_proposal_update ON proposal`);
    await q.query(`DROP TRIGGER push_proposal_insert ON proposal`);
    await q.query(`DROP FUNCTION push_proposal_notices_set()`);
    // as migration 1763900016100 made them
    await q.query(`CREATE TRIGGER push_proposal_insert AFTER INSERT ON proposal FOR EACH ROW EXECUTE FUNCTION push_proposal_notices()`);
    await q.query(`CREATE TRIGGER push_proposal_update AFTER UPDATE ON proposal FOR EACH ROW
      WHEN (OLD.status IS DISTINCT FROM NEW.status OR OLD.expiry_warned_at IS DISTINCT FROM NEW.expiry_warned_at)
      EXECUTE FUNCTION push_proposal_notices()`);
    await q.query(`DROP TRIGGER availability_event_report ON availability_event`);
    await q.query(
      `CREATE TRIGGER availability_event_report AFTER INSERT ON availability_event FOR EACH ROW EXECUTE FUNCTION report_availability_event_trigger()`,
    );
    await q.query(`DROP TRIGGER place_hold_guard ON place_hold`);
    await q.query(`CREATE TRIGGER place_hold_guard AFTER INSERT OR UPDATE ON place_hold FOR EACH ROW EXECUTE FUNCTION place_guard()`);
  }
}
