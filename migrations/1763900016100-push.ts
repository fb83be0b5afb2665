import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Web Push (issue 22): the phones' subscriptions and their outbox.
 *
 * A subscription keeps who subscribed (`owner_sub`) and her scope at that moment (role, region,
 * facilities): recipients are chosen from it, so a phone subscribed by a manager receives the
 * proposals of the facilities she ran when she subscribed (she subscribes again after a change).
 *
 * Push rows are derived by a trigger on `proposal`, in the transaction of the change (so the
 * lifecycle needs no code of its own for them, as with the live events): a new proposal to the
 * facility's managers; accepted and declined to the UOR of the request's region; expired to both;
 * withdrawn to the facility; `expiry_warned_at` set (the hold is about to expire) to both. A row
 * holds the notice's kind, the case code and the page's path: never a profile or an address.
 * Deleting a subscription (the push service answered 404 or 410) deletes its pending rows.
 */
export class Push1763900016100 implements MigrationInterface {
  name = 'Push1763900016100';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE TABLE push_subscription (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      owner_sub text NOT NULL,
      role text NOT NULL CHECK (role IN ('uor','shelter_manager','national','admin')),
      region_code char(2),
      facility_ids uuid[] NOT NULL DEFAULT '{}',
      endpoint text NOT NULL UNIQUE CHECK (endpoint ~ '^https://' AND length(endpoint) <= 2048),
      p256dh text NOT NULL,
      auth text NOT NULL,
      created_at timestamptz NOT NULL DEFAULT now())`);
    await q.query(`CREATE INDEX push_subscription_owner_idx ON push_subscription(owner_sub)`);
    await q.query(`CREATE INDEX push_subscription_facilities_idx ON push_subscription USING gin (facility_ids)`);
    await q.query(`CREATE INDEX push_subscription_region_idx ON push_subscription(region_code) WHERE role = 'uor'`);
    await q.query(`CREATE TABLE push_outbox (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      subscription_id uuid NOT NULL REFERENCES push_subscription(id) ON DELETE CASCADE,
      event text NOT NULL,
      case_code text NOT NULL,
      path text NOT NULL,
      status text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending','sent','failed')),
      attempts integer NOT NULL DEFAULT 0,
      -- null: due now (the trigger runs on the database's clock, the dispatcher on the service's)
      next_attempt_at timestamptz,
      lease_until timestamptz,
      last_error text,
      created_at timestamptz NOT NULL DEFAULT now(),
      sent_at timestamptz)`);
    await q.query(`CREATE INDEX push_outbox_due_idx ON push_outbox(next_attempt_at NULLS FIRST) WHERE status = 'pending'`);
    await q.query(`CREATE INDEX push_outbox_subscription_idx ON push_outbox(subscription_id)`);
    await q.query(`CREATE FUNCTION push_proposal_notices() RETURNS trigger LANGUAGE plpgsql AS $$
      DECLARE
        ev text;
        to_facility boolean := false;
        to_uor boolean := false;
        r record;
      BEGIN
        IF TG_OP = 'INSERT' THEN ev := 'proposal_created'; to_facility := true;
        ELSIF NEW.status IS DISTINCT FROM OLD.status THEN
          CASE NEW.status
            WHEN 'accepted' THEN ev := 'proposal_accepted'; to_uor := true;
            WHEN 'declined' THEN ev := 'proposal_declined'; to_uor := true;
            WHEN 'expired' THEN ev := 'proposal_expired'; to_uor := true; to_facility := true;
            WHEN 'withdrawn' THEN ev := 'proposal_withdrawn'; to_facility := true;
            ELSE RETURN NULL;
          END CASE;
        ELSIF OLD.expiry_warned_at IS NULL AND NEW.expiry_warned_at IS NOT NULL THEN
          ev := 'hold_expiring'; to_uor := true; to_facility := true;
        ELSE RETURN NULL;
        END IF;
        SELECT case_code, region_code INTO r FROM placement_request WHERE id = NEW.request_id;
        -- the UOR opens the request's page, the facility the proposal's
        INSERT INTO push_outbox (subscription_id, event, case_code, path)
        SELECT s.id, ev, r.case_code, CASE WHEN s.role = 'uor' THEN '/#/requests/' || NEW.request_id ELSE '/#/proposals/' || NEW.id END
          FROM push_subscription s
         WHERE (to_facility AND s.role = 'shelter_manager' AND s.facility_ids @> ARRAY[NEW.facility_id])
            OR (to_uor AND s.role = 'uor' AND s.region_code = r.region_code);
        RETURN NULL;
      END $$`);
    await q.query(`CREATE TRIGGER push_proposal_insert AFTER INSERT ON proposal FOR EACH ROW EXECUTE FUNCTION push_proposal_notices()`);
    await q.query(`CREATE TRIGGER push_proposal_update AFTER UPDATE ON proposal FOR EACH ROW
      WHEN (OLD.status IS DISTINCT FROM NEW.status OR OLD.expiry_warned_at IS DISTINCT FROM NEW.expiry_warned_at)
      EXECUTE FUNCTION push_proposal_notices()`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TRIGGER push_proposal_update ON proposal`);
    await q.query(`DROP TRIGGER push_proposal_insert ON proposal`);
    await q.query(`DROP FUNCTION push_proposal_notices()`);
    await q.query(`DROP TABLE push_outbox`);
    await q.query(`DROP TABLE push_subscription`);
  }
}
