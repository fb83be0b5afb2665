import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The region's UOR on-call number: the shelter manager deciding a proposal at night calls the
 * office that sent it. An office number in E.164, never a person's; optional.
 */
export class UorOnCallPhone1763900017000 implements MigrationInterface {
  name = 'UorOnCallPhone1763900017000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE region ADD COLUMN uor_on_call_phone text CHECK (uor_on_call_phone ~ '^\\+[1-9][0-9]{6,14}$')`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE region DROP COLUMN uor_on_call_phone`);
  }
}
