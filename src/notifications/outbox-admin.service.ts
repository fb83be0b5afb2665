import { Inject, Injectable } from '@nestjs/common';
import { CLOCK, type Clock } from '../common/clock.js';
import { conflict, notFound } from '../domain/errors.js';
import { OutboxRepository } from './outbox.repository.js';

@Injectable()
export class OutboxAdminService {
  constructor(
    private readonly outbox: OutboxRepository,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  async list(status: string | undefined, limit: number) {
    const rows = await this.outbox.list(status, limit);
    return {
      items: rows.map((r) => ({
        id: r.id,
        event: r.event,
        recipient: r.recipient,
        status: r.status,
        attempts: r.attempts,
        nextAttemptAt: r.nextAttemptAt.toISOString(),
        lastError: r.lastError,
        createdAt: r.createdAt.toISOString(),
        sentAt: r.sentAt?.toISOString() ?? null,
      })),
    };
  }

  async retry(id: string) {
    if (!(await this.outbox.requeue(id, this.clock.now()))) {
      if (!(await this.outbox.exists(id))) throw notFound('message');
      throw conflict('not_failed', 'only a failed message can be retried');
    }
    return { id, status: 'pending' };
  }

  backlog() {
    return this.outbox.backlog(this.clock.now());
  }
}
