import { randomUUID } from 'node:crypto';
import { Transactions } from '../../src/database/transactions.repository.js';
import { NotificationsService } from '../../src/notifications/notifications.service.js';
import { OutboxDispatcher } from '../../src/notifications/outbox-dispatcher.service.js';
import { aFacility, aRequest, principals } from '../support/factories.js';
import { SmtpPeer } from '../support/smtp-peer.js';
import { bearer, startTestApp, type TestApp } from '../support/test-app.js';

/** Real SMTP on loopback (smtp-server), real PostgreSQL, messages read back with mailparser. */
describe('outbox and dispatcher against a real SMTP server', () => {
  let smtp: SmtpPeer;
  let t: TestApp;
  const uor = principals.uor('07');

  beforeAll(async () => {
    smtp = new SmtpPeer();
    const port = await smtp.start();
    t = await startTestApp({ SMTP_URL: `smtp://127.0.0.1:${port}`, MAIL_BACKOFF_BASE_SECONDS: '0', MAIL_MAX_ATTEMPTS: '50' });
  });
  afterAll(async () => {
    await t?.close();
    await smtp.stop();
  });
  beforeEach(() => {
    smtp.received.length = 0;
    smtp.mode = 'ok';
  });

  const dispatcher = () => t.app.get(OutboxDispatcher);
  const drain = async (maxPasses = 200) => {
    for (let i = 0; i < maxPasses; i++) {
      const r = await dispatcher().dispatchDue(100);
      if (r.sent + r.retried + r.failed === 0) return;
    }
  };

  it('sends exactly one e-mail to the facility for a new proposal, with no profile data', async () => {
    const f = await t
      .http()
      .post('/api/v1/facilities')
      .set(bearer(t.token(principals.admin())))
      .send(
        aFacility({ contactEmail: 'casa.levante@example.org', provinceCode: 'SV', secretAddress: true, address: 'Vicolo Riservato 12' }),
      );
    await t
      .http()
      .post(`/api/v1/facilities/${f.body.id}/availability/confirm`)
      .set(bearer(t.token(principals.admin())));
    const body = aRequest({ caseCode: 'LIG-2026-0777', note: 'nota riservata 4411', person: { languages: ['ti'], age: 29 } });
    const r = await t
      .http()
      .post('/api/v1/placement-requests')
      .set(bearer(t.token(uor)))
      .send(body);
    expect(r.status).toBe(201);
    const p = await t
      .http()
      .post(`/api/v1/placement-requests/${r.body.id}/proposals`)
      .set(bearer(t.token(uor)))
      .send({ facilityId: f.body.id });
    expect(p.status).toBe(201);
    await drain();
    expect(smtp.received).toHaveLength(1);
    const [mail] = smtp.received;
    expect(mail.to).toBe('casa.levante@example.org');
    expect(mail.subject).toContain('LIG-2026-0777');
    expect(mail.text).toContain(`/#/proposals/${p.body.id}`);
    // ids in links are random: take them out before looking for the age
    const content = (mail.text + mail.html).replace(/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/g, '<id>');
    for (const secret of ['nota riservata', 'Vicolo Riservato', '"ti"', 'tigrinya', '29']) expect(content).not.toContain(secret);
    const [row] = await t.sql<{ id: string }>(`SELECT id FROM outbox WHERE status = 'sent' AND recipient = 'casa.levante@example.org'`);
    expect(mail.messageId).toBe(`<${row.id}@approdo>`);
  });

  it('sends nothing when the causing transaction rolls back', async () => {
    const before = (await t.sql<{ n: number }>(`SELECT count(*)::int AS n FROM outbox`))[0].n;
    await expect(
      t.app.get(Transactions).run(async (tx) => {
        await t.app
          .get(NotificationsService)
          .notify(tx, { event: 'proposal_created', to: ['rollback@example.org'], reference: 'X-1', path: '/x' });
        throw new Error('the change failed');
      }),
    ).rejects.toThrow('the change failed');
    await drain();
    expect(smtp.received).toHaveLength(0);
    expect((await t.sql<{ n: number }>(`SELECT count(*)::int AS n FROM outbox`))[0].n).toBe(before);
  });

  it('delivers every one of 240 messages exactly once through refusals, dropped connections and an outage', async () => {
    const notify = (i: number) =>
      t.app
        .get(Transactions)
        .run((tx) =>
          t.app
            .get(NotificationsService)
            .notify(tx, { event: 'proposal_accepted', to: [`uor${i}@example.org`], reference: `C-${i}`, path: `/p/${i}` }),
        );
    const ids: number[] = Array.from({ length: 240 }, (_, i) => i);
    // 80 while the server refuses (451), 80 while it drops connections, 80 while it is down
    smtp.mode = 'refuse';
    for (const i of ids.slice(0, 80)) await notify(i);
    await dispatcher().dispatchDue(100);
    smtp.mode = 'drop';
    for (const i of ids.slice(80, 160)) await notify(i);
    await dispatcher().dispatchDue(100);
    const port = smtp.port;
    await smtp.stop();
    for (const i of ids.slice(160)) await notify(i);
    await dispatcher().dispatchDue(100);
    expect(smtp.received.length).toBe(0);
    const pending = (await t.sql<{ n: number }>(`SELECT count(*)::int AS n FROM outbox WHERE status = 'pending'`))[0].n;
    expect(pending).toBe(240);
    const health = await t.http().get('/health');
    expect(health.body.outbox.pending).toBe(240);

    // recovery
    smtp.mode = 'ok';
    await smtp.start(port);
    await drain();
    expect(smtp.received).toHaveLength(240);
    expect(new Set(smtp.received.map((m) => m.messageId)).size).toBe(240);
    expect(new Set(smtp.received.map((m) => m.to))).toEqual(new Set(ids.map((i) => `uor${i}@example.org`)));
    expect((await t.sql<{ n: number }>(`SELECT count(*)::int AS n FROM outbox WHERE status <> 'sent'`))[0].n).toBe(0);
    expect((await t.http().get('/health')).body.outbox).toEqual({ pending: 0, failed: 0, oldestPendingSeconds: null });
  });
});

