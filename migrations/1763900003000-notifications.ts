import { MigrationInterface, QueryRunner } from 'typeorm';

/** The e-mail outbox, scheduled-job occurrences, and the markers reminders need. */
export class Notifications1763900003000 implements MigrationInterface {
  name = 'Notifications1763900003000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE TABLE outbox (
      id uuid PRIMARY KEY,
      event text NOT NULL,
      recipient text NOT NULL,
      subject text NOT NULL,
      body_text text NOT NULL,
      body_html text NOT NULL,
      status text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending','sent','failed')),
      attempts integer NOT NULL DEFAULT 0,
      next_attempt_at timestamptz NOT NULL,
      lease_until timestamptz,
      last_error text,
      created_at timestamptz NOT NULL,
      sent_at timestamptz)`);
    await q.query(`CREATE INDEX outbox_due_idx ON outbox(next_attempt_at) WHERE status = 'pending'`);
    await q.query(`CREATE TABLE job_run (
      job text NOT NULL,
      occurrence text NOT NULL,
      started_at timestamptz NOT NULL,
      PRIMARY KEY (job, occurrence))`);
    await q.query(`ALTER TABLE region ADD COLUMN uor_email text`);
    await q.query(`ALTER TABLE facility ADD COLUMN stale_reminded_at timestamptz, ADD COLUMN stale_escalated_at timestamptz`);
    await q.query(`ALTER TABLE proposal ADD COLUMN expiry_warned_at timestamptz`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE proposal DROP COLUMN expiry_warned_at`);
    await q.query(`ALTER TABLE facility DROP COLUMN stale_reminded_at, DROP COLUMN stale_escalated_at`);
    await q.query(`ALTER TABLE region DROP COLUMN uor_email`);
    await q.query(`DROP TABLE job_run`);
    await q.query(`DROP TABLE outbox`);
  }
}
