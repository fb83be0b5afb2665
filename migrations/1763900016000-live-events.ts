import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The live event stream's log (issue 22): database triggers write one row per committed change of a
 * proposal's or a request's status and one per facility whose free places, version or confirmation
 * changed, and `pg_notify('live_event')` wakes every instance's listener.
 *
 * The triggers are DEFERRED to commit time and take their ids under one transaction-level advisory
 * lock, released only once the transaction is visible: ids follow commit order, so a reader that
 * sees id n sees every id below it (a reconnect with Last-Event-ID n misses nothing). Deferral also
 * makes a transaction touching a facility's beds several times write one availability row with
 * the final numbers (remembered for the transaction in a local setting); a transaction touching
 * more than 200 facilities (an import) writes a `reset` for all instead of the rest.
 *
 * Rows carry only ids, statuses, versions and free places (never a profile or an address), plus the
 * region and facility the access policy scopes them by. `live_event_horizon` remembers the last id
 * the retention purge removed: a reconnect from before it gets `reset`.
 *
 * Also `idempotency_key.answer`: the first answer of a change that creates nothing (the bed board's
 * saves and confirmations), replayed to a retry with the same Idempotency-Key.
 */
const LOCK = 7220016;
/** facilities whose availability one transaction reports one by one */
const BULK = 200;

const APPEND = `CREATE FUNCTION live_event_append(t text, r char(2), f uuid, d jsonb) RETURNS void LANGUAGE plpgsql AS $$
      DECLARE n bigint;
      BEGIN
        PERFORM pg_advisory_xact_lock(${LOCK});
        n := nextval('live_event_seq');
        INSERT INTO live_event (id, type, region_code, facility_id, data) VALUES (n, t, r, f, d);
        -- one notification per transaction (same channel and payload fold into one)
        PERFORM pg_notify('live_event', '');
      END $$`;

const PROPOSAL = `CREATE FUNCTION live_proposal_event() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        PERFORM live_event_append('proposal', (SELECT region_code FROM placement_request WHERE id = NEW.request_id), NEW.facility_id,
          jsonb_build_object('id', NEW.id, 'requestId', NEW.request_id, 'facilityId', NEW.facility_id, 'status', NEW.status));
        RETURN NULL;
      END $$`;

const REQUEST = `CREATE FUNCTION live_request_event() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        PERFORM live_event_append('request', NEW.region_code, NULL, jsonb_build_object('id', NEW.id, 'status', NEW.status));
        RETURN NULL;
      END $$`;

/** facility_place, place_hold and facility rows all name their facility in `facility_id` or `id`. */
const AVAILABILITY = `CREATE FUNCTION live_availability_event() RETURNS trigger LANGUAGE plpgsql AS $$
      DECLARE
        fid uuid;
        seen text := coalesce(current_setting('approdo.live_facilities', true), '');
        f record;
      BEGIN
        IF TG_TABLE_NAME = 'facility' THEN fid := NEW.id;
        ELSIF TG_OP = 'DELETE' THEN fid := OLD.facility_id;
        ELSE fid := NEW.facility_id; END IF;
        IF seen = 'bulk' OR position(fid::text IN seen) > 0 THEN RETURN NULL; END IF;
        -- a bulk change (an import): past ${BULK} facilities, one reset instead of an event each
        IF length(seen) >= ${BULK} * 37 THEN
          PERFORM set_config('approdo.live_facilities', 'bulk', true);
          PERFORM live_event_append('reset', NULL, NULL, '{}'::jsonb);
          RETURN NULL;
        END IF;
        PERFORM set_config('approdo.live_facilities', seen || fid::text || ' ', true);
        SELECT fa.region_code, fa.availability_version, fa.confirmed_at, fa.accepting_new_guests,
               coalesce((SELECT jsonb_agg(jsonb_build_object('kind', p.kind, 'free',
                           free_places(p.total, p.occupied, p.out_of_service,
                             (SELECT count(*) FROM place_hold h WHERE h.facility_id = p.facility_id AND h.kind = p.kind AND h.released_at IS NULL)))
                         ORDER BY p.kind)
                         FROM facility_place p WHERE p.facility_id = fa.id), '[]'::jsonb) AS places
          INTO f FROM facility fa WHERE fa.id = fid;
        IF NOT FOUND THEN RETURN NULL; END IF;
        PERFORM live_event_append('availability', f.region_code, fid, jsonb_build_object(
          'facilityId', fid, 'version', f.availability_version, 'places', f.places,
          'confirmedAt', f.confirmed_at, 'acceptingNewGuests', f.accepting_new_guests));
        RETURN NULL;
      END $$`;

