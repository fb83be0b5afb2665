import { randomUUID } from 'node:crypto';
import { Writable } from 'node:stream';
import { AppLogger } from '../../src/common/logging.js';
import { JobsService } from '../../src/jobs/jobs.service.js';
import { aFacility, aRequest, principals } from '../support/factories.js';
import { bearer, startTestApp, type TestApp } from '../support/test-app.js';

const METRICS_TOKEN = 'metrics-token-for-the-test-0123456789';

/** Domain "Operations": liveness and readiness, /metrics, JSON logs without personal data. */
describe('operations (e2e)', () => {
  let t: TestApp;
  const lines: string[] = [];
  const records = () => lines.map((l) => JSON.parse(l) as Record<string, any>);

  beforeAll(async () => {
    t = await startTestApp({ METRICS_TOKEN, LOG_FORMAT: 'json' });
    // every log line the service writes from here on, as npm start writes them (JSON, most verbose level)
    const sink = new Writable({ write: (chunk, _enc, done) => (lines.push(...String(chunk).split('\n').filter(Boolean)), done()) });
    t.app.useLogger(new AppLogger({ format: 'json', level: 'verbose', destination: sink }));
  });
  afterAll(() => t.close());

  describe('health', () => {
    it('GET /health/live answers 200 without a token', async () => {
      const res = await t.http().get('/health/live');
      expect(res.status).toBe(200);
      expect(res.body).toEqual({ status: 'ok' });
    });

    it('GET /health/ready answers 200 when the database answers and every migration is applied', async () => {
      const res = await t.http().get('/health/ready');
      expect(res.status).toBe(200);
      expect(res.body).toEqual({ status: 'ready', database: 'up', pendingMigrations: 0 });
    });

    it('GET /health/ready answers 503 while a migration of this build is not applied', async () => {
      const [newest] = await t.sql<{ id: number; timestamp: string; name: string }>(
        'SELECT id, timestamp, name FROM schema_migrations ORDER BY id DESC LIMIT 1',
      );
      await t.sql('DELETE FROM schema_migrations WHERE id = $1', [newest.id]);
      try {
        const res = await t.http().get('/health/ready');
        expect(res.status).toBe(503);
        expect(res.body).toEqual({ status: 'not_ready', database: 'up', pendingMigrations: 1 });
      } finally {
        await t.sql('INSERT INTO schema_migrations (id, timestamp, name) VALUES ($1, $2, $3)', [newest.id, newest.timestamp, newest.name]);
      }
      expect((await t.http().get('/health/ready')).status).toBe(200);
    });

    it('GET /health stays', async () => {
      const res = await t.http().get('/health');
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({ status: 'ok', database: { status: 'up' } });
    });
  });

  describe('GET /metrics', () => {
    const scrape = async () => {
      const res = await t.http().get('/metrics').set(bearer(METRICS_TOKEN));
      expect(res.status).toBe(200);
      expect(res.headers['content-type']).toMatch(/^text\/plain/);
      return res.text;
    };
    const value = (text: string, series: string) => {
      const line = text.split('\n').find((l) => l.startsWith(series + ' ') || l.startsWith(series.replace(/}$/, ',')));
      return line === undefined ? undefined : Number(line.split(' ').pop());
    };

    it.each([
      ['no token', undefined],
      ['a wrong token', 'Bearer metrics-token-for-the-test-0123456780'],
      ['an API token shape', 'Basic abc'],
    ])('answers 401 with WWW-Authenticate to %s', async (_what, authorization) => {
      const req = t.http().get('/metrics');
      if (authorization) req.set('Authorization', authorization);
      const res = await req;
      expect(res.status).toBe(401);
      expect(res.headers['www-authenticate']).toMatch(/^Bearer/);
      expect(res.text).not.toContain('approdo_');
    });

    it('counts requests by route template, proposals by outcome, holds, outbox, pool and jobs', async () => {
      const admin = bearer(t.token(principals.admin()));
      const uor = bearer(t.token(principals.uor('07')));
      const f = (await t.http().post('/api/v1/facilities').set(admin).send(aFacility())).body.id as string;
      await t.http().post(`/api/v1/facilities/${f}/availability/confirm`).set(admin);
      const before = await scrape();
      const req = (await t.http().post('/api/v1/placement-requests').set(uor).send(aRequest())).body.id as string;
      const p = await t.http().post(`/api/v1/placement-requests/${req}/proposals`).set(uor).send({ facilityId: f });
      expect(p.status).toBe(201);
      await t.http().get(`/api/v1/facilities/${randomUUID()}`).set(admin);
      await t.app.get(JobsService).once('metrics-test-job', 60_000, async () => undefined);
      await expect(
        t.app.get(JobsService).once('metrics-test-failing', 60_000, async () => Promise.reject(new Error('x'))),
      ).rejects.toThrow();
      const after = await scrape();

      // the template, never the id
      expect(after).toMatch(
        /approdo_http_request_duration_seconds_count\{[^}]*method="GET",route="\/api\/v1\/facilities\/:id",status="404"\} [1-9]/,
      );
      expect(after).not.toMatch(/route="[^"]*[0-9a-f]{8}-[0-9a-f]{4}-/);
      expect(value(after, 'approdo_proposals{status="pending"')! - value(before, 'approdo_proposals{status="pending"')!).toBe(1);
      expect(value(after, 'approdo_holds_live{')! - value(before, 'approdo_holds_live{')!).toBe(1);
      for (const series of [
        'approdo_outbox_backlog{status="pending"',
        'approdo_outbox_oldest_pending_age_seconds{',
        'approdo_db_pool_connections{state="in_use"',
        'approdo_db_pool_connections{state="idle"',
        'approdo_db_pool_waiting{',
      ])
        expect(value(after, series)).toBeGreaterThanOrEqual(0);
      expect(value(after, 'approdo_outbox_backlog{status="pending"')).toBeGreaterThan(0); // the proposal told the facility
      expect(value(after, 'approdo_job_runs_total{job="metrics-test-job",outcome="ok"')).toBe(1);
      expect(value(after, 'approdo_job_runs_total{job="metrics-test-failing",outcome="failed"')).toBe(1);
      // candidates were never asked for here: search the network once, the catalogue loads
      await t.http().get(`/api/v1/placement-requests/${req}/candidates`).set(uor);
      expect(value(await scrape(), 'approdo_catalogue_reloads_total{scope="whole"')).toBeGreaterThanOrEqual(1);
    });
  });

  describe('logs', () => {
    it('echo a sane X-Request-Id and replace a hostile one', async () => {
      const sane = await t.http().get('/health/live').set('X-Request-Id', 'req-2026.11:abc_DEF');
      expect(sane.headers['x-request-id']).toBe('req-2026.11:abc_DEF');
      const hostile = await t.http().get('/health/live').set('X-Request-Id', "'; DROP TABLE audit_log;--");
      expect(hostile.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
      expect(lines.join('\n')).not.toContain('DROP TABLE');
    });

    it('a full lifecycle logs one JSON line per request, with id, route template, status, duration and sub, and no profile, address, token or body', async () => {
      lines.length = 0;
      const canary = `CANARY-${randomUUID()}`;
      const admin = principals.admin();
      const uor = principals.uor('07');
      const tokens = [t.token(admin), t.token(uor)];
      const facility = aFacility({
        name: `Casa ${canary}-name`,
        secretAddress: true,
        address: `Vicolo ${canary}-address 7, Genova`,
        location: { lat: 44.41827391, lon: 8.93726417 },
        contactEmail: 'casa.canary@example.org',
      });
      const f = await t.http().post('/api/v1/facilities').set(bearer(tokens[0])).set('X-Request-Id', 'lifecycle-create').send(facility);
      expect(f.status).toBe(201);
      await t.http().post(`/api/v1/facilities/${f.body.id}/availability/confirm`).set(bearer(tokens[0]));
      const manager = t.token(principals.manager(f.body.id));
      tokens.push(manager);
      const r = await t
        .http()
        .post('/api/v1/placement-requests')
        .set(bearer(tokens[1]))
        .send(aRequest({ caseCode: `LIG-${canary.slice(7, 19)}`, note: `${canary}-note`, person: { age: 31, languages: ['yo'] } }));
      expect(r.status).toBe(201);
      const p = await t
        .http()
        .post(`/api/v1/placement-requests/${r.body.id}/proposals`)
        .set(bearer(tokens[1]))
        .send({ facilityId: f.body.id });
      expect(p.status).toBe(201);
      expect(
        (await t.http().post(`/api/v1/proposals/${p.body.id}/accept`).set(bearer(manager)).set('Content-Type', 'application/json')).status,
      ).toBe(200);
      const admitted = await t.http().post(`/api/v1/proposals/${p.body.id}/admit`).set(bearer(manager)).send({});
      expect(admitted.status).toBe(200);
      const placementId = admitted.body.placementId ?? admitted.body.placement?.id ?? admitted.body.id;
      expect((await t.http().get(`/api/v1/facilities/${f.body.id}`).set(bearer(tokens[0]))).body.address).toContain(canary); // the answer has it…
      const discharged = await t
        .http()
        .post(`/api/v1/placements/${placementId}/discharge`)
        .set(bearer(manager))
        .send({ outcome: 'completed' });
      expect(discharged.status).toBeLessThan(500);
      await t
        .http()
        .post('/api/v1/facilities')
        .set(bearer(tokens[0]))
        .send({ ...facility, provinceCode: 'XX' }); // an error path too

      const text = lines.join('\n');
      expect(lines.length).toBeGreaterThanOrEqual(9); // capture works
      // …the logs never do
      for (const secret of [
        canary,
        canary.slice(7),
        '44.418273',
        '8.937264',
        'casa.canary@example.org',
        ...tokens,
        ...tokens.map((x) => x.split('.')[2]),
      ])
        expect(text).not.toContain(secret);
      expect(text).not.toMatch(/"(person|profile|address|body|authorization|note)"/);

      const http = records().filter((l) => l.context === 'HTTP');
      expect(http.length).toBeGreaterThanOrEqual(8);
      for (const l of http) {
        expect(l).toMatchObject({
          level: expect.any(String),
          time: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
          message: expect.any(String),
          requestId: expect.any(String),
          route: expect.stringMatching(/^\//),
          status: expect.any(Number),
          durationMs: expect.any(Number),
        });
        expect(l.route).not.toMatch(/[0-9a-f]{8}-[0-9a-f]{4}/);
      }
      expect(http.find((l) => l.requestId === 'lifecycle-create')).toMatchObject({
        method: 'POST',
        route: '/api/v1/facilities',
        status: 201,
        sub: admin.sub,
      });
      expect(http.find((l) => l.route === '/api/v1/proposals/:id/accept')).toMatchObject({
        status: 200,
        sub: expect.stringMatching(/^manager-/),
      });
    });
  });
});
