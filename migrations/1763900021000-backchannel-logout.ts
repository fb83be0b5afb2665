import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Back-channel logout (OpenID Connect Back-Channel Logout 1.0, issue 29).
 * - `web_session.provider_sid`: the provider's session id (`sid` of the ID token), so a logout token
 *   naming that `sid` ends exactly the sessions opened with it.
 * - `logout_token_use`: each logout token's `jti` is accepted once per issuer; a row lives only as
 *   long as a token with that `jti` could still be accepted (`expires_at`), then goes with the next.
 */
export class BackchannelLogout1763900021000 implements MigrationInterface {
  name = 'BackchannelLogout1763900021000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE web_session ADD COLUMN provider_sid text CHECK (length(provider_sid) <= 255)`);
    await q.query(`CREATE INDEX web_session_provider_sid_idx ON web_session (provider_sid) WHERE ended_at IS NULL AND provider_sid IS NOT NULL`);
    await q.query(`CREATE TABLE logout_token_use (
      issuer text NOT NULL,
      jti text NOT NULL CHECK (length(jti) BETWEEN 1 AND 255),
      expires_at timestamptz NOT NULL,
      PRIMARY KEY (issuer, jti)
    )`);
    await q.query(`CREATE INDEX logout_token_use_expires_idx ON logout_token_use (expires_at)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE logout_token_use`);
    await q.query(`DROP INDEX web_session_provider_sid_idx`);
    await q.query(`ALTER TABLE web_session DROP COLUMN provider_sid`);
  }
}
