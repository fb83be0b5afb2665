import { spawn, type ChildProcess } from 'node:child_process';
import { request as httpRequest } from 'node:http';
import { createServer } from 'node:net';
import { resolve } from 'node:path';
import jwt from 'jsonwebtoken';
import pg from 'pg';
import { defaults } from '../../config/defaults.js';
import { aFacility } from '../support/factories.js';
import { builtService } from '../support/built-service.js';
import { createTestDatabase } from '../support/databases.js';
import { SseClient } from '../support/sse-client.js';

/**
 * SIGTERM to the real service process (built as `npm start` builds it): it stops taking new
 * requests, lets the ones under way finish and commit, closes its pool and exits 0.
 */
const IN_FLIGHT = 8;

const freePort = () =>
  new Promise<number>((ok) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const p = (s.address() as { port: number }).port;
      s.close(() => ok(p));
    });
  });

/** One request on its own connection (no keep-alive), so each is really concurrent. */
function call(
  method: string,
  url: string,
  headers: Record<string, string> = {},
  body?: unknown,
): Promise<{ status: number; body: Record<string, unknown> }> {
  return new Promise((ok, fail) => {
    const payload = body === undefined ? undefined : JSON.stringify(body);
    const req = httpRequest(
      url,
      { method, agent: false, headers: { ...headers, ...(payload ? { 'content-type': 'application/json' } : {}) } },
      (res) => {
        let text = '';
        res.on('data', (c: Buffer) => (text += c.toString()));
        res.on('end', () => ok({ status: res.statusCode ?? 0, body: text ? JSON.parse(text) : {} }));
      },
    );
    req.once('error', fail);
    req.end(payload);
  });
}

describe('graceful shutdown', () => {
  let db: Awaited<ReturnType<typeof createTestDatabase>>;
  let child: ChildProcess;
  let base: string;
  let out = '';
  const exited = () =>
    new Promise<number | null>((ok) => (child.exitCode !== null ? ok(child.exitCode) : child.once('exit', (code) => ok(code))));

  beforeAll(async () => {
    const build = await builtService();
    db = await createTestDatabase();
    const port = await freePort();
    base = `http://127.0.0.1:${port}`;
    child = spawn(process.execPath, [resolve(build, 'src/main.js')], {
      env: {
        ...process.env,
        NODE_ENV: 'test',
        DATABASE_URL: db.url,
        PORT: String(port),
        HOST: '127.0.0.1',
        DEMO_DATA: 'false',
        LOG_LEVEL: 'log',
        SHUTDOWN_TIMEOUT_MS: '20000',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    await new Promise<void>((ok, fail) => {
      const onData = (b: Buffer) => {
        out += b.toString();
        if (out.includes('Approdo is listening')) ok();
      };
      child.stdout!.on('data', onData);
      child.stderr!.on('data', onData);
      child.once('exit', () => fail(new Error(`the service stopped while starting: ${out}`)));
    });
  }, 180_000);
  afterAll(async () => {
    if (child.exitCode === null) child.kill('SIGKILL');
    await db.drop();
  });

  it('finishes the writes under way, refuses new ones, and exits 0', async () => {
    const token = jwt.sign({ role: 'admin' }, defaults.jwt.devSecret, { algorithm: 'HS256', subject: 'shutdown-admin', expiresIn: '1h' });
    const auth = { authorization: `Bearer ${token}` };
    const created = await call('POST', `${base}/api/v1/facilities`, auth, aFacility());
    expect(created.status).toBe(201);
    const facilityId = created.body.id as string;

    // hold the facility row, so the confirmations that follow wait inside their transactions
    const blocker = new pg.Client({ connectionString: db.url });
    blocker.on('error', () => undefined); // the database is dropped at the end
    await blocker.connect();
    await blocker.query('BEGIN');
    await blocker.query('SELECT 1 FROM facility WHERE id = $1 FOR UPDATE', [facilityId]);
    const inFlight = Array.from({ length: IN_FLIGHT }, () =>
      call('POST', `${base}/api/v1/facilities/${facilityId}/availability/confirm`, auth).then(
        (r) => r.status,
        (e: Error) => e.message,
      ),
    );
    // watched from outside the blocker's transaction: pg_stat_activity is frozen for the length of one
    const monitor = new pg.Client({ connectionString: db.url });
    monitor.on('error', () => undefined);
    await monitor.connect();
    const waiting = async () =>
      (
        await monitor.query(
          `SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'`,
        )
      ).rows[0].n as number;
    // the pool has 20 connections: all the confirmations are in their transactions, waiting for the lock
    for (let i = 0; i < 200 && (await waiting()) < IN_FLIGHT; i++) await new Promise((r) => setTimeout(r, 50));
    expect(await waiting()).toBe(IN_FLIGHT);
    await monitor.end();

    // an open event stream (issue 22) must not keep the process alive: it is ended at shutdown
    const stream = await SseClient.open(`${base}/api/v1/events`, auth);
    expect(stream.status).toBe(200);
    expect(await stream.waitFor((c) => c.lastEventId !== undefined)).toBe(true);

    child.kill('SIGTERM');
    const code = exited();
    // new requests are refused: the port is closed (or answered 503 while it closes)
    let refused = false;
    for (let i = 0; i < 100 && !refused; i++) {
      await new Promise((r) => setTimeout(r, 50));
      refused = await call('GET', `${base}/health`).then(
        (r) => r.status === 503,
        () => true,
      );
    }
    expect(refused).toBe(true);
    // the service is still waiting for the writes under way
    expect(child.exitCode).toBeNull();

    await blocker.query('COMMIT');
    await blocker.end();
    const answers = await Promise.all(inFlight);
    expect(answers).toEqual(Array(IN_FLIGHT).fill(200));
    expect(await code).toBe(0);
    expect(await stream.waitFor((c) => c.ended)).toBe(true);

    const check = new pg.Client({ connectionString: db.url });
    await check.connect();
    try {
      const { rows } = await check.query(`SELECT count(*)::int AS n FROM availability_event WHERE facility_id = $1 AND type = 'confirm'`, [
        facilityId,
      ]);
      expect(rows[0].n).toBe(IN_FLIGHT);
      // the pool was closed: no connection of the service is left
      const left = await check.query(
        `SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = current_database() AND application_name IN ('approdo', 'approdo-events')`,
      );
      expect(left.rows[0].n).toBe(0);
    } finally {
      await check.end();
    }
  });
});
