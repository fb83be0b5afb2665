import { MigrationInterface, QueryRunner } from 'typeorm';

/** Facilities, their places by kind, holds, the availability event history and the audit log. */
export class Facilities1763900001000 implements MigrationInterface {
  name = 'Facilities1763900001000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE TABLE facility (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      name text NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
      organization text NOT NULL CHECK (length(organization) BETWEEN 1 AND 200),
      type text NOT NULL CHECK (type IN ('casa_di_fuga','high_intensity_community','medium_intensity_community','protected_flat','semi_autonomy_flat','autonomy_flat')),
      region_code char(2) NOT NULL REFERENCES region(code),
      province_code char(2) NOT NULL REFERENCES province(code),
      protection_level text NOT NULL CHECK (protection_level IN ('low','medium','high')),
      accepts_genders text[] NOT NULL,
      accepts_adults boolean NOT NULL,
      accepts_minors boolean NOT NULL,
      accepts_children boolean NOT NULL,
      languages text[] NOT NULL DEFAULT '{}',
      exploitation_expertise text[] NOT NULL DEFAULT '{}',
      supports text[] NOT NULL DEFAULT '{}',
      secret_address boolean NOT NULL,
      -- AES-256-GCM, encrypted in the application: a dump shows no address or precise location
      address_enc text NOT NULL,
      location_enc text,
      -- the point matching uses: the precise location, or for secret facilities a coarse one (0.1 deg)
      match_lat double precision NOT NULL,
      match_lon double precision NOT NULL,
      contact_email text NOT NULL,
      accepting_new_guests boolean NOT NULL DEFAULT true,
      intake_note text,
      availability_version integer NOT NULL DEFAULT 1,
      confirmed_at timestamptz,
      created_at timestamptz NOT NULL DEFAULT now(),
      updated_at timestamptz NOT NULL DEFAULT now())`);
    await q.query(`CREATE INDEX facility_region_idx ON facility(region_code)`);
    await q.query(`CREATE INDEX facility_province_idx ON facility(province_code)`);

    await q.query(`CREATE TABLE facility_place (
      facility_id uuid NOT NULL REFERENCES facility(id) ON DELETE CASCADE,
      kind text NOT NULL CHECK (kind IN ('adult','mother_child','minor')),
      total integer NOT NULL CHECK (total >= 0),
      occupied integer NOT NULL DEFAULT 0 CHECK (occupied >= 0),
      out_of_service integer NOT NULL DEFAULT 0 CHECK (out_of_service >= 0),
      child_capacity integer CHECK (child_capacity BETWEEN 1 AND 10),
      PRIMARY KEY (facility_id, kind),
      CHECK (occupied + out_of_service <= total),
      CHECK ((kind = 'mother_child') = (child_capacity IS NOT NULL)))`);

    await q.query(`CREATE TABLE place_hold (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      facility_id uuid NOT NULL,
      kind text NOT NULL,
      reference_id uuid,
      created_at timestamptz NOT NULL DEFAULT now(),
      expires_at timestamptz NOT NULL,
      released_at timestamptz,
      release_reason text CHECK (release_reason IN ('released','declined','expired','withdrawn','admitted','cancelled')),
      FOREIGN KEY (facility_id, kind) REFERENCES facility_place(facility_id, kind),
      CHECK ((released_at IS NULL) = (release_reason IS NULL)))`);
    // held = live holds; this partial index keeps counting them cheap
    await q.query(`CREATE INDEX place_hold_live_idx ON place_hold(facility_id, kind) WHERE released_at IS NULL`);
    await q.query(`CREATE INDEX place_hold_expiry_idx ON place_hold(expires_at) WHERE released_at IS NULL`);

    // Backstop for "free is never negative": every writer locks the facility_place row first,
    // so this check sees a consistent count.
    await q.query(`CREATE FUNCTION assert_place_not_overbooked(f uuid, k text) RETURNS void LANGUAGE plpgsql AS $$
      DECLARE p facility_place; h integer;
      BEGIN
        SELECT * INTO p FROM facility_place WHERE facility_id = f AND kind = k;
        IF NOT FOUND THEN RETURN; END IF;
        SELECT count(*) INTO h FROM place_hold WHERE facility_id = f AND kind = k AND released_at IS NULL;
        IF p.occupied + p.out_of_service + h > p.total THEN
          RAISE EXCEPTION 'place overbooked' USING ERRCODE = 'AP001';
        END IF;
      END $$`);
    await q.query(`CREATE FUNCTION place_guard() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN PERFORM assert_place_not_overbooked(NEW.facility_id, NEW.kind); RETURN NEW; END $$`);
    await q.query(`CREATE TRIGGER facility_place_guard AFTER INSERT OR UPDATE ON facility_place FOR EACH ROW EXECUTE FUNCTION place_guard()`);
    await q.query(`CREATE TRIGGER place_hold_guard AFTER INSERT OR UPDATE ON place_hold FOR EACH ROW EXECUTE FUNCTION place_guard()`);

    await q.query(`CREATE TABLE availability_event (
      id bigserial PRIMARY KEY,
      facility_id uuid NOT NULL REFERENCES facility(id) ON DELETE CASCADE,
      kind text,
      type text NOT NULL,
      actor_sub text NOT NULL,
      actor_role text NOT NULL,
      at timestamptz NOT NULL DEFAULT now(),
      delta jsonb,
      after jsonb,
      hold_id uuid,
      details jsonb)`);
    await q.query(`CREATE INDEX availability_event_facility_idx ON availability_event(facility_id, id)`);

    await q.query(`CREATE TABLE audit_log (
      id bigserial PRIMARY KEY,
      at timestamptz NOT NULL DEFAULT now(),
      actor_sub text NOT NULL,
      actor_role text NOT NULL,
      action text NOT NULL,
      object_type text NOT NULL,
      object_id text,
      outcome text NOT NULL DEFAULT 'ok',
      details jsonb)`);
    await q.query(`CREATE INDEX audit_log_at_idx ON audit_log(at)`);
    await q.query(`CREATE INDEX audit_log_object_idx ON audit_log(object_type, object_id)`);
    // append-only: the record of who read what is evidence
    await q.query(`CREATE FUNCTION audit_log_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN RAISE EXCEPTION 'audit_log is append-only' USING ERRCODE = 'AP002'; END $$`);
    await q.query(`CREATE TRIGGER audit_log_no_change BEFORE UPDATE OR DELETE ON audit_log FOR EACH ROW EXECUTE FUNCTION audit_log_append_only()`);
    await q.query(`CREATE TRIGGER audit_log_no_truncate BEFORE TRUNCATE ON audit_log FOR EACH STATEMENT EXECUTE FUNCTION audit_log_append_only()`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE audit_log`);
    await q.query(`DROP FUNCTION audit_log_append_only()`);
    await q.query(`DROP TABLE availability_event`);
    await q.query(`DROP TABLE place_hold`);
    await q.query(`DROP TABLE facility_place`);
    await q.query(`DROP FUNCTION place_guard()`);
    await q.query(`DROP FUNCTION assert_place_not_overbooked(uuid, text)`);
    await q.query(`DROP TABLE facility`);
  }
}
