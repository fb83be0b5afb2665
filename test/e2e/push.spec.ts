import { Agent } from 'node:https';
import { JobsService } from '../../src/jobs/jobs.service.js';
import { PushDispatcher } from '../../src/push/push-dispatcher.service.js';
import { PUSH_SENDER, WebPushSender } from '../../src/push/push-sender.js';
import { VAPID, type VapidKeys } from '../../src/push/vapid.js';
import { aFacility, aRequest, principals } from '../support/factories.js';
import { BrowserKeys, LocalPushService, selfSignedCert, verifyVapid } from '../support/push-service.js';
import { bearer, startTestApp, type TestApp } from '../support/test-app.js';

/**
 * Web Push end to end: the push service is a local HTTPS server with its own certificate (the
 * sender trusts it through an https agent given in the test, as NODE_EXTRA_CA_CERTS would for a
 * whole process). It receives RFC 8291 aes128gcm bodies with VAPID authorization; the test
 * decrypts them with the browser's keys, as a phone would.
 */
describe('web push', () => {
  let t: TestApp;
  const tls = selfSignedCert();
  const service = new LocalPushService();
  const admin = principals.admin();
  const uor = principals.uor('07');
  const otherUor = principals.uor('09');
  const ADDRESS = 'Vicolo Canarino Segreto 9, La Spezia';
  let facilityId: string;
  let manager: ReturnType<typeof principals.manager>;
  const phones: Record<string, BrowserKeys> = {};
  const dispatch = () => t.app.get(PushDispatcher).dispatchDue();

  beforeAll(async () => {
    await service.start(tls);
    t = await startTestApp({ PUSH_ALLOWED_HOSTS: '127.0.0.1', PUSH_BACKOFF_BASE_SECONDS: '10' }, undefined, {
      override: (b) =>
        b
          .overrideProvider(PUSH_SENDER)
          .useFactory({ factory: (v: VapidKeys) => new WebPushSender(v, new Agent({ ca: tls.cert })), inject: [VAPID] }),
    });
    facilityId = (
      await t
        .http()
        .post('/api/v1/facilities')
        .set(bearer(t.token(admin)))
        .send(aFacility({ provinceCode: 'SP', secretAddress: true, address: ADDRESS, places: [{ kind: 'adult', total: 20 }] }))
    ).body.id;
    manager = principals.manager(facilityId);
  });
  afterAll(async () => {
    await t.close();
    await service.stop();
  });

  const subscribe = async (who: Parameters<TestApp['token']>[0], phone: string) => {
    phones[phone] = new BrowserKeys();
    const res = await t
      .http()
      .post('/api/v1/push-subscriptions')
      .set(bearer(t.token(who)))
      .send({ endpoint: `${service.origin}/push/${phone}`, keys: phones[phone].keys, expirationTime: null });
    expect(res.status).toBe(201);
    return res.body.id as string;
  };
  const opened = async () => {
    const req = (
      await t
        .http()
        .post('/api/v1/placement-requests')
        .set(bearer(t.token(uor)))
        .send(aRequest({ note: 'Canarino: nota riservata' } as never))
    ).body as { id: string; caseCode: string };
    const proposal = (
      await t
        .http()
        .post(`/api/v1/placement-requests/${req.id}/proposals`)
        .set(bearer(t.token(uor)))
        .send({ facilityId })
    ).body as { id: string };
    return { req, proposal };
  };
  const read = (phone: string) =>
    service.accepted(`/push/${phone}`).map((r) => JSON.parse(phones[phone].decrypt(r.body)) as Record<string, string>);

  it('gives the VAPID public key the pages subscribe with', async () => {
    const res = await t
      .http()
      .get('/api/v1/push/key')
      .set(bearer(t.token(manager)));
    expect(res.status).toBe(200);
    expect(Buffer.from(res.body.publicKey, 'base64url')).toHaveLength(65);
  });

  it('refuses endpoints that are not push services, and malformed keys', async () => {
    const keys = new BrowserKeys().keys;
    const send = (body: object) =>
      t
        .http()
        .post('/api/v1/push-subscriptions')
        .set(bearer(t.token(manager)))
        .send(body);
    expect((await send({ endpoint: 'https://intranet.example.org/admin', keys })).body.code).toBe('push_endpoint_not_allowed');
    expect((await send({ endpoint: `${service.origin.replace('https', 'http')}/push/x`, keys })).status).toBe(400);
    expect((await send({ endpoint: `${service.origin}/push/x`, keys: { ...keys, auth: 'short' } })).status).toBe(400);
    expect(
      (await send({ endpoint: `${service.origin}/push/x`, keys: { ...keys, p256dh: Buffer.alloc(65).toString('base64url').slice(2) } }))
        .status,
    ).toBe(400);
  });

  it('tells the manager of a new proposal and the UOR of its acceptance: encrypted, VAPID-signed, a title, a case code and a link only', async () => {
    const key = (
      await t
        .http()
        .get('/api/v1/push/key')
        .set(bearer(t.token(uor)))
    ).body.publicKey as string;
    await subscribe(manager, 'manager');
    await subscribe(uor, 'uor');
    await subscribe(otherUor, 'uor09');
    await subscribe(principals.national(), 'national');

    const { req, proposal } = await opened();
    expect(await dispatch()).toMatchObject({ sent: 1 });
    const [push] = service.accepted('/push/manager');
    expect(push.headers['content-encoding']).toBe('aes128gcm');
    expect(Number(push.headers.ttl)).toBeGreaterThan(0);
    expect(verifyVapid(push.headers.authorization as string, service.origin).publicKey).toBe(key);
    const text = phones.manager.decrypt(push.body);
    expect(JSON.parse(text)).toEqual({
      title: 'Nuova proposta di inserimento',
      caseCode: req.caseCode,
      link: `/#/proposals/${proposal.id}`,
    });
    expect(text).not.toMatch(/Canarino|female|gender|age|address/);
    // the wrong keys cannot read it
    expect(() => new BrowserKeys().decrypt(push.body)).toThrow();

    expect(
      (
        await t
          .http()
          .post(`/api/v1/proposals/${proposal.id}/accept`)
          .set(bearer(t.token(manager)))
      ).status,
    ).toBe(200);
    expect(await dispatch()).toMatchObject({ sent: 1 });
    expect(read('uor')).toEqual([{ title: 'Proposta accettata', caseCode: req.caseCode, link: `/#/requests/${req.id}` }]);
    expect(read('manager')).toHaveLength(1);
    expect(service.received.filter((r) => r.path === '/push/uor09' || r.path === '/push/national')).toEqual([]);
  });

  it('tells the facility of a withdrawal and both sides of an expiry', async () => {
    const before = { manager: read('manager').length, uor: read('uor').length };
    const a = await opened();
    await t
      .http()
      .post(`/api/v1/proposals/${a.proposal.id}/withdraw`)
      .set(bearer(t.token(uor)));
    await dispatch();
    expect(
      read('manager')
        .slice(before.manager)
        .map((p) => p.title),
    ).toEqual(['Nuova proposta di inserimento', 'Proposta ritirata, il posto non è più riservato']);
    expect(read('uor')).toHaveLength(before.uor);

    // an immediate request holds for 6 h: warned 2 h before, then expired; both sides are told
    const b = await opened();
    await dispatch();
    const jobs = t.app.get(JobsService);
    t.clock.advance(4.5 * 3600_000);
    expect(await jobs.warnExpiringHolds()).toBeGreaterThan(0);
    t.clock.advance(2 * 3600_000);
    expect(await jobs.expireHolds()).toBeGreaterThan(0);
    await dispatch();
    const about = (phone: string) => read(phone).filter((p) => p.caseCode === b.req.caseCode);
    expect(about('manager').map((p) => [p.title, p.link])).toEqual([
      ['Nuova proposta di inserimento', `/#/proposals/${b.proposal.id}`],
      ['La riserva del posto sta per scadere', `/#/proposals/${b.proposal.id}`],
      ['Proposta scaduta, il posto non è più riservato', `/#/proposals/${b.proposal.id}`],
    ]);
    expect(about('uor').map((p) => [p.title, p.link])).toEqual([
      ['La riserva del posto sta per scadere', `/#/requests/${b.req.id}`],
      ['Proposta scaduta, il posto non è più riservato', `/#/requests/${b.req.id}`],
    ]);
  });

  it('a subscription the push service answers 410 is deleted, with nothing left to send', async () => {
    const id = await subscribe(manager, 'gone');
    service.answer = (path) => (path === '/push/gone' ? 410 : 201);
    await opened();
    expect(await dispatch()).toMatchObject({ gone: 1 });
    expect(await t.sql(`SELECT 1 FROM push_subscription WHERE id = $1`, [id])).toEqual([]);
    expect(await t.sql(`SELECT 1 FROM push_outbox WHERE subscription_id = $1`, [id])).toEqual([]);
    const del = await t
      .http()
      .delete(`/api/v1/push-subscriptions/${id}`)
      .set(bearer(t.token(manager)));
    expect(del.status).toBe(404);
    service.answer = () => 201;
  });

  it('an outage of the push service loses nothing and sends nothing twice', async () => {
    await dispatch();
    const sentBefore = service.received.filter((r) => r.status < 300).length;
    let down = 503;
    service.answer = () => down;
    const cases = [await opened(), await opened(), await opened()];
    await Promise.all(
      cases.map((c) =>
        t
          .http()
          .post(`/api/v1/proposals/${c.proposal.id}/decline`)
          .set(bearer(t.token(manager)))
          .send({ reason: 'staff_capacity' }),
      ),
    );
    // 3 proposals to the manager, 3 declines to the UOR
    expect(await dispatch()).toMatchObject({ sent: 0, retried: 6 });
    // not due yet: nothing is tried again before its backoff
    expect(await dispatch()).toMatchObject({ sent: 0, retried: 0 });
    down = 429;
    t.clock.advance(15_000);
    expect(await dispatch()).toMatchObject({ sent: 0, retried: 6 });
    service.answer = () => 201;
    t.clock.advance(60_000);
    expect(await dispatch()).toMatchObject({ sent: 6, retried: 0 });
    t.clock.advance(3600_000);
    expect(await dispatch()).toMatchObject({ sent: 0, retried: 0, failed: 0 });

    const delivered = service.received.filter((r) => r.status < 300).slice(sentBefore);
    expect(delivered).toHaveLength(6);
    // each push once: its Topic is its row's id
    expect(new Set(delivered.map((r) => r.headers.topic)).size).toBe(6);
    const uorTitles = delivered
      .filter((r) => r.path === '/push/uor')
      .map((r) => JSON.parse(phones.uor.decrypt(r.body)) as Record<string, string>);
    expect(uorTitles.map((p) => p.caseCode).sort()).toEqual(cases.map((c) => c.req.caseCode).sort());
    expect(await t.sql(`SELECT status, count(*)::int AS n FROM push_outbox GROUP BY status`)).toEqual([
      { status: 'sent', n: expect.any(Number) },
    ]);
  });

  it('a subscription is its owner’s: another member cannot remove it', async () => {
    const id = await subscribe(uor, 'mine');
    expect(
      (
        await t
          .http()
          .delete(`/api/v1/push-subscriptions/${id}`)
          .set(bearer(t.token(otherUor)))
      ).status,
    ).toBe(404);
    expect(
      (
        await t
          .http()
          .delete(`/api/v1/push-subscriptions/${id}`)
          .set(bearer(t.token(uor)))
      ).status,
    ).toBe(200);
  });
});
