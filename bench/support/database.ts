import { existsSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { resolve } from 'node:path';
import pg from 'pg';
import { ensureDatabase, startEmbeddedPostgres } from '../../src/database/embedded-postgres.js';
import { runMigrations } from '../../src/database/migrate.js';
import { log } from './log.js';

const { Client } = pg;

export const BENCH_DB = 'approdo_bench';
const BENCH_PG_DIR = '.data/bench-pg';

export interface BenchDatabase {
  /** the migrated database the service under test uses */
  url: string;
  /** the same server, database `postgres` (for CREATE DATABASE, pgbench's database, ...) */
  serverUrl: string;
  /** true: DATABASE_URL, a server the bench did not start */
  external: boolean;
  /** "PostgreSQL 18.x ..., fsync=off" */
  describe: string;
  stop: () => Promise<void>;
}

export function withDatabase(url: string, db: string): string {
  const u = new URL(url);
  u.pathname = `/${db}`;
  return u.toString();
}

function freePort(): Promise<number> {
  return new Promise((ok, fail) => {
    const s = createServer();
    s.once('error', fail);
    s.listen(0, '127.0.0.1', () => {
      const addr = s.address();
      const port = typeof addr === 'object' && addr ? addr.port : 0;
      s.close(() => ok(port));
    });
  });
}

/** Refuses a directory a running PostgreSQL uses; removes what a killed run left, so every run starts empty. */
function prepareBenchDir(dir: string): void {
  if (!existsSync(dir)) return;
  const pidFile = resolve(dir, 'postmaster.pid');
  const pid = existsSync(pidFile) ? Number(readFileSync(pidFile, 'utf8').split('\n')[0]) : NaN;
  let running = false;
  if (Number.isInteger(pid) && pid > 0) {
    try {
      process.kill(pid, 0);
      running = true;
    } catch (e) {
      running = (e as NodeJS.ErrnoException).code === 'EPERM'; // alive, another user's
    }
  }
  if (running) throw new Error(`${dir} is in use by PostgreSQL pid ${pid} (another bench run?); stop it or wait`);
  log(`removing ${dir} left by an earlier run`);
  rmSync(dir, { recursive: true, force: true });
}

async function serverFacts(url: string): Promise<string> {
  const c = new Client({ connectionString: url });
  await c.connect();
  try {
    const { rows } = await c.query(`SELECT current_setting('server_version') AS v, current_setting('fsync') AS fsync,
      current_setting('synchronous_commit') AS sc, current_setting('shared_buffers') AS sb`);
    const r = rows[0] as { v: string; fsync: string; sc: string; sb: string };
    return `PostgreSQL ${r.v} (fsync=${r.fsync}, synchronous_commit=${r.sc}, shared_buffers=${r.sb})`;
  } finally {
    await c.end();
  }
}

/**
 * DATABASE_URL when set (the bench writes its facilities there: use a throwaway database), else a
 * non-persistent embedded server in .data/bench-pg on a free port with database approdo_bench.
 * Migrations are applied either way.
 */
export async function benchDatabase(): Promise<BenchDatabase> {
  const external = process.env.DATABASE_URL || undefined;
  if (external) {
    log(`using DATABASE_URL (${new URL(external).host})`);
    await runMigrations(external);
    return {
      url: external,
      serverUrl: withDatabase(external, 'postgres'),
      external: true,
      describe: await serverFacts(external),
      stop: async () => undefined,
    };
  }
  prepareBenchDir(BENCH_PG_DIR);
  const port = await freePort();
  log(`starting embedded PostgreSQL in ${BENCH_PG_DIR} on port ${port}`);
  const server = await startEmbeddedPostgres({ dataDir: BENCH_PG_DIR, port, persistent: false });
  let stopped = false;
  const stop = async () => {
    if (stopped) return;
    stopped = true;
    log('stopping embedded PostgreSQL');
    await server.stop();
  };
  try {
    await ensureDatabase(server.url('postgres'), BENCH_DB);
    const url = server.url(BENCH_DB);
    await runMigrations(url);
    return { url, serverUrl: server.url('postgres'), external: false, describe: await serverFacts(url), stop };
  } catch (e) {
    await stop();
    throw e;
  }
}

/** Runs `work` with one plain pg client on `url`. */
export async function withClient<T>(url: string, work: (c: pg.Client) => Promise<T>): Promise<T> {
  const c = new Client({ connectionString: url });
  await c.connect();
  try {
    return await work(c);
  } finally {
    await c.end();
  }
}
