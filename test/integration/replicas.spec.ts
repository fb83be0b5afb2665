import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import jwt from 'jsonwebtoken';
import pg from 'pg';
import { MIGRATIONS } from '../../migrations/index.js';
import { MIGRATION_LOCK_KEY, revertLastMigration, runMigrations } from '../../src/database/migrate.js';
import { createEmptyDatabase } from '../support/databases.js';
import { aFacility } from '../support/factories.js';

/**
 * Replicas of the built service (`node dist/src/main.js`, as the Docker image runs it) started
 * together against one database: each migration is applied once, under the migration lock, and
 * the instance that did not apply them says so in one line.
 */
const BUILD = resolve(`.data/replicas-build-${process.pid}`);
const MAIL_DIR = mkdtempSync(join(tmpdir(), 'approdo-replicas-mail-'));
const NAMES = MIGRATIONS.map((m) => m.name);
const LAST = NAMES[NAMES.length - 1];
const JWT_SECRET = randomBytes(32).toString('hex');
// in production a local token is believed only with LOCAL_TOKENS=true, and only for an active member (issue 34)
const ADMIN_ID = '7e57ad00-0000-4000-8000-000000000033';
const ADMIN = `Bearer ${jwt.sign({ role: 'admin' }, JWT_SECRET, { algorithm: 'HS256', subject: ADMIN_ID, expiresIn: '1h' })}`;

/** The admin the requests act as, a member of the registry (after the migrations made its table). */
async function addAdmin(url: string): Promise<void> {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  try {
    await c.query(
      `INSERT INTO member (id, email, role, status, facility_ids, issuer, subject, invited_by, created_at, updated_at)
       VALUES ($1, 'replicas-admin@example.org', 'admin', 'active', '{}'::uuid[], 'https://id.example.org', 'replicas-admin', 'test', now(), now())`,
      [ADMIN_ID],
    );
  } finally {
    await c.end();
  }
}
const NONE_PENDING = /^migrations: none pending( \(waited (\d+) ms for another instance\))?$/;

const freePort = () =>
  new Promise<number>((ok) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const p = (s.address() as { port: number }).port;
      s.close(() => ok(p));
    });
  });

interface Instance {
  child: ChildProcess;
  base: string;
  /** everything it wrote, stdout and stderr */
  output: () => string;
  /** the messages of its JSON log lines with context Database */
  databaseLines: () => string[];
  exited: Promise<number | null>;
}

