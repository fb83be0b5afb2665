import { chmod, mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { ensureDatabase } from '../../src/database/embedded-postgres.js';
import { runMigrations } from '../../src/database/migrate.js';
import { startPgServer, type PgServer } from '../../src/database/pg-server.js';
import { expectConsistent, sqlOn } from '../support/consistency.js';
import { aFacility, aRequest, principals } from '../support/factories.js';
import { bearer, startTestApp, type TestApp } from '../support/test-app.js';

/** What a client may be answered while the database fails under it: never a 500. */
const ALLOWED = [200, 201, 409, 503];

describe('connections terminated under load (pg_terminate_backend)', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp({ DB_POOL_SIZE: '4', DB_POOL_ACQUIRE_TIMEOUT_MS: '30000' });
  });
  afterAll(() => t.close());

  it('answers 2xx, 409 or 503 (never 500), loses no answered change and writes nothing by halves', async () => {
    const admin = bearer(t.token(principals.admin()));
    const uor = bearer(t.token(principals.uor('07')));
    const facility = (
      await t
        .http()
        .post('/api/v1/facilities')
        .set(admin)
        .send(aFacility({ provinceCode: 'SP', places: [{ kind: 'adult', total: 30 }] }))
    ).body.id;
    const manager = bearer(t.token(principals.manager(facility)));
    const requests: string[] = [];
    for (let i = 0; i < 24; i++) requests.push((await t.http().post('/api/v1/placement-requests').set(uor).send(aRequest())).body.id);

    let killing = true;
    let kills = 0;
    const killer = (async () => {
      while (killing) {
        const rows = await t.sql<{ ok: boolean }>(
          `SELECT pg_terminate_backend(pid) AS ok FROM pg_stat_activity WHERE datname = current_database() AND application_name = 'approdo' AND pid <> pg_backend_pid()`,
        );
        kills += rows.filter((r) => r.ok).length;
        await new Promise((r) => setTimeout(r, 15));
      }
    })();
    const answers: { status: number; body: Record<string, unknown>; headers: Record<string, string>; what: string; id?: string }[] = [];
    try {
      for (let round = 0; round < 4; round++) {
        const calls = [
          ...requests.map((r) =>
            t
              .http()
              .post(`/api/v1/placement-requests/${r}/proposals`)
              .set(uor)
              .send({ facilityId: facility })
              .then((x) => ({ status: x.status, body: x.body, headers: x.headers, what: 'propose', id: r })),
          ),
          ...Array.from({ length: 8 }, () =>
            t
              .http()
              .post(`/api/v1/facilities/${facility}/availability/confirm`)
              .set(manager)
              .then((x) => ({ status: x.status, body: x.body, headers: x.headers, what: 'confirm' })),
          ),
        ];
        answers.push(...(await Promise.all(calls)));
      }
    } finally {
      killing = false;
      await killer;
    }
    expect(kills).toBeGreaterThan(0);
    for (const a of answers) {
      expect(ALLOWED).toContain(a.status);
      if (a.status === 503) {
        expect(['database_unavailable', 'service_busy']).toContain(a.body.code);
        expect(Number(a.headers['retry-after'])).toBeGreaterThan(0);
      }
    }
    // every proposal answered 201 is in the database, with its hold
    for (const a of answers.filter((x) => x.what === 'propose' && x.status === 201)) {
      const rows = await t.sql(`SELECT 1 FROM proposal p JOIN place_hold h ON h.id = p.hold_id WHERE p.id = $1`, [a.body.id]);
      expect(rows).toHaveLength(1);
    }
    await expectConsistent(t.dbUrl);
    // and it serves again at once
    const after = await t.http().post(`/api/v1/facilities/${facility}/availability/confirm`).set(manager);
    expect(after.status).toBe(200);
  });
});

