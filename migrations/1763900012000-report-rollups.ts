import { MigrationInterface, QueryRunner } from 'typeorm';

/** The kinds of place, as the columns of report_bed_change_group name them. */
const KINDS = ['adult', 'mother_child', 'minor'];

/**
 * Monthly roll-ups behind the national reports, kept in the transaction that writes what they sum
 * (triggers), so they are never behind and never need a job:
 *
 * - `report_people_month`: admissions per month and per combination of the `people` dimensions
 *   (with the children's sums), from `report_fact`.
 * - `report_flow_month`: facts per month, event, request region and urgency (the counts of `flow`).
 * - `report_duration`: the durations of `flow` (first proposal, acceptance, admission) with the
 *   dimensions it groups by, one narrow row per fact (percentiles need every value): a year of them
 *   is read from a few thousand pages instead of the facts' tens of thousands. Kept in day order
 *   (a BRIN index finds a period).
 * - `report_bed_change_month`: per month, region and facility type, the sum of the day rows of
 *   `report_bed_change_group` and, per kind, the sum of each change times its day number
 *   (days since 2000-01-01): a change made on day d counts for (to - d + 1) nights of a period
 *   ending on `to`, so a whole month's changes count for (to + 1) * sum(d) - sum(d * day) nights.
 *
 * A report reads the whole months of its period from the roll-ups and the days of its partial
 * months from the day rows or the facts themselves, so the numbers are those of the facts.
 * The fact roll-ups follow inserts and deletes (statement triggers with transition tables: one
 * upsert per statement, also for bulk inserts) and a TRUNCATE of the facts.
 */
