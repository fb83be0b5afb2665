import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Sign-in and members. The identity provider says who someone is; `member` says what she may do.
 * - `member`: invited by e-mail (and optionally fiscal code), bound at her first sign-in to the
 *   provider's `issuer` + `subject`, which from then on identify her (not the e-mail).
 * - `web_session`: the pages' sessions. The browser holds only a random id; the row is keyed by its
 *   SHA-256, so a copy of the table opens no session. `ended_at` ends it at once (sign-out, disable).
 * - `sign_in_flow`: an authorization-code flow under way (state, nonce, PKCE verifier), keyed by the
 *   hash of a short-lived cookie, so a callback is accepted only in the browser that started it.
 */
export class MembersSessions1763900015000 implements MigrationInterface {
  name = 'MembersSessions1763900015000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE TABLE member (
      id uuid PRIMARY KEY,
      email text NOT NULL CHECK (length(email) BETWEEN 3 AND 254),
      name text CHECK (length(name) <= 120),
      fiscal_code text CHECK (fiscal_code ~ '^[A-Z0-9]{11,16}$'),
      role text NOT NULL CHECK (role IN ('uor', 'shelter_manager', 'national', 'admin')),
      region_code char(2) REFERENCES region(code),
      facility_ids uuid[] NOT NULL DEFAULT '{}',
      status text NOT NULL DEFAULT 'invited' CHECK (status IN ('invited', 'active', 'disabled')),
      issuer text,
      subject text,
      invited_by text NOT NULL,
      created_at timestamptz NOT NULL,
      updated_at timestamptz NOT NULL,
      last_sign_in_at timestamptz,
      CHECK ((issuer IS NULL) = (subject IS NULL)),
      CHECK (role <> 'uor' OR region_code IS NOT NULL)
    )`);
    await q.query(`CREATE UNIQUE INDEX member_email_key ON member (lower(email))`);
    await q.query(`CREATE UNIQUE INDEX member_fiscal_code_key ON member (fiscal_code) WHERE fiscal_code IS NOT NULL`);
    await q.query(`CREATE UNIQUE INDEX member_binding_key ON member (issuer, subject) WHERE issuer IS NOT NULL`);
    await q.query(`CREATE TABLE web_session (
      id_hash bytea PRIMARY KEY,
      member_id uuid NOT NULL REFERENCES member(id) ON DELETE CASCADE,
      csrf_token text NOT NULL,
      id_token text,
      created_at timestamptz NOT NULL,
      last_seen_at timestamptz NOT NULL,
      expires_at timestamptz NOT NULL,
      ended_at timestamptz
    )`);
    await q.query(`CREATE INDEX web_session_member_idx ON web_session (member_id) WHERE ended_at IS NULL`);
    await q.query(`CREATE INDEX web_session_expires_idx ON web_session (expires_at)`);
    await q.query(`CREATE TABLE sign_in_flow (
      id_hash bytea PRIMARY KEY,
      state text NOT NULL,
      nonce text NOT NULL,
      code_verifier text NOT NULL,
      return_to text NOT NULL,
      expires_at timestamptz NOT NULL
    )`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE sign_in_flow`);
    await q.query(`DROP TABLE web_session`);
    await q.query(`DROP TABLE member`);
  }
}
