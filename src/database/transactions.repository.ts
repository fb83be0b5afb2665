import { createHash } from 'node:crypto';
import type { EventEmitter } from 'node:events';
import { Inject, Injectable, Logger, type OnModuleInit } from '@nestjs/common';
import { APP_CONFIG, type AppConfig } from '../config/app-config.js';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager, type EntityTarget, type ObjectLiteral, type Repository } from 'typeorm';
import { isRetryable } from './database-errors.js';
import { readsTogether, type SqlPart, writesTogether } from './sql-parts.js';
import { ambientManager, guardPool, withinTransaction } from './tx-context.js';

export type Tx = EntityManager;

/** The parts of pg's Pool this uses. */
type PgPool = Parameters<typeof guardPool>[0] & {
  _clients?: EventEmitter[];
  on: (event: 'connect', listener: (client: EventEmitter) => void) => unknown;
};

/** The parts of pg's Client a named statement uses. */
type PgClient = { query(q: { name: string; text: string; values: unknown[] }): Promise<{ rows: unknown[] }> };

/** Statement texts and their names (bounded: the texts are the code's own, a few per lifecycle call). */
const names = new Map<string, string>();

/** Deadlocks and serialisation failures roll the whole unit back; it is run again this many times in all. */
const ATTEMPTS = 3;

/**
 * Units of work. `run` opens a transaction and makes it ambient (see tx-context): repositories
 * called inside it use its connection whether or not `tx` is passed. A `run` inside a `run` joins
 * the outer transaction.
 */
@Injectable()
export class Transactions implements OnModuleInit {
  constructor(
    @InjectDataSource() private readonly ds: DataSource,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  /**
   * Units of work run READ COMMITTED. When that is already the server's default for our role and
   * database (PostgreSQL's own default), TypeORM is not told, which spares a `SET TRANSACTION`
   * round trip per unit of work; otherwise every unit sets it.
   */
  private isolation: 'READ COMMITTED' | undefined = 'READ COMMITTED';

  async onModuleInit(): Promise<void> {
    const [{ level }] = (await this.ds.query(`SELECT current_setting('default_transaction_isolation') AS level`)) as { level: string }[];
    this.isolation = level === 'read committed' ? undefined : 'READ COMMITTED';

    const pool = (this.ds.driver as unknown as { master: PgPool }).master;
    // a connection the server ends (restart, pg_terminate_backend) while checked out emits 'error':
    // without a listener that would crash the process; the failing query itself answers 503
    const log = new Logger('Database');
    const listen = (client: EventEmitter) =>
      client.on('error', (e: Error) => log.warn(`connection lost: ${(e as { code?: string }).code ?? e.name}`));
    for (const client of pool._clients ?? []) listen(client);
    pool.on('connect', listen);
    // a nested acquisition fails at once instead of starving the pool
    if (this.config.db.txGuard) guardPool(pool);
  }

  async run<T>(work: (tx: Tx) => Promise<T>): Promise<T> {
    const outer = ambientManager();
    if (outer) return work(outer);
    for (let attempt = 1; ; attempt++) {
      try {
        const unit = (m: EntityManager) => withinTransaction(m, () => work(m));
        return await (this.isolation ? this.ds.transaction(this.isolation, unit) : this.ds.transaction(unit));
      } catch (e) {
        if (attempt >= ATTEMPTS || !isRetryable(e)) throw e;
        new Logger('Transactions').warn(`unit of work rolled back (${(e as { code?: string }).code}); running it again`);
      }
    }
  }

  /** A read-only REPEATABLE READ snapshot: every statement of `work` sees the same committed state. */
  snapshot<T>(work: (tx: Tx) => Promise<T>): Promise<T> {
    return this.ds.transaction((m) =>
      withinTransaction(m, async () => {
        // one statement for both (TypeORM would send the isolation level on its own)
        await m.query('SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY');
        return work(m);
      }),
    );
  }

  /** `tx` when given, else the ambient transaction's manager, else the pool (one statement at a time). */
  manager(tx?: Tx | null): Tx {
    return tx ?? ambientManager() ?? this.ds.manager;
  }

  /** A TypeORM repository on `manager()`. */
  repository<E extends ObjectLiteral>(entity: EntityTarget<E>, tx?: Tx | null): Repository<E> {
    return this.manager(tx).getRepository(entity);
  }

  /** Reads of a unit of work in one statement (one round trip): each name gets its read's rows, as JSON. */
  async readTogether<R extends object>(tx: Tx, reads: { [K in keyof R]: SqlPart }): Promise<R> {
    const { sql, params } = readsTogether(reads as Record<string, SqlPart>);
    const [row] = await this.named<R>(tx, sql, params);
    return row;
  }

  /** Writes of a unit of work in one statement (see writesTogether); answers `main`'s rows. */
  writeTogether<T = unknown>(tx: Tx, writes: (SqlPart | null)[], main?: SqlPart): Promise<T[]> {
    const { sql, params } = writesTogether(writes, main);
    return this.named<T>(tx, sql, params);
  }

  /**
   * A hot statement as a named prepared statement on the transaction's own connection: parsed and
   * planned once per connection, not once per call. The name is the text's hash, so one text is
   * one statement. Outside a transaction, a plain query. Answers the rows (also of UPDATE … RETURNING).
   */
  async named<T = Record<string, unknown>>(tx: Tx, sql: string, params: unknown[]): Promise<T[]> {
    const runner = tx.queryRunner as unknown as { isTransactionActive?: boolean; connect(): Promise<PgClient> } | undefined;
    if (!runner?.isTransactionActive) {
      const r = (await tx.query(sql, params)) as T[] | [T[], number];
      return (Array.isArray(r[0]) ? r[0] : r) as T[];
    }
    const client = await runner.connect();
    let name = names.get(sql);
    if (!name) names.set(sql, (name = 'a' + createHash('sha1').update(sql).digest('hex').slice(0, 20)));
    return (await client.query({ name, text: sql, values: params })).rows as T[];
  }

  async ping(): Promise<void> {
    await this.ds.query('SELECT 1');
  }
}
