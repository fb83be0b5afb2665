import { MigrationInterface, QueryRunner } from 'typeorm';

const KINDS = ['adult', 'mother_child', 'minor'];
/** The measures of a day row of report_bed_change_group (and of its deltas), per kind. */
const DAY_COLS = KINDS.flatMap((k) => [`d_available_${k}`, `d_occupied_${k}`, `fresh_available_${k}`]);
const PEOPLE_DIMS = 'month, facility_region_code, gender, age_band, exploitation, referral_channel, nationality';
const PEOPLE_SUMS = 'n, children, children_female, children_male';

/**
 * Roll-ups off the hot rows (issue 32). Until now every lifecycle transaction added its facts to
 * the same `report_flow_month` row (per month, event, region and urgency), its admissions to a
 * `report_people_month` row, and its bed changes to a `report_bed_change_group` day row (per day,
 * region and facility type) and its month row, by upserts in triggers: concurrent transactions
 * queued on those rows until COMMIT.
 *
 * Now the triggers append deltas (`report_flow_delta`, `report_people_delta`, `report_bed_delta`:
 * heaps without a key, insert only, so nothing to wait for) and a job (`report-rollup-fold`, once
 * across instances) moves them into the roll-up rows: `report_rollup_fold()`, one DELETE … RETURNING
 * per delta table summed and upserted in the same statement, so a delta is counted either pending
 * or folded, never both (a delta committed after the fold's snapshot stays for the next fold).
 * Reports read the `*_now` views, the folded rows plus the pending deltas (several rows per key:
 * every reader sums them), so they are exact to the last commit whether or not the job has run.
 *
 * Unchanged: `report_duration` was insert-only already; `report_bed_change` and
 * `report_place_state` are per facility and kind, rows every writer of that facility's beds has
 * locked already (its `facility_place` row).
 */
export class ReportRollupDeltas1763900022000 implements MigrationInterface {
  name = 'ReportRollupDeltas1763900022000';

  async up(q: QueryRunner): Promise<void> {
    // dead rows of the fold's deletes are vacuumed every thousand or so, not after a fifth of a small table
    const vacuum = `WITH (autovacuum_vacuum_scale_factor = 0, autovacuum_vacuum_threshold = 1000, autovacuum_vacuum_insert_threshold = 1000)`;
    await q.query(`CREATE TABLE report_flow_delta (
      month date NOT NULL,
      event text NOT NULL,
      region_code char(2),
      urgency text,
      n integer NOT NULL,
      at timestamptz NOT NULL DEFAULT now()) ${vacuum}`);
    await q.query(`CREATE TABLE report_people_delta (
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
      exploitation_key text GENERATED ALWAYS AS (report_exploitation_key(exploitation)) STORED,
      at timestamptz NOT NULL DEFAULT now()) ${vacuum}`);
    await q.query(`CREATE TABLE report_bed_delta (
      day date NOT NULL,
      region_code char(2) NOT NULL,
      facility_type text NOT NULL,
      ${DAY_COLS.map((c) => `${c} integer NOT NULL DEFAULT 0`).join(',\n      ')},
      at timestamptz NOT NULL DEFAULT now()) ${vacuum}`);

    await q.query(`CREATE VIEW report_flow_now AS
      SELECT month, event, region_code, urgency, n FROM report_flow_month
      UNION ALL SELECT month, event, region_code, urgency, n FROM report_flow_delta`);
    await q.query(`CREATE VIEW report_people_now AS
      SELECT ${PEOPLE_DIMS}, exploitation_key, ${PEOPLE_SUMS} FROM report_people_month
      UNION ALL SELECT ${PEOPLE_DIMS}, exploitation_key, ${PEOPLE_SUMS} FROM report_people_delta`);
    await q.query(`CREATE VIEW report_bed_change_group_now AS
      SELECT day, region_code, facility_type, ${DAY_COLS.join(', ')} FROM report_bed_change_group
      UNION ALL SELECT day, region_code, facility_type, ${DAY_COLS.join(', ')} FROM report_bed_delta`);
    // a pending day delta as month values: its sums, and per kind each change times its day number (migration 1763900012000)
    const monthOfDelta = KINDS.flatMap((k) => {
      const day = `(day - DATE '2000-01-01')`;
      return [
        `d_available_${k}`,
        `d_occupied_${k}`,
        `fresh_available_${k}`,
        `d_available_${k}::bigint * ${day}`,
        `d_occupied_${k}::bigint * ${day}`,
      ];
    });
    const monthCols = KINDS.flatMap((k) => [`d_available_${k}`, `d_occupied_${k}`, `fresh_available_${k}`, `w_available_${k}`, `w_occupied_${k}`]);
    await q.query(`CREATE VIEW report_bed_change_month_now AS
      SELECT month, region_code, facility_type, ${monthCols.join(', ')} FROM report_bed_change_month
      UNION ALL SELECT date_trunc('month', day)::date, region_code, facility_type, ${monthOfDelta.join(', ')} FROM report_bed_delta`);

    await q.query(ROLLUP_TO_DELTAS);
    await q.query(GROUP_ADD_TO_DELTA);
    await q.query(FOLD);
  }

