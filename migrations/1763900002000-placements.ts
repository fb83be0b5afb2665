import { MigrationInterface, QueryRunner } from 'typeorm';

/** Placement requests (pseudonymous profiles), proposals holding places, placements, idempotency keys. */
export class Placements1763900002000 implements MigrationInterface {
  name = 'Placements1763900002000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE TABLE placement_request (
      id uuid PRIMARY KEY,
      case_code text NOT NULL CHECK (case_code ~ '^[A-Za-z0-9][A-Za-z0-9_./-]{0,39}$'),
      region_code char(2) NOT NULL REFERENCES region(code),
      status text NOT NULL CHECK (status IN ('open','proposed','placed','closed','cancelled')),
      -- special-category data: null once purged after the retention period
      profile jsonb,
      note text CHECK (length(note) <= 500),
      protection_level text NOT NULL CHECK (protection_level IN ('low','medium','high')),
      stage text NOT NULL CHECK (stage IN ('first_reception','second_reception')),
      origin_province char(2) NOT NULL REFERENCES province(code),
      safety jsonb NOT NULL,
      preferences jsonb NOT NULL,
      conflict_tags text[] NOT NULL DEFAULT '{}',
      urgency text NOT NULL CHECK (urgency IN ('immediate','within_24h','planned')),
      previous_placement_id uuid,
      created_by_sub text NOT NULL,
      created_by_email text,
      created_at timestamptz NOT NULL,
      updated_at timestamptz NOT NULL,
      closed_at timestamptz,
      purged_at timestamptz)`);
    await q.query(`CREATE INDEX placement_request_region_idx ON placement_request(region_code, status)`);

    await q.query(`CREATE TABLE proposal (
      id uuid PRIMARY KEY,
      request_id uuid NOT NULL REFERENCES placement_request(id),
      facility_id uuid NOT NULL REFERENCES facility(id),
      place_kind text NOT NULL CHECK (place_kind IN ('adult','mother_child','minor')),
      status text NOT NULL CHECK (status IN ('pending','accepted','admitted','declined','expired','withdrawn')),
      hold_id uuid REFERENCES place_hold(id),
      created_by_sub text NOT NULL,
      created_at timestamptz NOT NULL,
      decided_by_sub text,
      decided_at timestamptz,
      decline_reason text CHECK (decline_reason IN ('no_capacity','profile_not_suitable','safety','other')),
      placement_id uuid)`);
    await q.query(`CREATE INDEX proposal_request_idx ON proposal(request_id)`);
    await q.query(`CREATE INDEX proposal_facility_idx ON proposal(facility_id, status)`);
    // one live proposal per request and facility; the first acceptance wins, in the database too
    await q.query(`CREATE UNIQUE INDEX proposal_live_per_facility ON proposal(request_id, facility_id) WHERE status IN ('pending','accepted')`);
    await q.query(`CREATE UNIQUE INDEX proposal_one_accepted ON proposal(request_id) WHERE status IN ('accepted','admitted')`);

    await q.query(`CREATE TABLE placement (
      id uuid PRIMARY KEY,
      request_id uuid NOT NULL REFERENCES placement_request(id),
      proposal_id uuid NOT NULL UNIQUE REFERENCES proposal(id),
      facility_id uuid NOT NULL REFERENCES facility(id),
      place_kind text NOT NULL,
      status text NOT NULL CHECK (status IN ('active','discharged')),
      admitted_at timestamptz NOT NULL,
      discharged_at timestamptz,
      discharge_date date,
      discharge_reason text CHECK (discharge_reason IN ('completed','transferred','left','assisted_return','other')))`);
    await q.query(`CREATE INDEX placement_facility_idx ON placement(facility_id) WHERE status = 'active'`);
    await q.query(`ALTER TABLE placement_request ADD CONSTRAINT placement_request_previous_fk FOREIGN KEY (previous_placement_id) REFERENCES placement(id)`);

    await q.query(`CREATE TABLE idempotency_key (
      caller_sub text NOT NULL,
      key text NOT NULL,
      scope text NOT NULL,
      body_hash text NOT NULL,
      resource_id uuid,
      created_at timestamptz NOT NULL,
      PRIMARY KEY (caller_sub, scope, key))`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE idempotency_key`);
    await q.query(`ALTER TABLE placement_request DROP CONSTRAINT placement_request_previous_fk`);
    await q.query(`DROP TABLE placement`);
    await q.query(`DROP TABLE proposal`);
    await q.query(`DROP TABLE placement_request`);
  }
}