const TRIGGERS: [string, string][] = [
  ['live_proposal_insert', `AFTER INSERT ON proposal DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION live_proposal_event()`],
  [
    'live_proposal_status',
    `AFTER UPDATE ON proposal DEFERRABLE INITIALLY DEFERRED FOR EACH ROW WHEN (OLD.status IS DISTINCT FROM NEW.status) EXECUTE FUNCTION live_proposal_event()`,
  ],
  ['live_request_insert', `AFTER INSERT ON placement_request DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION live_request_event()`],
  [
    'live_request_status',
    `AFTER UPDATE ON placement_request DEFERRABLE INITIALLY DEFERRED FOR EACH ROW WHEN (OLD.status IS DISTINCT FROM NEW.status) EXECUTE FUNCTION live_request_event()`,
  ],
  [
    'live_place_change',
    `AFTER INSERT OR UPDATE OR DELETE ON facility_place DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION live_availability_event()`,
  ],
  [
    'live_hold_change',
    `AFTER INSERT OR UPDATE OF released_at ON place_hold DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION live_availability_event()`,
  ],
  ['live_facility_insert', `AFTER INSERT ON facility DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION live_availability_event()`],
  [
    'live_facility_change',
    `AFTER UPDATE ON facility DEFERRABLE INITIALLY DEFERRED FOR EACH ROW
     WHEN ((OLD.availability_version, OLD.confirmed_at, OLD.accepting_new_guests) IS DISTINCT FROM (NEW.availability_version, NEW.confirmed_at, NEW.accepting_new_guests))
     EXECUTE FUNCTION live_availability_event()`,
  ],
];

export class LiveEvents1763900016000 implements MigrationInterface {
  name = 'LiveEvents1763900016000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE SEQUENCE live_event_seq`);
    await q.query(`CREATE TABLE live_event (
      id bigint PRIMARY KEY,
      at timestamptz NOT NULL DEFAULT now(),
      type text NOT NULL CHECK (type IN ('proposal','request','availability','reset')),
      region_code char(2),
      facility_id uuid,
      data jsonb NOT NULL)`);
    await q.query(`CREATE INDEX live_event_at_idx ON live_event(at)`);
    await q.query(`CREATE TABLE live_event_horizon (
      id boolean PRIMARY KEY DEFAULT true CHECK (id),
      purged_through bigint NOT NULL)`);
    await q.query(`INSERT INTO live_event_horizon (purged_through) VALUES (0)`);
    await q.query(APPEND);
    await q.query(PROPOSAL);
    await q.query(REQUEST);
    await q.query(AVAILABILITY);
    for (const [name, def] of TRIGGERS) await q.query(`CREATE CONSTRAINT TRIGGER ${name} ${def}`);
    // the bed board’s offline saves replay their first answer, as it was written (json keeps its text; jsonb would reorder keys)
    await q.query(`ALTER TABLE idempotency_key ADD COLUMN answer json`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE idempotency_key DROP COLUMN answer`);
    for (const [name, def] of [...TRIGGERS].reverse()) await q.query(`DROP TRIGGER ${name} ON ${/ ON (\w+) /.exec(def)![1]}`);
    await q.query(`DROP FUNCTION live_availability_event()`);
    await q.query(`DROP FUNCTION live_request_event()`);
    await q.query(`DROP FUNCTION live_proposal_event()`);
    await q.query(`DROP FUNCTION live_event_append(text, char, uuid, jsonb)`);
    await q.query(`DROP TABLE live_event_horizon`);
    await q.query(`DROP TABLE live_event`);
    await q.query(`DROP SEQUENCE live_event_seq`);
  }
}
