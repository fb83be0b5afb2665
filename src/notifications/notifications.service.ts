import { randomUUID } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { CLOCK, type Clock } from '../common/clock.js';
import { APP_CONFIG, type AppConfig } from '../config/app-config.js';
import type { SqlPart } from '../database/sql-parts.js';
import type { Tx } from '../database/transactions.repository.js';
import { OutboxRepository } from './outbox.repository.js';
import { type Invitation, type NotificationEvent, render } from './templates.js';

export interface Notice {
  event: NotificationEvent;
  /** recipients without an address are skipped: there is nobody to tell */
  to: (string | null | undefined)[];
  /** a case code, or "struttura" for availability notices */
  reference: string;
  /** path under the public base URL */
  path: string;
  /** an invitation: who invited her, as what, where */
  invitation?: Invitation;
}

/** Writes notices to the outbox inside the caller's transaction; nothing is sent here. */
@Injectable()
export class NotificationsService {
  constructor(
    private readonly outbox: OutboxRepository,
    @Inject(CLOCK) private readonly clock: Clock,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  async notify(tx: Tx, n: Notice): Promise<void> {
    await this.outbox.enqueue(tx, this.rows(n), this.clock.now());
  }

  /** `notify` as a part of the caller's one write statement (null: nobody to tell). */
  part(...notices: Notice[]): SqlPart | null {
    return this.outbox.enqueuePart(
      notices.flatMap((n) => this.rows(n)),
      this.clock.now(),
    );
  }

  private rows(n: Notice) {
    const mail = render(n.event, n.reference, `${this.config.publicBaseUrl}${n.path}`, n.invitation);
    const recipients = [...new Set(n.to.filter((x): x is string => !!x))];
    return recipients.map((recipient) => ({
      id: randomUUID(),
      event: n.event,
      recipient,
      subject: mail.subject,
      bodyText: mail.text,
      bodyHtml: mail.html,
    }));
  }
}
