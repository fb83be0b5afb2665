import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Reports read anonymous facts, never profiles, so the retention purge changes no count.
 *
 * - `report_fact`: one row per lifecycle event (request created, first proposal, acceptance,
 *   admission, decline, expiry, withdrawal, discharge, search without candidates, request closed
 *   unplaced), written by the service in the transaction of the event. Only the dimensions reports
 *   group by: no case code, no request or placement id, no free text.
 * - Bed-nights: a trigger on `availability_event` (every writer of beds appends one, in its own
 *   transaction) keeps, per facility and kind, the change of the end-of-day numbers on the day of
 *   the change (`report_bed_change`), and the same per region and facility type in one row per day
 *   (`report_bed_change_group`, the three kinds side by side so one event touches one group row).
 *   A day's beds are the sum of the changes up to that day; the bed-nights of a period follow
 *   without replaying the whole history. `fresh_*` carries, per day, the beds in service of the
 *   facilities whose manager confirmed that day (the stale threshold is 24 h: a facility confirmed
 *   during the day is fresh at its end).
 * Days are days in Italy (Europe/Rome). The rows updated in place leave room on their pages
 * (fillfactor 70) so that updates stay HOT and the tables do not bloat between vacuums.
 */
export class ReportFacts1763900009000 implements MigrationInterface {
  name = 'ReportFacts1763900009000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE placement_request ADD COLUMN referral_channel text
      CHECK (referral_channel IN ('helpline','street_unit','social_services','reception_centre','territorial_commission','law_enforcement','health_services','lawyer','labour_union','self','other'))`);

    await q.query(`CREATE TABLE report_fact (
      id bigserial PRIMARY KEY,
      event text NOT NULL CHECK (event IN ('request_created','first_proposal','acceptance','admission','decline','expiry','withdrawal','discharge','search_without_candidates','closed_unplaced')),
      at timestamptz NOT NULL,
      day date NOT NULL,
      region_code char(2),
      facility_region_code char(2),
      from_region_code char(2),
      facility_id uuid,
      facility_type text,
      kind text,
      urgency text,
      gender text,
      age_band text CHECK (age_band IN ('minor','18_24','25_34','35_plus')),
      exploitation text[] NOT NULL DEFAULT '{}',
      referral_channel text,
      nationality char(2),
      children integer NOT NULL DEFAULT 0,
      children_female integer NOT NULL DEFAULT 0,
      children_male integer NOT NULL DEFAULT 0,
      transfer boolean NOT NULL DEFAULT false,
      reason text,
      hours double precision)`);
    await q.query(`CREATE INDEX report_fact_event_day_idx ON report_fact(event, day)`);
    await q.query(`CREATE INDEX report_fact_facility_idx ON report_fact(facility_id, day) WHERE facility_id IS NOT NULL`);

    await q.query(`CREATE TABLE report_place_state (
      facility_id uuid NOT NULL,
      kind text NOT NULL,
      region_code char(2) NOT NULL,
      facility_type text NOT NULL,
      available integer NOT NULL,
      occupied integer NOT NULL,
      fresh_day date,
      fresh_available integer NOT NULL DEFAULT 0,
      PRIMARY KEY (facility_id, kind)) WITH (fillfactor = 70)`);
    await q.query(`CREATE TABLE report_bed_change (
      facility_id uuid NOT NULL,
      kind text NOT NULL,
      day date NOT NULL,
      region_code char(2) NOT NULL,
      facility_type text NOT NULL,
      d_available integer NOT NULL DEFAULT 0,
      d_occupied integer NOT NULL DEFAULT 0,
      fresh_available integer NOT NULL DEFAULT 0,
      PRIMARY KEY (facility_id, kind, day)) WITH (fillfactor = 70)`);
    await q.query(`CREATE INDEX report_bed_change_region_idx ON report_bed_change(region_code, day)`);
    await q.query(`CREATE TABLE report_bed_change_group (
      day date NOT NULL,
      region_code char(2) NOT NULL,
      facility_type text NOT NULL,
      d_available_adult integer NOT NULL DEFAULT 0,
      d_occupied_adult integer NOT NULL DEFAULT 0,
      fresh_available_adult integer NOT NULL DEFAULT 0,
      d_available_mother_child integer NOT NULL DEFAULT 0,
      d_occupied_mother_child integer NOT NULL DEFAULT 0,
      fresh_available_mother_child integer NOT NULL DEFAULT 0,
      d_available_minor integer NOT NULL DEFAULT 0,
      d_occupied_minor integer NOT NULL DEFAULT 0,
      fresh_available_minor integer NOT NULL DEFAULT 0,
      PRIMARY KEY (day, region_code, facility_type)) WITH (fillfactor = 70)`);

    await q.query(`CREATE FUNCTION report_group_add(d date, r char(2), ft text, k text, dav integer, doc integer, dfresh integer) RETURNS void LANGUAGE plpgsql AS $$
      BEGIN
        INSERT INTO report_bed_change_group (day, region_code, facility_type) VALUES (d, r, ft) ON CONFLICT DO NOTHING;
        IF k = 'adult' THEN
          UPDATE report_bed_change_group SET d_available_adult = d_available_adult + dav, d_occupied_adult = d_occupied_adult + doc,
            fresh_available_adult = fresh_available_adult + dfresh WHERE day = d AND region_code = r AND facility_type = ft;
        ELSIF k = 'mother_child' THEN
          UPDATE report_bed_change_group SET d_available_mother_child = d_available_mother_child + dav, d_occupied_mother_child = d_occupied_mother_child + doc,
            fresh_available_mother_child = fresh_available_mother_child + dfresh WHERE day = d AND region_code = r AND facility_type = ft;
        ELSE
          UPDATE report_bed_change_group SET d_available_minor = d_available_minor + dav, d_occupied_minor = d_occupied_minor + doc,
            fresh_available_minor = fresh_available_minor + dfresh WHERE day = d AND region_code = r AND facility_type = ft;
        END IF;
      END $$`);

    await q.query(`CREATE FUNCTION report_apply_availability_event(e availability_event) RETURNS void LANGUAGE plpgsql AS $$
      DECLARE
        d date := (e.at AT TIME ZONE 'Europe/Rome')::date;
        dav integer; doc integer; prev integer;
        f record; s report_place_state;
      BEGIN
        IF e.kind IS NOT NULL AND e.delta IS NOT NULL THEN
          dav := coalesce((e.delta->>'total')::int, 0) - coalesce((e.delta->>'outOfService')::int, 0);
          doc := coalesce((e.delta->>'occupied')::int, 0);
          IF dav = 0 AND doc = 0 THEN RETURN; END IF;
          SELECT region_code, type INTO f FROM facility WHERE id = e.facility_id;
          IF NOT FOUND THEN RETURN; END IF;
          INSERT INTO report_place_state AS st (facility_id, kind, region_code, facility_type, available, occupied)
            VALUES (e.facility_id, e.kind, f.region_code, f.type, dav, doc)
            ON CONFLICT (facility_id, kind) DO UPDATE SET available = st.available + dav, occupied = st.occupied + doc
            RETURNING * INTO s;
          INSERT INTO report_bed_change AS c (facility_id, kind, day, region_code, facility_type, d_available, d_occupied)
            VALUES (e.facility_id, e.kind, d, s.region_code, s.facility_type, dav, doc)
            ON CONFLICT (facility_id, kind, day) DO UPDATE SET d_available = c.d_available + dav, d_occupied = c.d_occupied + doc;
          PERFORM report_group_add(d, s.region_code, s.facility_type, e.kind, dav, doc, 0);
        ELSIF e.type = 'confirm' THEN
          FOR s IN SELECT * FROM report_place_state WHERE facility_id = e.facility_id ORDER BY kind FOR UPDATE LOOP
            prev := CASE WHEN s.fresh_day = d THEN s.fresh_available ELSE 0 END;
            UPDATE report_place_state SET fresh_day = d, fresh_available = s.available WHERE facility_id = s.facility_id AND kind = s.kind;
            INSERT INTO report_bed_change AS c (facility_id, kind, day, region_code, facility_type, fresh_available)
              VALUES (s.facility_id, s.kind, d, s.region_code, s.facility_type, s.available)
              ON CONFLICT (facility_id, kind, day) DO UPDATE SET fresh_available = s.available;
            PERFORM report_group_add(d, s.region_code, s.facility_type, s.kind, 0, 0, s.available - prev);
          END LOOP;
        END IF;
      END $$`);
    await q.query(`CREATE FUNCTION report_availability_event_trigger() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN PERFORM report_apply_availability_event(NEW); RETURN NULL; END $$`);
    await q.query(`CREATE TRIGGER availability_event_report AFTER INSERT ON availability_event FOR EACH ROW EXECUTE FUNCTION report_availability_event_trigger()`);
    // the history so far, replayed in order
    await q.query(`DO $$ DECLARE e availability_event; BEGIN
      FOR e IN SELECT * FROM availability_event ORDER BY id LOOP PERFORM report_apply_availability_event(e); END LOOP; END $$`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TRIGGER availability_event_report ON availability_event`);
    await q.query(`DROP FUNCTION report_availability_event_trigger()`);
    await q.query(`DROP FUNCTION report_apply_availability_event(availability_event)`);
    await q.query(`DROP FUNCTION report_group_add(date, char, text, text, integer, integer, integer)`);
    await q.query(`DROP TABLE report_bed_change_group`);
    await q.query(`DROP TABLE report_bed_change`);
    await q.query(`DROP TABLE report_place_state`);
    await q.query(`DROP TABLE report_fact`);
    await q.query(`ALTER TABLE placement_request DROP COLUMN referral_channel`);
  }
}