describe('a pool with no connection to spare', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp({ DB_POOL_SIZE: '1', DB_POOL_ACQUIRE_TIMEOUT_MS: '300' });
  });
  afterAll(() => t.close());

  it('answers 503 service_busy with Retry-After to the caller that waited too long, and serves the one that held it', async () => {
    const admin = bearer(t.token(principals.admin()));
    const facility = (await t.http().post('/api/v1/facilities').set(admin).send(aFacility())).body.id;
    const manager = bearer(t.token(principals.manager(facility)));
    const blocker = new pg.Client({ connectionString: t.dbUrl });
    await blocker.connect();
    try {
      await blocker.query('BEGIN');
      await blocker.query('SELECT 1 FROM facility WHERE id = $1 FOR UPDATE', [facility]);
      // this one takes the only connection and waits for the row inside its transaction
      const holding = t
        .http()
        .post(`/api/v1/facilities/${facility}/availability/confirm`)
        .set(manager)
        .then((r) => r);
      for (let i = 0; i < 400; i++) {
        const [w] = await sqlOn<{ n: number }>(
          t.dbUrl,
          `SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = current_database() AND application_name = 'approdo' AND wait_event_type = 'Lock'`,
        );
        if (w.n === 1) break;
        await new Promise((r) => setTimeout(r, 25));
      }
      const busy = await t.http().get(`/api/v1/facilities/${facility}`).set(admin);
      expect(busy.status).toBe(503);
      expect(busy.body).toMatchObject({ statusCode: 503, code: 'service_busy' });
      expect(busy.headers['retry-after']).toBe('1');
      await blocker.query('COMMIT');
      expect((await holding).status).toBe(200);
    } finally {
      await blocker.end();
    }
    expect((await t.http().get(`/api/v1/facilities/${facility}`).set(admin)).status).toBe(200);
  });
});

describe('PostgreSQL stopped and started again', () => {
  let server: PgServer;
  let dataDir: string;
  let port: number;
  let url: string;
  let t: TestApp;

  const start = () =>
    startPgServer({ dataDir, port, user: 'postgres', password: 'approdo-fault', persistent: true, settings: { fsync: 'off' } });

  beforeAll(async () => {
    const parent = await mkdtemp(join(tmpdir(), 'approdo-fault-'));
    // reachable by the postgres user the server runs as under root (else it would keep the data elsewhere)
    await chmod(parent, 0o755);
    dataDir = join(parent, 'pg');
    port = await new Promise<number>((ok) => {
      const s = createServer().listen(0, '127.0.0.1', () => {
        const p = (s.address() as { port: number }).port;
        s.close(() => ok(p));
      });
    });
    server = await start();
    await ensureDatabase(server.url('postgres'), 'approdo');
    url = server.url('approdo');
    await runMigrations(url);
    t = await startTestApp({ DB_POOL_SIZE: '4' }, url);
  }, 120_000);
  afterAll(async () => {
    await t?.close();
    await server?.stop();
    await rm(server.dataDir, { recursive: true, force: true });
    await rm(join(dataDir, '..'), { recursive: true, force: true });
  });

  it('answers 503 with Retry-After while it is down, and serves again within 5 s of its return', async () => {
    const admin = bearer(t.token(principals.admin()));
    const facility = (
      await t
        .http()
        .post('/api/v1/facilities')
        .set(admin)
        .send(aFacility({ places: [{ kind: 'adult', total: 3 }] }))
    ).body.id;
    const manager = bearer(t.token(principals.manager(facility)));
    expect((await t.http().get('/health')).status).toBe(200);

    await server.stop();
    const health = await t.http().get('/health');
    expect(health.status).toBe(503);
    const write = await t.http().post(`/api/v1/facilities/${facility}/availability/confirm`).set(manager);
    expect(write.status).toBe(503);
    expect(write.body.code).toBe('database_unavailable');
    expect(Number(write.headers['retry-after'])).toBeGreaterThan(0);
    const read = await t.http().get(`/api/v1/facilities/${facility}`).set(admin);
    expect(read.status).toBe(503);

    server = await start();
    const back = Date.now();
    let ready = false;
    while (!ready && Date.now() - back < 5000) {
      ready = (await t.http().get('/health')).status === 200;
      if (!ready) await new Promise((r) => setTimeout(r, 100));
    }
    expect(ready).toBe(true);
    const again = await t.http().post(`/api/v1/facilities/${facility}/availability/confirm`).set(manager);
    expect(again.status).toBe(200);
    await expectConsistent(url);
  });
});