  async down(q: QueryRunner): Promise<void> {
    // what is pending goes into the roll-ups first
    await q.query(`SELECT report_rollup_fold()`);
    await q.query(`DROP FUNCTION report_rollup_fold()`);
    await q.query(ROLLUP_UPSERT);
    await q.query(GROUP_ADD_UPSERT);
    await q.query(`DROP VIEW report_bed_change_month_now`);
    await q.query(`DROP VIEW report_bed_change_group_now`);
    await q.query(`DROP VIEW report_people_now`);
    await q.query(`DROP VIEW report_flow_now`);
    await q.query(`DROP TABLE report_bed_delta`);
    await q.query(`DROP TABLE report_people_delta`);
    await q.query(`DROP TABLE report_flow_delta`);
  }
}

/** The people and flow measures of the facts in `rows`, with `sign`, as INSERT … SELECT into `table` (grouped: one row per key and statement). */
const peopleOf = (table: string, rows: string, sign: string) => `
      INSERT INTO ${table} (${PEOPLE_DIMS}, ${PEOPLE_SUMS})
      SELECT date_trunc('month', day)::date, facility_region_code, gender, age_band, exploitation, referral_channel, nationality,
             ${sign} count(*), ${sign} sum(children), ${sign} sum(children_female), ${sign} sum(children_male)
      FROM ${rows} WHERE event = 'admission' GROUP BY 1, 2, 3, 4, 5, 6, 7`;
const flowOf = (table: string, rows: string, sign: string) => `
      INSERT INTO ${table} (month, event, region_code, urgency, n)
      SELECT date_trunc('month', day)::date, event, region_code, urgency, ${sign} count(*) FROM ${rows} GROUP BY 1, 2, 3, 4`;
const durations = (rows: string) => `
      INSERT INTO report_duration (fact_id, day, event, region_code, urgency, hours)
      SELECT id, day, event, region_code, urgency, hours FROM ${rows} WHERE event IN ('first_proposal', 'acceptance', 'admission') ORDER BY day, id`;
const PEOPLE_UPSERT = `ON CONFLICT ON CONSTRAINT report_people_month_key DO UPDATE SET n = m.n + EXCLUDED.n, children = m.children + EXCLUDED.children,
        children_female = m.children_female + EXCLUDED.children_female, children_male = m.children_male + EXCLUDED.children_male`;

/** The fact roll-ups' trigger (statement level, transition tables), now appending deltas. */
const ROLLUP_TO_DELTAS = `CREATE OR REPLACE FUNCTION report_fact_rollup() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        IF TG_OP = 'INSERT' THEN
          ${peopleOf('report_people_delta', 'new_rows', '')};
          ${flowOf('report_flow_delta', 'new_rows', '')};
          ${durations('new_rows')};
        ELSIF TG_OP = 'DELETE' THEN
          ${peopleOf('report_people_delta', 'old_rows', '-')};
          ${flowOf('report_flow_delta', 'old_rows', '-')};
          DELETE FROM report_duration d USING old_rows o WHERE d.fact_id = o.id;
        ELSE
          TRUNCATE report_people_month, report_flow_month, report_duration, report_people_delta, report_flow_delta;
        END IF;
        RETURN NULL;
      END $$`;

/** As migration 1763900012000 made it (down restores it). */
const ROLLUP_UPSERT = `CREATE OR REPLACE FUNCTION report_fact_rollup() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        IF TG_OP = 'INSERT' THEN
          ${peopleOf('report_people_month AS m', 'new_rows', '')}
      ${PEOPLE_UPSERT};
          ${flowOf('report_flow_month AS m', 'new_rows', '')}
      ON CONFLICT ON CONSTRAINT report_flow_month_key DO UPDATE SET n = m.n + EXCLUDED.n;
          ${durations('new_rows')};
        ELSIF TG_OP = 'DELETE' THEN
          ${peopleOf('report_people_month AS m', 'old_rows', '-')}
      ${PEOPLE_UPSERT};
          ${flowOf('report_flow_month AS m', 'old_rows', '-')}
      ON CONFLICT ON CONSTRAINT report_flow_month_key DO UPDATE SET n = m.n + EXCLUDED.n;
          DELETE FROM report_people_month WHERE n = 0;
          DELETE FROM report_flow_month WHERE n = 0;
          DELETE FROM report_duration d USING old_rows o WHERE d.fact_id = o.id;
        ELSE
          TRUNCATE report_people_month, report_flow_month, report_duration;
        END IF;
        RETURN NULL;
      END $$`;

