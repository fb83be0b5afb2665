import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * API keys for machine clients (issue 34), in place of a shared secret that minted any role.
 *
 * - `api_key`: one row per key. The key itself (`apk_` + 32 random bytes) is shown once and never
 *   stored: `hash` is its SHA-256 (a key carries 256 bits of entropy, so a fast hash is enough: there
 *   is no dictionary to try, and the lookup stays one index probe per request). `prefix` (its first
 *   twelve characters) lets people tell their keys apart. A key acts as its member, whose role and
 *   scope are read from `member` at every request; `revoked_at` ends it at once.
 * - `member.service`: a member that is a machine client (a region's case system, a report job), made
 *   by an administrator: active from the start, never bound to a person's identity, so it signs in
 *   only through the keys an administrator makes for it.
 */
export class ApiKeys1763900020000 implements MigrationInterface {
  name = 'ApiKeys1763900020000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE member ADD COLUMN service boolean NOT NULL DEFAULT false`);
    await q.query(`CREATE TABLE api_key (
      id uuid PRIMARY KEY,
      member_id uuid NOT NULL REFERENCES member(id) ON DELETE CASCADE,
      name text NOT NULL CHECK (length(name) BETWEEN 1 AND 80),
      prefix text NOT NULL CHECK (prefix ~ '^apk_[A-Za-z0-9_-]{8}$'),
      hash bytea NOT NULL UNIQUE CHECK (length(hash) = 32),
      created_by text NOT NULL,
      created_at timestamptz NOT NULL,
      expires_at timestamptz NOT NULL CHECK (expires_at > created_at),
      last_used_at timestamptz,
      revoked_at timestamptz,
      revoked_by text)`);
    await q.query(`CREATE INDEX api_key_member_idx ON api_key (member_id)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE api_key`);
    await q.query(`ALTER TABLE member DROP COLUMN service`);
  }
}