async function start(url: string, env: Record<string, string> = {}, script = 'src/main.js'): Promise<Instance> {
  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;
  const child = spawn(process.execPath, [resolve(BUILD, script)], {
    // production, as the image runs: JSON logs, the scheduler on, no demo data, no development provider
    env: {
      PATH: process.env.PATH ?? '',
      NODE_ENV: 'production',
      DATABASE_URL: url,
      PORT: String(port),
      HOST: '127.0.0.1',
      PUBLIC_BASE_URL: base,
      DEMO_DATA: 'false',
      LOG_FORMAT: 'json',
      LOG_LEVEL: 'log',
      JWT_SECRET,
      LOCAL_TOKENS: 'true',
      ADDRESS_ENCRYPTION_KEY: randomBytes(32).toString('base64'),
      MAIL_DIR,
      DB_POOL_SIZE: '4',
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout!.on('data', (b: Buffer) => (out += b.toString()));
  child.stderr!.on('data', (b: Buffer) => (out += b.toString()));
  const exited = new Promise<number | null>((ok) => child.once('exit', (code) => ok(code)));
  const databaseLines = () =>
    out
      .split('\n')
      .filter((l) => l.startsWith('{'))
      .map((l) => JSON.parse(l) as { context?: string; message?: string })
      .filter((l) => l.context === 'Database')
      .map((l) => l.message ?? '');
  return { child, base, output: () => out, databaseLines, exited };
}

/** Polls /health/ready until 200; fails with the instance's output when it exits first. */
async function ready(i: Instance): Promise<void> {
  let gone = false;
  void i.exited.then(() => (gone = true));
  for (let n = 0; n < 3000; n++) {
    if (gone) throw new Error(`the instance exited while starting:\n${i.output()}`);
    const status = await fetch(`${i.base}/health/ready`).then(
      (r) => r.status,
      () => 0,
    );
    if (status === 200) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`not ready after 300 s:\n${i.output()}`);
}

async function stop(...all: Instance[]): Promise<void> {
  for (const i of all) if (i.child.exitCode === null) i.child.kill('SIGTERM');
  await Promise.all(all.map((i) => i.exited));
}

const api = (i: Instance, path: string, init: RequestInit = {}) =>
  fetch(`${i.base}/api/v1${path}`, {
    ...init,
    headers: { authorization: ADMIN, 'content-type': 'application/json', ...(init.headers as Record<string, string>) },
  });

async function appliedNames(url: string): Promise<string[]> {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  try {
    return (await c.query<{ name: string }>(`SELECT name FROM schema_migrations ORDER BY name`)).rows.map((r) => r.name);
  } finally {
    await c.end();
  }
}

describe('replicas started together (the built service, integration)', () => {
  beforeAll(() => {
    const build = spawnSync(process.execPath, ['node_modules/typescript/bin/tsc', '-p', 'tsconfig.build.json', '--outDir', BUILD], {
      encoding: 'utf8',
    });
    if (build.status !== 0) throw new Error(`build failed: ${build.stdout}${build.stderr}`);
  }, 120_000);
  afterAll(() => {
    rmSync(BUILD, { recursive: true, force: true });
    rmSync(MAIL_DIR, { recursive: true, force: true });
  });

  it('two instances on one empty database, ten times: both ready, each migration applied once, the other says none pending', async () => {
    /** One first deploy of two replicas; answers how long the one that did not migrate waited (undefined: not at all). */
    const round = async (n: number): Promise<number | undefined> => {
      const db = await createEmptyDatabase();
      const pair = await Promise.all([start(db.url), start(db.url)]);
      try {
        await Promise.all(pair.map(ready));
        // each once: schema_migrations has no unique name, a second run would add a second row
        expect(await appliedNames(db.url)).toEqual([...NAMES].sort());
        const lines = pair.map((i) => i.databaseLines().filter((l) => l.startsWith('migrations: ') && !l.includes('waiting up to')));
        const winner = lines.findIndex((l) => l.some((m) => m.startsWith('migrations: applied ')));
        expect(winner).toBeGreaterThanOrEqual(0);
        expect(lines[winner]).toEqual([`migrations: applied ${NAMES.join(', ')}`]);
        const loser = lines[1 - winner];
        expect(loser).toEqual([expect.stringMatching(NONE_PENDING)]);
        const waited = NONE_PENDING.exec(loser[0])![2];
        return waited === undefined ? undefined : Number(waited);
      } catch (e) {
        throw new Error(`round ${n}: ${(e as Error).message}\n--- A\n${pair[0].output()}\n--- B\n${pair[1].output()}`, { cause: e });
      } finally {
        await stop(...pair);
        await db.drop();
      }
    };
    const waits: (number | undefined)[] = [];
    // two rounds at a time (four processes): each round has its own database, and the lock is per database
    for (let n = 1; n <= 10; n += 2) waits.push(...(await Promise.all([round(n), round(n + 1)])));
    expect(waits).toHaveLength(10);
    // started at the same moment, the later one mostly found the other at work and waited for it
    expect(waits.filter((w) => w !== undefined).length).toBeGreaterThan(0);
    // CPU-bound: about 40 s on two idle cores, several minutes on a shared, loaded machine
  }, 900_000);

  it('a new migration pending while an instance serves: two new instances apply it once, the serving one keeps answering', async () => {
    const db = await createEmptyDatabase();
    await runMigrations(db.url);
    await addAdmin(db.url);
    const old = await start(db.url);
    let fresh: Instance[] = [];
    try {
      await ready(old);
      const created = await api(old, '/facilities', { method: 'POST', body: JSON.stringify(aFacility()) });
      expect(created.status).toBe(201);
      const facilityId = ((await created.json()) as { id: string }).id;

      // the last migration becomes the one a new release brings: the database is one step behind
      expect(await revertLastMigration(db.url)).toBe(LAST);
      const behind = await fetch(`${old.base}/health/ready`);
      expect(behind.status).toBe(503);
      expect(await behind.json()).toMatchObject({ pendingMigrations: 1 });

      // read through the serving instance the whole time the new ones start and migrate
      const statuses: number[] = [];
      let reading = true;
      const reader = (async () => {
        while (reading) {
          statuses.push(await api(old, `/facilities/${facilityId}`).then((r) => r.status));
          await new Promise((r) => setTimeout(r, 50));
        }
      })();
      fresh = await Promise.all([start(db.url), start(db.url)]);
      await Promise.all(fresh.map(ready));
      reading = false;
      await reader;

      expect(await appliedNames(db.url)).toEqual([...NAMES].sort());
      const lines = fresh.map((i) => i.databaseLines().filter((l) => l.startsWith('migrations: ') && !l.includes('waiting up to')));
      expect(lines.flat().filter((l) => l.startsWith('migrations: applied '))).toEqual([
        expect.stringMatching(new RegExp(`^migrations: applied ${LAST}( |$)`)),
      ]);
      expect(lines.flat().filter((l) => NONE_PENDING.test(l))).toHaveLength(1);
      expect(statuses.length).toBeGreaterThan(0);
      expect(statuses.filter((s) => s !== 200)).toEqual([]);
      // and after: ready again, writes go through it
      expect((await fetch(`${old.base}/health/ready`)).status).toBe(200);
      expect((await api(old, '/facilities', { method: 'POST', body: JSON.stringify(aFacility()) })).status).toBe(201);
      expect(old.child.exitCode).toBeNull();
    } finally {
      await stop(old, ...fresh);
      await db.drop();
    }
  }, 400_000);

  it('a lock that cannot be had in time ends the start (service and migrate command) with a clear message and exit code 1', async () => {
    const db = await createEmptyDatabase();
    const holder = new pg.Client({ connectionString: db.url, application_name: 'stuck-migration' });
    await holder.connect();
    try {
      await holder.query(`SELECT pg_advisory_lock($1::bigint)`, [MIGRATION_LOCK_KEY]);
      const env = { MIGRATION_LOCK_TIMEOUT_SECONDS: '2' };
      const [service, command] = await Promise.all([start(db.url, env), start(db.url, env, 'src/cli/migrate.js')]);
      expect(await service.exited).toBe(1);
      expect(await command.exited).toBe(1);
      const reason =
        /could not take the migration lock within 2 s \(MIGRATION_LOCK_TIMEOUT_SECONDS\): it is held by pid \d+ \("stuck-migration"/;
      const fatal = service
        .output()
        .split('\n')
        .filter((l) => l.startsWith('{'))
        .map((l) => JSON.parse(l) as { level: string; message: string })
        .filter((l) => l.level === 'fatal');
      expect(fatal).toEqual([{ ...fatal[0], message: expect.stringMatching(new RegExp(`^failed to start: ${reason.source}`)) }]);
      expect(command.output()).toMatch(new RegExp(`migration failed: ${reason.source}`));
      // the wait was said before it began
      expect(service.databaseLines()).toContainEqual(
        expect.stringMatching(/^migrations: another instance is migrating \(pid \d+ .*waiting up to 2 s$/),
      );
      expect((await holder.query(`SELECT to_regclass('schema_migrations') IS NULL AS none`)).rows[0].none).toBe(true);
    } finally {
      await holder.end();
      await db.drop();
    }
  }, 120_000);
});
