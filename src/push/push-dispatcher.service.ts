import { Inject, Injectable, Logger, type OnModuleDestroy, type OnModuleInit } from '@nestjs/common';
import { CLOCK, type Clock } from '../common/clock.js';
import { APP_CONFIG, type AppConfig } from '../config/app-config.js';
import { EventHub } from '../events/event-hub.service.js';
import { type NotificationEvent, titleOf } from '../notifications/templates.js';
import { PUSH_SENDER, type PushSender } from './push-sender.js';
import { type DuePush, PushRepository } from './push.repository.js';

const SEND_CONCURRENCY = 8;
/** a proposal answered after half a day is news for the page, not for a phone at night */
const TTL_SECONDS = 12 * 3600;

/** The payload: a title, a case code and the page's link (relative: the service worker opens it on its own origin). Nothing else. */
export function payloadOf(p: Pick<DuePush, 'event' | 'caseCode' | 'path'>): string {
  return JSON.stringify({ title: titleOf(p.event as NotificationEvent), caseCode: p.caseCode, link: p.path });
}

/**
 * Sends due pushes (rows the proposal trigger wrote in the change's transaction). Each row is leased
 * to one sender and marked sent once the push service took it (2xx): a push service outage (5xx,
 * 429, the network) retries it with exponential backoff (or the service's Retry-After), none is
 * lost; the Topic header (the row id) makes a push service replace, not repeat, a copy sent again
 * after a crash. 404 and 410 mean the phone unsubscribed: the subscription goes, with its pushes.
 */
@Injectable()
export class PushDispatcher implements OnModuleInit, OnModuleDestroy {
  private readonly logger = new Logger('Push');
  private soon: NodeJS.Timeout | null = null;

  constructor(
    private readonly repo: PushRepository,
    private readonly hub: EventHub,
    @Inject(PUSH_SENDER) private readonly sender: PushSender | null,
    @Inject(CLOCK) private readonly clock: Clock,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  /**
   * With the scheduler on (not in tests, which dispatch by hand): a committed proposal change wakes
   * the dispatcher at once, instead of at the next 5 s tick. Every instance may wake; each row is
   * claimed by one of them.
   */
  onModuleInit(): void {
    if (!this.config.schedulerEnabled || !this.sender) return;
    this.hub.watch((events) => {
      if (this.soon || !events.some((e) => e.type === 'proposal')) return;
      this.soon = setTimeout(() => {
        this.soon = null;
        this.dispatchDue().catch((e: Error) => this.logger.error(`dispatch failed: ${e.name}`));
      }, 50).unref();
    });
  }

  onModuleDestroy(): void {
    if (this.soon) clearTimeout(this.soon);
  }

  async dispatchDue(limit = 100): Promise<{ sent: number; retried: number; failed: number; gone: number }> {
    const result = { sent: 0, retried: 0, failed: 0, gone: 0 };
    if (!this.sender) return result;
    const now = this.clock.now();
    const batch = await this.repo.claimDue(now, new Date(now.getTime() + this.config.push.leaseSeconds * 1000), limit);
    for (let i = 0; i < batch.length; i += SEND_CONCURRENCY)
      for (const o of await Promise.all(batch.slice(i, i + SEND_CONCURRENCY).map((p) => this.deliver(p)))) result[o]++;
    return result;
  }

  private async deliver(p: DuePush): Promise<'sent' | 'retried' | 'failed' | 'gone'> {
    const outcome = await this.sender!.send({ endpoint: p.endpoint, keys: { p256dh: p.p256dh, auth: p.auth } }, payloadOf(p), {
      topic: p.id.replace(/-/g, ''),
      ttlSeconds: TTL_SECONDS,
      urgency: p.event === 'proposal_created' || p.event === 'hold_expiring' ? 'high' : 'normal',
    });
    // ids and statuses only in the logs: never an endpoint (it identifies a phone) or a payload
    if (outcome.ok) {
      await this.repo.markSent(p.id, this.clock.now());
      return 'sent';
    }
    if (outcome.status === 404 || outcome.status === 410) {
      await this.repo.deleteGone(p.subscriptionId);
      this.logger.log(`subscription ${p.subscriptionId} is gone (${outcome.status}); removed`);
      return 'gone';
    }
    const transient = outcome.status === null || outcome.status === 429 || outcome.status >= 500;
    const { maxAttempts, backoffBaseSeconds } = this.config.push;
    if (!transient || p.attempts >= maxAttempts) {
      await this.repo.markFailed(p.id, outcome.reason);
      this.logger.warn(`gave up on push ${p.id} after ${p.attempts} attempts (${outcome.reason})`);
      return 'failed';
    }
    const wait = Math.max(backoffBaseSeconds * 2 ** (p.attempts - 1), outcome.retryAfterSeconds ?? 0);
    await this.repo.markRetry(p.id, new Date(this.clock.now().getTime() + wait * 1000), outcome.reason);
    return 'retried';
  }
}
