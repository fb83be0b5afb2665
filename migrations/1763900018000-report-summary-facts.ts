import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The monitoring sheet (`GET /api/v1/reports/summary`) from anonymous facts only:
 * - `proposal`: one fact per proposal made (`first_proposal` is written only for a request's first);
 * - `stay_days` on `discharge`: the nights from admission to the discharge date, measured when the
 *   placement ends (the facts have no placement id to measure it from later). Discharge facts also
 *   carry the person's gender, age band, exploitation and children from now on (as admissions do),
 *   so that the people still placed on a day are admissions minus discharges by those dimensions.
 */
export class ReportSummaryFacts1763900018000 implements MigrationInterface {
  name = 'ReportSummaryFacts1763900018000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE report_fact ADD COLUMN stay_days integer CHECK (stay_days >= 0)`);
    await q.query(`ALTER TABLE report_fact DROP CONSTRAINT report_fact_event_check`);
    await q.query(`ALTER TABLE report_fact ADD CONSTRAINT report_fact_event_check CHECK (event IN ('request_created','first_proposal','proposal','acceptance','admission','decline','expiry','withdrawal','discharge','search_without_candidates','closed_unplaced'))`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DELETE FROM report_fact WHERE event = 'proposal'`);
    await q.query(`ALTER TABLE report_fact DROP CONSTRAINT report_fact_event_check`);
    await q.query(`ALTER TABLE report_fact ADD CONSTRAINT report_fact_event_check CHECK (event IN ('request_created','first_proposal','acceptance','admission','decline','expiry','withdrawal','discharge','search_without_candidates','closed_unplaced'))`);
    await q.query(`ALTER TABLE report_fact DROP COLUMN stay_days`);
  }
}
