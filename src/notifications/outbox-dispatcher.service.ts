import { Inject, Injectable, Logger } from '@nestjs/common';
import { CLOCK, type Clock } from '../common/clock.js';
import { APP_CONFIG, type AppConfig } from '../config/app-config.js';
import { MAIL_TRANSPORT, type MailTransport } from './mail-transport.js';
import { OutboxRepository, type OutboxRow } from './outbox.repository.js';

const SEND_CONCURRENCY = 4;

/** Sends due outbox messages; failures come back with exponential backoff, then stop as `failed`. */
@Injectable()
export class OutboxDispatcher {
  private readonly logger = new Logger('Outbox');

  constructor(
    private readonly outbox: OutboxRepository,
    @Inject(MAIL_TRANSPORT) private readonly transport: MailTransport,
    @Inject(CLOCK) private readonly clock: Clock,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  /** One pass; returns how many messages were sent. */
  async dispatchDue(limit = 50): Promise<{ sent: number; retried: number; failed: number }> {
    const { leaseSeconds, maxAttempts, backoffBaseSeconds, from } = this.config.mail;
    const now = this.clock.now();
    const batch = await this.outbox.claimDue(now, new Date(now.getTime() + leaseSeconds * 1000), limit);
    const result = { sent: 0, retried: 0, failed: 0 };
    // a few SMTP sessions at once: each message is independent, its row claimed by this pass alone
    for (let i = 0; i < batch.length; i += SEND_CONCURRENCY) {
      const outcomes = await Promise.all(
        batch.slice(i, i + SEND_CONCURRENCY).map((m) => this.deliver(m, from, maxAttempts, backoffBaseSeconds)),
      );
      for (const o of outcomes) result[o]++;
    }
    return result;
  }

  private async deliver(
    m: OutboxRow,
    from: string,
    maxAttempts: number,
    backoffBaseSeconds: number,
  ): Promise<'sent' | 'retried' | 'failed'> {
    try {
      await this.transport.send({
        messageId: `<${m.id}@approdo>`,
        from,
        to: m.recipient,
        subject: m.subject,
        text: m.bodyText,
        html: m.bodyHtml,
      });
      await this.outbox.markSent(m.id, this.clock.now());
      // ids only: never a subject, recipient or body in the logs
      this.logger.log(`sent ${m.id} (${m.event})`);
      return 'sent';
    } catch (e) {
      const reason = (e as { responseCode?: number }).responseCode?.toString() ?? (e as { code?: string }).code ?? 'error';
      if (m.attempts >= maxAttempts) {
        await this.outbox.markFailed(m.id, reason);
        this.logger.warn(`gave up on ${m.id} after ${m.attempts} attempts (${reason})`);
        return 'failed';
      }
      await this.outbox.markRetry(m.id, new Date(this.clock.now().getTime() + backoffBaseSeconds * 2 ** (m.attempts - 1) * 1000), reason);
      return 'retried';
    }
  }
}
