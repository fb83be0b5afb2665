import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Why a proposal was withdrawn, when the system did it rather than the requesting UOR:
 * `request_changed` — the request was edited and the house now fails a hard constraint
 * (issue 28). Null for every other withdrawal and every other status.
 */
export class ProposalWithdrawnReason1763900024000 implements MigrationInterface {
  name = 'ProposalWithdrawnReason1763900024000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE proposal ADD COLUMN withdrawn_reason text CHECK (withdrawn_reason IN ('request_changed'))`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE proposal DROP COLUMN withdrawn_reason`);
  }
}
