import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { ensureDatabase } from '../../src/database/embedded-postgres.js';
import { withClient } from './database.js';
import { log } from './log.js';
import { machineCpuSampler } from './stats.js';

export const PGBENCH_DB = 'pgbench_bench';

export interface PgbenchResult {
  /** "tps = X (without initial connection time)" */
  tps: number;
  latencyAvgMs: number;
  transactions: number;
  clients: number;
  threads: number;
  seconds: number;
  scale: number;
  version: string;
  /** the measured command line */
  command: string;
  /** busy share of all cores during the measured run */
  machineBusy: number;
}

function binary(): string {
  if (process.env.PGBENCH) return process.env.PGBENCH;
  return existsSync('/usr/bin/pgbench') ? '/usr/bin/pgbench' : 'pgbench';
}

/** libpq environment from a postgres:// URL (the password never goes on a command line). */
function libpqEnv(url: string, database: string): NodeJS.ProcessEnv {
  const u = new URL(url);
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    PGHOST: u.hostname.replace(/^\[|\]$/g, ''),
    PGPORT: u.port || '5432',
    PGUSER: decodeURIComponent(u.username),
    PGPASSWORD: decodeURIComponent(u.password),
    PGDATABASE: database,
    PGAPPNAME: 'approdo-bench-pgbench',
  };
  const sslmode = u.searchParams.get('sslmode');
  if (sslmode) env.PGSSLMODE = sslmode;
  return env;
}

function run(args: string[], env: NodeJS.ProcessEnv, timeoutMs: number, signal?: AbortSignal): Promise<string> {
  return new Promise((ok, fail) => {
    const child = spawn(binary(), args, { env, stdio: ['ignore', 'pipe', 'pipe'], signal });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (out += d.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.once('error', (e) => {
      clearTimeout(timer);
      fail(e);
    });
    child.once('close', (code, signal) => {
      clearTimeout(timer);
      if (code === 0) ok(out);
      else
        fail(new Error(`pgbench ${args.join(' ')} failed (${signal ?? `exit ${code}`}):\n${out.trim().split('\n').slice(-8).join('\n')}`));
    });
  });
}

function number(out: string, re: RegExp, what: string): number {
  const m = re.exec(out);
  if (!m) throw new Error(`could not read ${what} from pgbench output:\n${out}`);
  return Number(m[1]);
}

/**
 * pgbench -N (the "simple update" script: UPDATE pgbench_accounts, SELECT, INSERT pgbench_history,
 * one transaction) against database pgbench_bench on the same server. Created when missing; dropped
 * afterwards only when this run created it.
 */
export async function pgbenchSimpleUpdate(
  serverUrl: string,
  o: { scale: number; clients: number; threads: number; seconds: number; warmupSeconds: number },
  signal?: AbortSignal,
): Promise<PgbenchResult> {
  const existed = await withClient(
    serverUrl,
    async (c) => ((await c.query('SELECT 1 FROM pg_database WHERE datname = $1', [PGBENCH_DB])).rowCount ?? 0) > 0,
  );
  await ensureDatabase(serverUrl, PGBENCH_DB);
  const env = libpqEnv(serverUrl, PGBENCH_DB);
  try {
    const version = (await run(['--version'], env, 10_000)).trim();
    log(`pgbench: initialising ${PGBENCH_DB} at scale ${o.scale}`);
    await run(['-i', '-q', '-s', String(o.scale)], env, 120_000, signal);
    const common = ['-N', '-c', String(o.clients), '-j', String(o.threads)];
    if (o.warmupSeconds > 0) {
      log(`pgbench -N warm-up, ${o.warmupSeconds} s`);
      await run([...common, '-T', String(o.warmupSeconds)], env, (o.warmupSeconds + 60) * 1000, signal);
    }
    // the warm-up already vacuumed (pgbench's default); -n keeps that out of the measured run
    const measured = [...common, ...(o.warmupSeconds > 0 ? ['-n'] : []), '-T', String(o.seconds)];
    log(`pgbench ${measured.join(' ')}`);
    const machine = machineCpuSampler();
    const out = await run(measured, env, (o.seconds + 60) * 1000, signal);
    const machineBusy = machine();
    return {
      tps: number(out, /tps = ([\d.]+) \(without initial connection time\)/, 'tps'),
      latencyAvgMs: number(out, /latency average = ([\d.]+) ms/, 'latency average'),
      transactions: number(out, /number of transactions actually processed: (\d+)/, 'transactions'),
      clients: o.clients,
      threads: o.threads,
      seconds: o.seconds,
      scale: o.scale,
      version,
      command: `pgbench ${measured.join(' ')}`,
      machineBusy,
    };
  } finally {
    if (!existed) await withClient(serverUrl, (c) => c.query(`DROP DATABASE IF EXISTS ${PGBENCH_DB} WITH (FORCE)`)).catch(() => undefined);
  }
}