/** A bed change of one kind on a day, for its region and facility type: one delta row. */
const GROUP_ADD_TO_DELTA = `CREATE OR REPLACE FUNCTION report_group_add(d date, r char(2), ft text, k text, dav integer, doc integer, dfresh integer) RETURNS void LANGUAGE plpgsql AS $$
      BEGIN
        IF k = 'adult' THEN
          INSERT INTO report_bed_delta (day, region_code, facility_type, d_available_adult, d_occupied_adult, fresh_available_adult) VALUES (d, r, ft, dav, doc, dfresh);
        ELSIF k = 'mother_child' THEN
          INSERT INTO report_bed_delta (day, region_code, facility_type, d_available_mother_child, d_occupied_mother_child, fresh_available_mother_child) VALUES (d, r, ft, dav, doc, dfresh);
        ELSE
          INSERT INTO report_bed_delta (day, region_code, facility_type, d_available_minor, d_occupied_minor, fresh_available_minor) VALUES (d, r, ft, dav, doc, dfresh);
        END IF;
      END $$`;

/** As migration 1763900009000 made it (down restores it). */
const GROUP_ADD_UPSERT = `CREATE OR REPLACE FUNCTION report_group_add(d date, r char(2), ft text, k text, dav integer, doc integer, dfresh integer) RETURNS void LANGUAGE plpgsql AS $$
      BEGIN
        INSERT INTO report_bed_change_group (day, region_code, facility_type) VALUES (d, r, ft) ON CONFLICT DO NOTHING;
        IF k = 'adult' THEN
          UPDATE report_bed_change_group SET d_available_adult = d_available_adult + dav, d_occupied_adult = d_occupied_adult + doc,
            fresh_available_adult = fresh_available_adult + dfresh WHERE day = d AND region_code = r AND facility_type = ft;
        ELSIF k = 'mother_child' THEN
          UPDATE report_bed_change_group SET d_available_mother_child = d_available_mother_child + dav, d_occupied_mother_child = d_occupied_mother_child + doc,
            fresh_available_mother_child = fresh_available_mother_child + dfresh WHERE day = d AND region_code = r AND facility_type = ft;
        ELSE
          UPDATE report_bed_change_group SET d_available_minor = d_available_minor + dav, d_occupied_minor = d_occupied_minor + doc,
            fresh_available_minor = fresh_available_minor + dfresh WHERE day = d AND region_code = r AND facility_type = ft;
        END IF;
      END $$`;

/**
 * The pending deltas into the roll-up rows; returns how many delta rows it moved. Each table in one
 * statement: the deltas its snapshot sees are deleted and their sums upserted together. The day
 * rows' trigger (migration 1763900012000) carries them on into the month rows. Rows a deletion of
 * facts brought to zero are removed, as the trigger did before.
 */
const FOLD = `CREATE FUNCTION report_rollup_fold() RETURNS integer LANGUAGE plpgsql AS $$
      DECLARE total integer := 0; k integer; zeros integer;
      BEGIN
        WITH moved AS (DELETE FROM report_flow_delta RETURNING month, event, region_code, urgency, n),
             up AS (INSERT INTO report_flow_month AS m (month, event, region_code, urgency, n)
                    SELECT month, event, region_code, urgency, sum(n) FROM moved GROUP BY 1, 2, 3, 4
                    ON CONFLICT ON CONSTRAINT report_flow_month_key DO UPDATE SET n = m.n + EXCLUDED.n RETURNING m.n)
        SELECT (SELECT count(*) FROM moved), (SELECT count(*) FILTER (WHERE up.n = 0) FROM up) INTO k, zeros;
        total := total + k;
        IF zeros > 0 THEN DELETE FROM report_flow_month WHERE n = 0; END IF;

        WITH moved AS (DELETE FROM report_people_delta RETURNING ${PEOPLE_DIMS}, ${PEOPLE_SUMS}),
             up AS (INSERT INTO report_people_month AS m (${PEOPLE_DIMS}, ${PEOPLE_SUMS})
                    SELECT ${PEOPLE_DIMS}, sum(n), sum(children), sum(children_female), sum(children_male) FROM moved GROUP BY 1, 2, 3, 4, 5, 6, 7
                    ${PEOPLE_UPSERT} RETURNING m.n)
        SELECT (SELECT count(*) FROM moved), (SELECT count(*) FILTER (WHERE up.n = 0) FROM up) INTO k, zeros;
        total := total + k;
        IF zeros > 0 THEN DELETE FROM report_people_month WHERE n = 0; END IF;

        WITH moved AS (DELETE FROM report_bed_delta RETURNING day, region_code, facility_type, ${DAY_COLS.join(', ')}),
             up AS (INSERT INTO report_bed_change_group AS g (day, region_code, facility_type, ${DAY_COLS.join(', ')})
                    SELECT day, region_code, facility_type, ${DAY_COLS.map((c) => `sum(${c})`).join(', ')} FROM moved GROUP BY 1, 2, 3
                    ORDER BY 1, 2, 3
                    ON CONFLICT (day, region_code, facility_type) DO UPDATE SET ${DAY_COLS.map((c) => `${c} = g.${c} + EXCLUDED.${c}`).join(', ')}
                    RETURNING 1)
        SELECT count(*) FROM moved INTO k;
        RETURN total + k;
      END $$`;