export class ReportRollups1763900012000 implements MigrationInterface {
  name = 'ReportRollups1763900012000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE TABLE report_people_month (
      month date NOT NULL,
      facility_region_code char(2),
      gender text,
      age_band text,
      exploitation text[] NOT NULL,
      referral_channel text,
      nationality char(2),
      n integer NOT NULL,
      children integer NOT NULL,
      children_female integer NOT NULL,
      children_male integer NOT NULL,
      CONSTRAINT report_people_month_key UNIQUE NULLS NOT DISTINCT (month, facility_region_code, gender, age_band, exploitation, referral_channel, nationality))`);
    await q.query(`CREATE TABLE report_flow_month (
      month date NOT NULL,
      event text NOT NULL,
      region_code char(2),
      urgency text,
      n integer NOT NULL,
      CONSTRAINT report_flow_month_key UNIQUE NULLS NOT DISTINCT (month, event, region_code, urgency)) WITH (fillfactor = 70)`);
    await q.query(`CREATE TABLE report_duration (
      fact_id bigint NOT NULL,
      day date NOT NULL,
      event text NOT NULL,
      region_code char(2),
      urgency text,
      hours double precision)`);
    await q.query(`CREATE INDEX report_duration_day_idx ON report_duration USING brin (day)`);
    const durations = (rows: string) => `
      INSERT INTO report_duration (fact_id, day, event, region_code, urgency, hours)
      SELECT id, day, event, region_code, urgency, hours FROM ${rows} WHERE event IN ('first_proposal', 'acceptance', 'admission') ORDER BY day, id`;
    const people = (rows: string, sign: string) => `
      INSERT INTO report_people_month AS m (month, facility_region_code, gender, age_band, exploitation, referral_channel, nationality, n, children, children_female, children_male)
      SELECT date_trunc('month', day)::date, facility_region_code, gender, age_band, exploitation, referral_channel, nationality,
             ${sign} count(*), ${sign} sum(children), ${sign} sum(children_female), ${sign} sum(children_male)
      FROM ${rows} WHERE event = 'admission' GROUP BY 1, 2, 3, 4, 5, 6, 7
      ON CONFLICT ON CONSTRAINT report_people_month_key DO UPDATE SET n = m.n + EXCLUDED.n, children = m.children + EXCLUDED.children,
        children_female = m.children_female + EXCLUDED.children_female, children_male = m.children_male + EXCLUDED.children_male`;
    const flow = (rows: string, sign: string) => `
      INSERT INTO report_flow_month AS m (month, event, region_code, urgency, n)
      SELECT date_trunc('month', day)::date, event, region_code, urgency, ${sign} count(*) FROM ${rows} GROUP BY 1, 2, 3, 4
      ON CONFLICT ON CONSTRAINT report_flow_month_key DO UPDATE SET n = m.n + EXCLUDED.n`;
    await q.query(`CREATE FUNCTION report_fact_rollup() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        IF TG_OP = 'INSERT' THEN
          ${people('new_rows', '')};
          ${flow('new_rows', '')};
          ${durations('new_rows')};
        ELSIF TG_OP = 'DELETE' THEN
          ${people('old_rows', '-')};
          ${flow('old_rows', '-')};
          DELETE FROM report_people_month WHERE n = 0;
          DELETE FROM report_flow_month WHERE n = 0;
          DELETE FROM report_duration d USING old_rows o WHERE d.fact_id = o.id;
        ELSE
          TRUNCATE report_people_month, report_flow_month, report_duration;
        END IF;
        RETURN NULL;
      END $$`);
    await q.query(`CREATE TRIGGER report_fact_rollup_insert AFTER INSERT ON report_fact REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION report_fact_rollup()`);
    await q.query(`CREATE TRIGGER report_fact_rollup_delete AFTER DELETE ON report_fact REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION report_fact_rollup()`);
    await q.query(`CREATE TRIGGER report_fact_rollup_truncate AFTER TRUNCATE ON report_fact FOR EACH STATEMENT EXECUTE FUNCTION report_fact_rollup()`);
    // the facts so far
    await q.query(`${people('report_fact', '')}`);
    await q.query(`${flow('report_fact', '')}`);
    await q.query(`${durations('report_fact')}`);

    const cols = KINDS.flatMap((k) => [`d_available_${k}`, `d_occupied_${k}`, `fresh_available_${k}`, `w_available_${k}`, `w_occupied_${k}`]);
    await q.query(`CREATE TABLE report_bed_change_month (
      month date NOT NULL,
      region_code char(2) NOT NULL,
      facility_type text NOT NULL,
      ${cols.map((c) => `${c} ${c.startsWith('w_') ? 'bigint' : 'integer'} NOT NULL DEFAULT 0`).join(',\n      ')},
      PRIMARY KEY (month, region_code, facility_type)) WITH (fillfactor = 70)`);
    /** the month row's values for a day row `r`, less those of `minus` (the row before an update) */
    const monthValues = (r: string, minus?: string) =>
      KINDS.flatMap((k) => {
        const v = (c: string) => (minus ? `(${r}.${c} - ${minus}.${c})` : `${r}.${c}`);
        const day = `(${r}.day - DATE '2000-01-01')`;
        return [v(`d_available_${k}`), v(`d_occupied_${k}`), v(`fresh_available_${k}`), `${v(`d_available_${k}`)}::bigint * ${day}`, `${v(`d_occupied_${k}`)}::bigint * ${day}`];
      });
    const upsert = (values: string[], row: string) => `
        INSERT INTO report_bed_change_month AS m (month, region_code, facility_type, ${cols.join(', ')})
        VALUES (date_trunc('month', ${row}.day)::date, ${row}.region_code, ${row}.facility_type, ${values.join(', ')})
        ON CONFLICT (month, region_code, facility_type) DO UPDATE SET ${cols.map((c) => `${c} = m.${c} + EXCLUDED.${c}`).join(', ')}`;
    // the day rows' keys never change (report_group_add updates the measures): an update adds its difference
    await q.query(`CREATE FUNCTION report_bed_change_month_add() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        IF TG_OP = 'INSERT' THEN
          ${upsert(monthValues('NEW'), 'NEW')};
        ELSIF (OLD.day, OLD.region_code, OLD.facility_type) = (NEW.day, NEW.region_code, NEW.facility_type) THEN
          ${upsert(monthValues('NEW', 'OLD'), 'NEW')};
        ELSE
          RAISE EXCEPTION 'report_bed_change_group: a day row keeps its day, region and type';
        END IF;
        RETURN NULL;
      END $$`);
    await q.query(`CREATE TRIGGER report_bed_change_month AFTER INSERT OR UPDATE ON report_bed_change_group FOR EACH ROW EXECUTE FUNCTION report_bed_change_month_add()`);
    // the day rows so far
    await q.query(`INSERT INTO report_bed_change_month (month, region_code, facility_type, ${cols.join(', ')})
      SELECT date_trunc('month', g.day)::date, g.region_code, g.facility_type, ${monthValues('g')
        .map((v) => `sum(${v})`)
        .join(', ')}
      FROM report_bed_change_group g GROUP BY 1, 2, 3`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TRIGGER report_bed_change_month ON report_bed_change_group`);
    await q.query(`DROP FUNCTION report_bed_change_month_add()`);
    await q.query(`DROP TABLE report_bed_change_month`);
    await q.query(`DROP TRIGGER report_fact_rollup_truncate ON report_fact`);
    await q.query(`DROP TRIGGER report_fact_rollup_delete ON report_fact`);
    await q.query(`DROP TRIGGER report_fact_rollup_insert ON report_fact`);
    await q.query(`DROP FUNCTION report_fact_rollup()`);
    await q.query(`DROP TABLE report_duration`);
    await q.query(`DROP TABLE report_flow_month`);
    await q.query(`DROP TABLE report_people_month`);
  }
}
