import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The live events' notification carries the id it announces (issue 32). An instance with no open
 * stream and nothing watching then moves its cursor to that id instead of reading the rows: before,
 * every commit of a lifecycle change cost every instance a `SELECT … FROM live_event`, read by nobody.
 * Ids follow commit order (migration 1763900016000), so every id up to the one announced is committed
 * when its notification arrives. One notification per event now (payloads differ, so they no longer
 * fold into one per transaction); a listener that is reading already reads them all at once.
 */
const LOCK = 7220016;

const append = (payload: string, comment: string) => `CREATE OR REPLACE FUNCTION live_event_append(t text, r char(2), f uuid, d jsonb) RETURNS void LANGUAGE plpgsql AS $$
      DECLARE n bigint;
      BEGIN
        PERFORM pg_advisory_xact_lock(${LOCK});
        n := nextval('live_event_seq');
        INSERT INTO live_event (id, type, region_code, facility_id, data) VALUES (n, t, r, f, d);
${comment}        PERFORM pg_notify('live_event', ${payload});
      END $$`;

export class LiveEventNotifyId1763900025000 implements MigrationInterface {
  name = 'LiveEventNotifyId1763900025000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(append('n::text', ''));
  }

  async down(q: QueryRunner): Promise<void> {
    // the landed function's text, its comment too: down gives back exactly what up replaced
    await q.query(append(`''`, '        -- one notification per transaction (same channel and payload fold into one)\n'));
  }
}
