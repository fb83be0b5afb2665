import { DataSource, MigrationExecutor, type MigrationInterface, type QueryRunner } from 'typeorm';
import { MIGRATIONS } from '../../migrations/index.js';
import { dataSourceOptions } from './data-source-options.js';

/**
 * The one key every runner of migrations locks (a session-level advisory lock, per database), so
 * replicas started together apply each migration once: the first runs them, the others wait and
 * then find none pending. Text, because a 64-bit integer does not fit a JavaScript number.
 */
export const MIGRATION_LOCK_KEY = '7220330000000000033';
export const DEFAULT_MIGRATION_LOCK_TIMEOUT_MS = 120_000;

type MigrationClass = new () => MigrationInterface;

export interface MigrateOptions {
  /** how long to wait for another runner's lock before giving up (MIGRATION_LOCK_TIMEOUT_SECONDS) */
  lockTimeoutMs?: number;
  /** the migrations this build knows; the tests pass their own lists */
  migrations?: readonly MigrationClass[];
  /** told once when another runner holds the lock, with who holds it, before the wait */
  onWait?: (holder: string) => void;
}

export interface MigrationRun {
  applied: string[];
  /** 0 when the lock was free at once */
  waitedMs: number;
}

/** The lock was not had in time: another runner is still at it, or a session holds it and is stuck. */
export class MigrationLockTimeout extends Error {
  constructor(
    readonly timeoutMs: number,
    readonly holder: string,
  ) {
    super(
      `could not take the migration lock within ${timeoutMs / 1000} s (MIGRATION_LOCK_TIMEOUT_SECONDS): it is held by ${holder}; ` +
        'if no instance is migrating, end that session (SELECT pg_terminate_backend(<pid>)) and start again',
    );
    this.name = 'MigrationLockTimeout';
  }
}

/** Applies pending migrations, one transaction each, under the migration lock; returns their names. */
export async function runMigrations(url: string, options: MigrateOptions = {}): Promise<string[]> {
  return (await migrate(url, options)).applied;
}

/** Applies pending migrations under the migration lock and says how long it waited for another runner. */
export async function migrate(url: string, options: MigrateOptions = {}): Promise<MigrationRun> {
  const { result, waitedMs } = await underMigrationLock(url, options, async (ds, runner) => {
    // the executor runs every migration on the locked connection: the lock and the work are one session
    const executor = new MigrationExecutor(ds, runner);
    executor.transaction = 'each';
    return (await executor.executePendingMigrations()).map((m) => m.name);
  });
  return { applied: result, waitedMs };
}

/** Reverts the newest applied migration under the lock; returns its name, or undefined when none is applied. */
export async function revertLastMigration(url: string, options: MigrateOptions = {}): Promise<string | undefined> {
  const { result } = await underMigrationLock(url, options, async (ds, runner) => {
    if (!(await hasMigrationsTable(runner))) return undefined;
    // TypeORM reverts the applied migration of the latest timestamp
    const [last] = (await runner.query(`SELECT name FROM schema_migrations ORDER BY timestamp DESC LIMIT 1`)) as { name: string }[];
    if (!last) return undefined;
    const executor = new MigrationExecutor(ds, runner);
    executor.transaction = 'each';
    await executor.undoLastMigration();
    return last.name;
  });
  return result;
}

/** Reverts every applied migration, newest first (used by the migration round-trip test). */
export async function revertAllMigrations(url: string, options: MigrateOptions = {}): Promise<number> {
  const { result } = await underMigrationLock(url, options, async (ds, runner) => {
    const executor = new MigrationExecutor(ds, runner);
    executor.transaction = 'each';
    let reverted = 0;
    while ((await countApplied(runner)) > 0) {
      await executor.undoLastMigration();
      reverted++;
    }
    return reverted;
  });
  return result;
}

const hasMigrationsTable = async (runner: QueryRunner) =>
  ((await runner.query(`SELECT to_regclass('schema_migrations') IS NOT NULL AS ok`)) as { ok: boolean }[])[0].ok;
const countApplied = async (runner: QueryRunner) =>
  ((await runner.query(`SELECT count(*)::int AS n FROM schema_migrations`)) as { n: number }[])[0].n;

/** One connection: the lock is taken on it, the work runs on it, the lock is given back on it. */
async function underMigrationLock<T>(
  url: string,
  options: MigrateOptions,
  work: (ds: DataSource, runner: QueryRunner) => Promise<T>,
): Promise<{ result: T; waitedMs: number }> {
  const ds = new DataSource({
    ...dataSourceOptions(url, { poolSize: 1, applicationName: 'approdo-migrate' }),
    migrations: [...(options.migrations ?? MIGRATIONS)],
  });
  await ds.initialize();
  const runner = ds.createQueryRunner('master');
  try {
    await runner.connect();
    const waitedMs = await takeLock(runner, options);
    try {
      return { result: await work(ds, runner), waitedMs };
    } finally {
      // ending the session would free it too; saying so keeps the pool's connection clean
      await runner.query(`SELECT pg_advisory_unlock($1::bigint)`, [MIGRATION_LOCK_KEY]).catch(() => undefined);
    }
  } finally {
    await runner.release();
    await ds.destroy();
  }
}

async function takeLock(runner: QueryRunner, options: MigrateOptions): Promise<number> {
  const [{ ok }] = (await runner.query(`SELECT pg_try_advisory_lock($1::bigint) AS ok`, [MIGRATION_LOCK_KEY])) as { ok: boolean }[];
  if (ok) return 0;
  const timeoutMs = options.lockTimeoutMs ?? DEFAULT_MIGRATION_LOCK_TIMEOUT_MS;
  options.onWait?.(await lockHolder(runner));
  const started = performance.now();
  try {
    // lock_timeout bounds the wait of pg_advisory_lock like any lock wait; set for this statement only
    await runner.query(`SELECT set_config('lock_timeout', $1, false)`, [`${timeoutMs}ms`]);
    await runner.query(`SELECT pg_advisory_lock($1::bigint)`, [MIGRATION_LOCK_KEY]);
  } catch (e) {
    if ((e as { code?: string }).code === '55P03') throw new MigrationLockTimeout(timeoutMs, await lockHolder(runner));
    throw e;
  } finally {
    await runner.query(`RESET lock_timeout`).catch(() => undefined);
  }
  return Math.round(performance.now() - started);
}

/** Who holds the migration lock, for the operator: pid, application and since when. */
async function lockHolder(runner: QueryRunner): Promise<string> {
  const rows = (await runner.query(
    `SELECT a.pid, a.application_name AS app, host(a.client_addr) AS addr,
            round(extract(epoch FROM now() - a.backend_start))::int AS connected_s
       FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid
      WHERE l.locktype = 'advisory' AND l.granted AND l.objsubid = 1
        AND l.database = (SELECT oid FROM pg_database WHERE datname = current_database())
        AND l.classid::bigint = ($1::bigint >> 32) & 4294967295 AND l.objid::bigint = $1::bigint & 4294967295`,
    [MIGRATION_LOCK_KEY],
  )) as { pid: number; app: string; addr: string | null; connected_s: number }[];
  if (!rows.length) return 'another session (it has just let go)';
  const h = rows[0];
  return `pid ${h.pid} ("${h.app || 'no application name'}"${h.addr ? ` from ${h.addr}` : ''}, connected ${h.connected_s} s ago)`;
}
