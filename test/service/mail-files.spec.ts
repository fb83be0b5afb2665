import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Transactions } from '../../src/database/transactions.repository.js';
import { NotificationsService } from '../../src/notifications/notifications.service.js';
import { OutboxDispatcher } from '../../src/notifications/outbox-dispatcher.service.js';
import { startTestApp, type TestApp } from '../support/test-app.js';

/** Without SMTP_URL (the embedded default) messages become .eml files a newcomer can open. */
describe('mail as files', () => {
  let t: TestApp;
  const dir = mkdtempSync(join(tmpdir(), 'approdo-mail-'));
  beforeAll(async () => {
    t = await startTestApp({
      MAIL_DIR: dir,
      MAIL_FROM: 'Approdo Test <test@approdo.example.org>',
      PUBLIC_BASE_URL: 'https://approdo.example.org',
    });
  });
  afterAll(() => t.close());

  it('writes one .eml per message, with the configured sender and link base', async () => {
    await t.app
      .get(Transactions)
      .run((tx) =>
        t.app
          .get(NotificationsService)
          .notify(tx, { event: 'proposal_created', to: ['casa@example.org'], reference: 'TOS-2026-0001', path: '/api/v1/proposals/p1' }),
      );
    expect(await t.app.get(OutboxDispatcher).dispatchDue()).toEqual({ sent: 1, retried: 0, failed: 0 });
    const files = readdirSync(dir).filter((f) => f.endsWith('.eml'));
    expect(files).toHaveLength(1);
    const eml = readFileSync(join(dir, files[0]), 'utf8');
    const [row] = await t.sql<{ id: string }>(`SELECT id FROM outbox`);
    expect(eml).toContain(`Message-ID: <${row.id}@approdo>`);
    expect(eml).toContain('From: Approdo Test <test@approdo.example.org>');
    expect(eml).toContain('To: casa@example.org');
    expect(eml).toContain('https://approdo.example.org/api/v1/proposals/p1');
  });
});