describe('outbox retries give up, and admins can requeue', () => {
  let t: TestApp;
  let smtp: SmtpPeer;
  beforeAll(async () => {
    smtp = new SmtpPeer();
    const port = await smtp.start();
    t = await startTestApp({ SMTP_URL: `smtp://127.0.0.1:${port}`, MAIL_BACKOFF_BASE_SECONDS: '60', MAIL_MAX_ATTEMPTS: '3' });
  });
  afterAll(async () => {
    await t?.close();
    await smtp.stop();
  });

  it('backs off exponentially, marks failed after the limit, and retries on request', async () => {
    smtp.mode = 'refuse';
    await t.app
      .get(Transactions)
      .run((tx) =>
        t.app
          .get(NotificationsService)
          .notify(tx, { event: 'proposal_declined', to: ['late@example.org'], reference: 'C-9', path: '/p/9' }),
      );
    const d = t.app.get(OutboxDispatcher);
    expect(await d.dispatchDue()).toEqual({ sent: 0, retried: 1, failed: 0 });
    expect(await d.dispatchDue()).toEqual({ sent: 0, retried: 0, failed: 0 }); // not due yet
    t.clock.advance(60_000);
    expect(await d.dispatchDue()).toEqual({ sent: 0, retried: 1, failed: 0 });
    t.clock.advance(60_000);
    expect(await d.dispatchDue()).toEqual({ sent: 0, retried: 0, failed: 0 }); // second backoff is 120 s
    t.clock.advance(60_000);
    expect(await d.dispatchDue()).toEqual({ sent: 0, retried: 0, failed: 1 });

    const admin = bearer(t.token(principals.admin()));
    const failed = await t.http().get('/api/v1/admin/outbox?status=failed').set(admin);
    expect(failed.status).toBe(200);
    expect(failed.body.items).toHaveLength(1);
    expect(failed.body.items[0]).toMatchObject({ recipient: 'late@example.org', attempts: 3, lastError: '451' });
    expect(failed.body.items[0]).not.toHaveProperty('bodyText');
    expect(
      (
        await t
          .http()
          .get('/api/v1/admin/outbox')
          .set(bearer(t.token(principals.national())))
      ).status,
    ).toBe(403);

    smtp.mode = 'ok';
    const retry = await t.http().post(`/api/v1/admin/outbox/${failed.body.items[0].id}/retry`).set(admin);
    expect(retry.status).toBe(200);
    expect((await t.http().post(`/api/v1/admin/outbox/${failed.body.items[0].id}/retry`).set(admin)).status).toBe(409);
    expect((await t.http().post(`/api/v1/admin/outbox/${randomUUID()}/retry`).set(admin)).status).toBe(404);
    expect(await d.dispatchDue()).toEqual({ sent: 1, retried: 0, failed: 0 });
    expect(smtp.received.map((m) => m.to)).toEqual(['late@example.org']);
  });
});
