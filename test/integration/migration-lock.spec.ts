import pg from 'pg';
import type { MigrationInterface, QueryRunner } from 'typeorm';
import { MIGRATION_LOCK_KEY, MigrationLockTimeout, migrate, runMigrations } from '../../src/database/migrate.js';
import { createEmptyDatabase } from '../support/databases.js';

/** The migration lock with migrations of the test's own (never in migrations/): who waits, on which connection, for how long. */
describe('migrations under the advisory lock (integration)', () => {
  let db: { url: string; drop: () => Promise<void> };
  let client: pg.Client;
  const q = async <T = Record<string, unknown>>(text: string, params?: unknown[]) => (await client.query(text, params)).rows as T[];
  const applied = async () =>
    (await q<{ ok: boolean }>(`SELECT to_regclass('schema_migrations') IS NOT NULL AS ok`))[0].ok
      ? (await q<{ name: string }>(`SELECT name FROM schema_migrations ORDER BY id`)).map((r) => r.name)
      : [];
  /** sessions of this database waiting for the migration lock */
  const waiters = async () =>
    (
      await q<{ n: number }>(
        `SELECT count(*)::int AS n FROM pg_locks l JOIN pg_database d ON d.oid = l.database
          WHERE d.datname = current_database() AND l.locktype = 'advisory' AND NOT l.granted
            AND l.objid::bigint = $1::bigint & 4294967295`,
        [MIGRATION_LOCK_KEY],
      )
    )[0].n;
  const until = async (what: () => Promise<boolean>) => {
    while (!(await what())) await new Promise((r) => setTimeout(r, 20));
  };

  beforeEach(async () => {
    db = await createEmptyDatabase();
    client = new pg.Client({ connectionString: db.url });
    await client.connect();
  });
  afterEach(async () => {
    await client.end();
    await db.drop();
  });

  it('runs each migration on the connection holding the lock; a second runner waits, then finds none pending', async () => {
    let entered!: () => void;
    const inside = new Promise<void>((ok) => (entered = ok));
    let letGo!: () => void;
    const gate = new Promise<void>((ok) => (letGo = ok));
    let lockedHere: number | undefined;
    class LockProbe1700000000001 implements MigrationInterface {
      async up(runner: QueryRunner): Promise<void> {
        // the lock is held by this very session, not by another connection of the runner
        lockedHere = (
          (await runner.query(
            `SELECT count(*)::int AS n FROM pg_locks WHERE locktype = 'advisory' AND granted AND pid = pg_backend_pid()
               AND objid::bigint = $1::bigint & 4294967295 AND classid::bigint = ($1::bigint >> 32) & 4294967295`,
            [MIGRATION_LOCK_KEY],
          )) as { n: number }[]
        )[0].n;
        entered();
        await gate;
        await runner.query(`CREATE TABLE lock_probe (id int)`);
      }
      async down(runner: QueryRunner): Promise<void> {
        await runner.query(`DROP TABLE lock_probe`);
      }
    }
    const migrations = [LockProbe1700000000001];
    const first = migrate(db.url, { migrations });
    await inside;
    const holders: string[] = [];
    const second = migrate(db.url, { migrations, onWait: (h) => holders.push(h) });
    await until(async () => (await waiters()) === 1);
    letGo();
    const [a, b] = await Promise.all([first, second]);
    expect(lockedHere).toBe(1);
    expect(a).toEqual({ applied: ['LockProbe1700000000001'], waitedMs: 0 });
    expect(b.applied).toEqual([]);
    expect(b.waitedMs).toBeGreaterThan(0);
    expect(holders).toEqual([expect.stringMatching(/^pid \d+ \("approdo-migrate"( from [0-9.:a-f]+)?, connected \d+ s ago\)$/)]);
    expect(await applied()).toEqual(['LockProbe1700000000001']);
    // both let go: the lock is free again
    expect((await q<{ ok: boolean }>(`SELECT pg_try_advisory_lock($1::bigint) AS ok`, [MIGRATION_LOCK_KEY]))[0].ok).toBe(true);
    await q(`SELECT pg_advisory_unlock($1::bigint)`, [MIGRATION_LOCK_KEY]);
  });

  it('gives up after the lock timeout, naming who holds the lock, and applies nothing', async () => {
    const [{ pid }] = await q<{ pid: number }>(`SELECT pg_backend_pid() AS pid`);
    await q(`SELECT set_config('application_name', 'stuck-runner', false)`);
    await q(`SELECT pg_advisory_lock($1::bigint)`, [MIGRATION_LOCK_KEY]);
    class Never1700000000002 implements MigrationInterface {
      async up(runner: QueryRunner): Promise<void> {
        await runner.query(`CREATE TABLE never_made (id int)`);
      }
      async down(): Promise<void> {}
    }
    const run = runMigrations(db.url, { migrations: [Never1700000000002], lockTimeoutMs: 400 });
    await expect(run).rejects.toBeInstanceOf(MigrationLockTimeout);
    await expect(run).rejects.toThrow(
      new RegExp(
        `^could not take the migration lock within 0.4 s \\(MIGRATION_LOCK_TIMEOUT_SECONDS\\): it is held by pid ${pid} \\("stuck-runner"`,
      ),
    );
    expect(await applied()).toEqual([]);
    expect((await q<{ t: string | null }>(`SELECT to_regclass('never_made')::text AS t`))[0].t).toBeNull();
    expect(await waiters()).toBe(0);
    await q(`SELECT pg_advisory_unlock($1::bigint)`, [MIGRATION_LOCK_KEY]);
    // once free, the same run goes through
    expect(await runMigrations(db.url, { migrations: [Never1700000000002], lockTimeoutMs: 400 })).toEqual(['Never1700000000002']);
  });

  it('lets go of the lock when a migration fails', async () => {
    class Broken1700000000003 implements MigrationInterface {
      async up(runner: QueryRunner): Promise<void> {
        await runner.query(`CREATE TABLE half_made (id int)`);
        await runner.query(`SELECT no_such_function()`);
      }
      async down(): Promise<void> {}
    }
    await expect(runMigrations(db.url, { migrations: [Broken1700000000003] })).rejects.toThrow(/no_such_function/);
    // rolled back, recorded nowhere, and the next runner is not kept waiting
    expect((await q<{ t: string | null }>(`SELECT to_regclass('half_made')::text AS t`))[0].t).toBeNull();
    expect(await applied()).toEqual([]);
    expect((await q<{ ok: boolean }>(`SELECT pg_try_advisory_lock($1::bigint) AS ok`, [MIGRATION_LOCK_KEY]))[0].ok).toBe(true);
    await q(`SELECT pg_advisory_unlock($1::bigint)`, [MIGRATION_LOCK_KEY]);
  });
});
