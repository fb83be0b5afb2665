import { JobsService } from '../../src/jobs/jobs.service.js';
import { aFacility, aRequest, principals } from '../support/factories.js';
import { SmtpPeer } from '../support/smtp-peer.js';
import { bearer, startTestApp, type TestApp } from '../support/test-app.js';

const HOUR = 3_600_000;

/** Scheduled jobs driven by hand with the injected clock: no waiting. */
describe('scheduled jobs', () => {
  let t: TestApp;
  const admin = principals.admin();
  const uor = principals.uor('07');
  const outbox = (event: string) =>
    t.sql<{ recipient: string; body_text: string }>(`SELECT recipient, body_text FROM outbox WHERE event = $1 ORDER BY created_at, id`, [
      event,
    ]);

  beforeAll(async () => {
    t = await startTestApp();
    await t
      .http()
      .put('/api/v1/regions/07/contact')
      .set(bearer(t.token(admin)))
      .send({ uorEmail: 'uor.liguria@example.org' })
      .expect(200);
  });
  afterAll(() => t.close());

  it('reminds a stale facility once, then tells the region after the second threshold', async () => {
    const f = await t
      .http()
      .post('/api/v1/facilities')
      .set(bearer(t.token(admin)))
      .send(aFacility({ contactEmail: 'stale.house@example.org' }));
    await t
      .http()
      .post(`/api/v1/facilities/${f.body.id}/availability/confirm`)
      .set(bearer(t.token(admin)))
      .expect(200);
    const jobs = t.app.get(JobsService);
    expect(await jobs.remindStale()).toEqual({ reminded: 0, escalated: 0 });
    t.clock.advance((t.config.staleAfterHours + 1) * HOUR);
    expect((await jobs.remindStale()).reminded).toBe(1);
    expect((await jobs.remindStale()).reminded).toBe(0); // once
    expect((await outbox('availability_stale')).map((m) => m.recipient)).toEqual(['stale.house@example.org']);
    t.clock.advance((t.config.staleEscalateAfterHours - t.config.staleAfterHours) * HOUR);
    expect(await jobs.remindStale()).toEqual({ reminded: 0, escalated: 1 });
    expect((await outbox('availability_stale_escalation')).map((m) => m.recipient)).toEqual(['uor.liguria@example.org']);
    // confirming starts the cycle again
    await t
      .http()
      .post(`/api/v1/facilities/${f.body.id}/availability/confirm`)
      .set(bearer(t.token(admin)))
      .expect(200);
    expect(await jobs.remindStale()).toEqual({ reminded: 0, escalated: 0 });
    t.clock.advance((t.config.staleAfterHours + 1) * HOUR);
    expect((await jobs.remindStale()).reminded).toBe(1);
  });

  it('warns facility and UOR once before a hold expires', async () => {
    const f = await t
      .http()
      .post('/api/v1/facilities')
      .set(bearer(t.token(admin)))
      .send(aFacility({ contactEmail: 'warn.house@example.org' }));
    await t
      .http()
      .post(`/api/v1/facilities/${f.body.id}/availability/confirm`)
      .set(bearer(t.token(admin)));
    const r = await t
      .http()
      .post('/api/v1/placement-requests')
      .set(bearer(t.token(uor)))
      .send(aRequest({ caseCode: 'LIG-WARN-1' }));
    const p = await t
      .http()
      .post(`/api/v1/placement-requests/${r.body.id}/proposals`)
      .set(bearer(t.token(uor)))
      .send({ facilityId: f.body.id });
    expect(p.status).toBe(201);
    const jobs = t.app.get(JobsService);
    expect(await jobs.warnExpiringHolds()).toBe(0);
    // an immediate request: its hold lasts holdTtlHoursByUrgency.immediate
    t.clock.advance((t.config.holdTtlHoursByUrgency.immediate - t.config.holdExpiryWarningHours + 0.5) * HOUR);
    expect(await jobs.warnExpiringHolds()).toBe(1);
    expect(await jobs.warnExpiringHolds()).toBe(0);
    const mails = await outbox('hold_expiring');
    expect(mails.map((m) => m.recipient).sort()).toEqual([uor.email, 'warn.house@example.org'].sort());
    expect(mails[0].body_text).toContain('LIG-WARN-1');
    // and at expiry the UOR hears that the place is gone
    t.clock.advance(t.config.holdExpiryWarningHours * HOUR);
    expect(await jobs.expireHolds()).toBeGreaterThanOrEqual(1);
    expect((await outbox('proposal_expired')).map((m) => m.recipient).sort()).toEqual([uor.email, 'warn.house@example.org'].sort());
  });

  it('erases profiles of requests closed longer than the retention period and keeps the counts', async () => {
    const r = await t
      .http()
      .post('/api/v1/placement-requests')
      .set(bearer(t.token(uor)))
      .send(aRequest({ caseCode: 'LIG-PURGE-1', note: 'da cancellare' }));
    await t
      .http()
      .post(`/api/v1/placement-requests/${r.body.id}/cancel`)
      .set(bearer(t.token(uor)))
      .expect(200);
    const jobs = t.app.get(JobsService);
    const counts = () =>
      t.sql<{ status: string; n: number }>(`SELECT status, count(*)::int AS n FROM placement_request GROUP BY 1 ORDER BY 1`);
    const before = await counts();
    expect(await jobs.purgeExpiredProfiles()).toBe(0);
    t.clock.advance((t.config.retentionDays + 1) * 24 * HOUR);
    expect(await jobs.purgeExpiredProfiles()).toBeGreaterThanOrEqual(1);
    const [row] = await t.sql<Record<string, unknown>>(`SELECT * FROM placement_request WHERE id = $1`, [r.body.id]);
    expect(row).toMatchObject({ profile: null, note: null, case_code: 'PURGED', conflict_tags: [], status: 'cancelled' });
    expect(row.purged_at).not.toBeNull();
    expect(JSON.stringify(row)).not.toContain('da cancellare');
    expect(await counts()).toEqual(before);
    const read = await t
      .http()
      .get(`/api/v1/placement-requests/${r.body.id}`)
      .set(bearer(t.token(uor)));
    expect(read.body).toMatchObject({ person: null, purged: true });
  });

  it('runs each occurrence of a job once across three instances', async () => {
    const others = [await startTestApp({}, t.dbUrl), await startTestApp({}, t.dbUrl)];
    try {
      const instances = [t, ...others];
      for (const i of instances) i.clock.set(t.clock.now());
      let runs = 0;
      const work = async () => {
        runs++;
      };
      for (let occurrence = 0; occurrence < 5; occurrence++) {
        const claimed = await Promise.all(
          instances.flatMap((i) => [
            i.app.get(JobsService).once('test-job', 60_000, work),
            i.app.get(JobsService).once('test-job', 60_000, work),
          ]),
        );
        expect(claimed.filter(Boolean)).toHaveLength(1);
        for (const i of instances) i.clock.advance(60_000);
      }
      expect(runs).toBe(5);
    } finally {
      for (const o of others) await o.close();
    }
  });
});

