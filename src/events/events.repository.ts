import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import pg from 'pg';
import { DataSource } from 'typeorm';
import { Transactions } from '../database/transactions.repository.js';
import type { LiveEvent } from './live-event.js';

const COLUMNS = `id::float8 AS id, type, region_code AS "regionCode", facility_id AS "facilityId", data`;
const AFTER = `SELECT ${COLUMNS} FROM live_event WHERE id > $1 ORDER BY id LIMIT $2`;

/** The one LISTEN connection of an instance, outside the pool: it waits for notifications and reads what they announce. */
export interface ListenConnection {
  after(id: number, limit: number): Promise<LiveEvent[]>;
  lastId(): Promise<number>;
  purgedThrough(): Promise<number>;
  close(): Promise<void>;
}

@Injectable()
export class EventsRepository {
  constructor(
    private readonly db: Transactions,
    @InjectDataSource() private readonly ds: DataSource,
  ) {}

  /**
   * A dedicated client (not from the pool) listening on `live_event`; `onLost` when the server ends it.
   * `onNotify` gets the id a notification announces (0 when it names none: a server still on the old trigger).
   */
  async listen(onNotify: (id: number) => void, onLost: (e: Error) => void): Promise<ListenConnection> {
    const client = new pg.Client({ connectionString: (this.ds.options as { url: string }).url, application_name: 'approdo-events' });
    let closing = false;
    client.on('error', (e: Error) => {
      if (!closing) onLost(e);
    });
    client.on('end', () => {
      if (!closing) onLost(new Error('listen connection ended'));
    });
    client.on('notification', (n: { payload?: string }) => onNotify(Number(n.payload) || 0));
    await client.connect();
    await client.query('LISTEN live_event');
    return {
      after: async (id, limit) => (await client.query(AFTER, [id, limit])).rows as LiveEvent[],
      lastId: async () => Number((await client.query(`SELECT coalesce(max(id), 0)::float8 AS n FROM live_event`)).rows[0].n),
      purgedThrough: async () => Number((await client.query(`SELECT purged_through::float8 AS n FROM live_event_horizon`)).rows[0].n),
      close: async () => {
        closing = true;
        await client.end().catch(() => undefined);
      },
    };
  }

  /** Replay for a reconnecting stream: events after `id` (from the pool, one statement), where the log begins, and the last id ever given. */
  async since(id: number, limit: number): Promise<{ events: LiveEvent[]; purgedThrough: number; lastIssued: number }> {
    const [row] = await this.db.manager().query(
      `SELECT (SELECT purged_through FROM live_event_horizon)::float8 AS "purgedThrough",
              (SELECT CASE WHEN is_called THEN last_value ELSE 0 END FROM live_event_seq)::float8 AS "lastIssued",
              coalesce((SELECT json_agg(e ORDER BY e.id) FROM (${AFTER.replace('$2', '$2::int')}) e), '[]'::json) AS events`,
      [id, limit],
    );
    return { events: row.events as LiveEvent[], purgedThrough: row.purgedThrough, lastIssued: row.lastIssued };
  }

  /** Retention: removes events older than `before` and remembers the last id removed. */
  async purgeBefore(before: Date): Promise<number> {
    const [row] = await this.db.manager().query(
      `WITH gone AS (DELETE FROM live_event WHERE at < $1 RETURNING id),
            moved AS (UPDATE live_event_horizon SET purged_through = GREATEST(purged_through, (SELECT max(id) FROM gone))
                      WHERE EXISTS (SELECT 1 FROM gone) RETURNING 1)
       SELECT count(*)::int AS n FROM gone`,
      [before],
    );
    return row.n;
  }
}
