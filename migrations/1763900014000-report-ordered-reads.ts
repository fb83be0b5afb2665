import { MigrationInterface, QueryRunner } from 'typeorm';

/** The `exploitation` dimension of `people` as a text key ('none' for no type), as reports show it. */
const EXPLOITATION_KEY = `CASE WHEN cardinality(exploitation) = 0 THEN 'none' ELSE array_to_string(exploitation, '+') END`;
const PEOPLE_KEYS = 'facility_region_code, gender, age_band, exploitation_key, referral_channel, nationality';

/**
 * Indexes that hand a year's national `people` and `flow` reports their rows already in report
 * order, so no sort of the whole year is needed (the numbers are unchanged: same rows, same order):
 *
 * - `report_people_month.exploitation_key`: the `exploitation` dimension as the text reports group
 *   and order by (a stored generated column; `array_to_string` is only STABLE, so through an
 *   IMMUTABLE function over text[], which it is for text). `report_people_month_dims_idx` covers the
 *   six dimensions in the report's order plus the month and sums: a year of combinations is read in
 *   order and summed group by group (no hash table of 36,000 groups, no sort of them).
 *   `report_people_month_dims` (ndistinct statistics) tells the planner how many combinations
 *   there are, so it chooses that ordered read when the groups are many and not when they are few.
 * - `report_duration_group_idx`: the durations of `flow` by event, region, urgency and hours (day
 *   included for the period's filter): the percentiles read each group's values in order instead
 *   of sorting every duration of the period by group.
 */
export class ReportOrderedReads1763900014000 implements MigrationInterface {
  name = 'ReportOrderedReads1763900014000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE FUNCTION report_exploitation_key(exploitation text[]) RETURNS text
      LANGUAGE sql IMMUTABLE PARALLEL SAFE RETURN ${EXPLOITATION_KEY}`);
    await q.query(
      `ALTER TABLE report_people_month ADD COLUMN exploitation_key text GENERATED ALWAYS AS (report_exploitation_key(exploitation)) STORED`,
    );
    await q.query(
      `CREATE INDEX report_people_month_dims_idx ON report_people_month (${PEOPLE_KEYS}) INCLUDE (month, n, children, children_female, children_male)`,
    );
    await q.query(`CREATE STATISTICS report_people_month_dims (ndistinct) ON ${PEOPLE_KEYS} FROM report_people_month`);
    await q.query(`ANALYZE report_people_month`);
    await q.query(`CREATE INDEX report_duration_group_idx ON report_duration (event, region_code, urgency, hours) INCLUDE (day)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX report_duration_group_idx`);
    await q.query(`DROP STATISTICS report_people_month_dims`);
    await q.query(`DROP INDEX report_people_month_dims_idx`);
    await q.query(`ALTER TABLE report_people_month DROP COLUMN exploitation_key`);
    await q.query(`DROP FUNCTION report_exploitation_key(text[])`);
  }
}