describe('three instances with their schedulers running', () => {
  let smtp: SmtpPeer;
  let instances: TestApp[] = [];
  beforeAll(async () => {
    smtp = new SmtpPeer();
    const port = await smtp.start();
    const env = { SMTP_URL: `smtp://127.0.0.1:${port}`, SCHEDULER_ENABLED: 'true' };
    const first = await startTestApp(env, undefined, { realClock: true });
    instances = [
      first,
      await startTestApp(env, first.dbUrl, { realClock: true }),
      await startTestApp(env, first.dbUrl, { realClock: true }),
    ];
  });
  afterAll(async () => {
    for (const i of instances.slice(1)) await i.close();
    await instances[0]?.close();
    await smtp.stop();
  });

  it('dispatches every queued message exactly once and records one run per occurrence', async () => {
    const [t] = instances;
    const admin = bearer(t.token(principals.admin()));
    for (let i = 0; i < 12; i++) {
      const f = await t
        .http()
        .post('/api/v1/facilities')
        .set(admin)
        .send(aFacility({ contactEmail: `house${i}@example.org` }));
      expect(f.status).toBe(201);
    }
    const uor = bearer(t.token(principals.uor('07')));
    const { body: list } = await t.http().get('/api/v1/facilities?limit=12').set(admin);
    for (const f of list.items) await t.http().post(`/api/v1/facilities/${f.id}/availability/confirm`).set(admin);
    for (const f of list.items) {
      const r = await t.http().post('/api/v1/placement-requests').set(uor).send(aRequest());
      expect((await t.http().post(`/api/v1/placement-requests/${r.body.id}/proposals`).set(uor).send({ facilityId: f.id })).status).toBe(
        201,
      );
    }
    // the dispatch job ticks every 10 s on each instance
    const deadline = Date.now() + 25_000;
    while (smtp.received.length < 12 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 250));
    await new Promise((r) => setTimeout(r, 1_000));
    expect(smtp.received).toHaveLength(12);
    expect(new Set(smtp.received.map((m) => m.messageId)).size).toBe(12);
    const runs = await t.sql<{ occurrence: string; n: number }>(
      `SELECT occurrence, count(*)::int AS n FROM job_run WHERE job = 'outbox-dispatch' GROUP BY 1`,
    );
    expect(runs.length).toBeGreaterThanOrEqual(1);
    for (const r of runs) expect(r.n).toBe(1);
  }, 40_000);
});
