import { Inject, Injectable, Logger } from '@nestjs/common';
import { staleCutoff } from '../domain/freshness.js';
import { CLOCK, type Clock } from '../common/clock.js';
import { APP_CONFIG, type AppConfig } from '../config/app-config.js';
import { Transactions } from '../database/transactions.repository.js';
import { NotificationsService } from '../notifications/notifications.service.js';
import { OutboxDispatcher } from '../notifications/outbox-dispatcher.service.js';
import { RecipientsRepository } from '../notifications/recipients.repository.js';
import { pagePath } from '../notifications/templates.js';
import { ProposalDecisionsService } from '../lifecycle/proposals/proposal-decisions.service.js';
import { metrics } from '../common/metrics.js';
import { JobRunsRepository } from './job-runs.repository.js';
import { EventsService } from '../events/events.service.js';
import { PushDispatcher } from '../push/push-dispatcher.service.js';
import { RemindersRepository } from './reminders.repository.js';
import { RollupFoldRepository } from '../reports/rollup-fold.repository.js';

const HOUR = 3_600_000;

/** What each scheduled job does, callable directly (tests drive time with the injected clock). */
@Injectable()
export class JobsService {
  private readonly logger = new Logger('Jobs');

  constructor(
    private readonly runs: JobRunsRepository,
    private readonly reminders: RemindersRepository,
    private readonly recipients: RecipientsRepository,
    private readonly notifications: NotificationsService,
    private readonly dispatcher: OutboxDispatcher,
    private readonly proposals: ProposalDecisionsService,
    private readonly tx: Transactions,
    private readonly events: EventsService,
    private readonly push: PushDispatcher,
    private readonly rollups: RollupFoldRepository,
    @Inject(CLOCK) private readonly clock: Clock,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  /** Runs `work` for this occurrence (a slot of `everyMs`) unless another instance already did. */
  async once(job: string, everyMs: number, work: () => Promise<unknown>): Promise<boolean> {
    const now = this.clock.now();
    if (!(await this.runs.claim(job, String(Math.floor(now.getTime() / everyMs)), now))) return false;
    try {
      await work();
    } catch (e) {
      metrics.jobRun(job, 'failed');
      throw e;
    }
    metrics.jobRun(job, 'ok');
    return true;
  }

  dispatchOutbox() {
    return this.dispatcher.dispatchDue();
  }

  /** Web pushes queued by the proposal trigger (issue 22). */
  dispatchPush() {
    return this.push.dispatchDue();
  }

  /** The report roll-ups' pending deltas into their rows (reports are exact either way; this keeps their reads short). */
  foldReportRollups(): Promise<number> {
    return this.rollups.fold();
  }

  expireHolds() {
    return this.proposals.expireDue();
  }

  /** Stale availability: remind the facility; still stale after the second threshold: tell the region's UOR. */
  async remindStale(): Promise<{ reminded: number; escalated: number }> {
    const now = this.clock.now();
    return this.tx.run(async (t) => {
      const stale = await this.reminders.staleToRemind(t, staleCutoff(now, this.config.staleAfterHours), 200);
      for (const f of stale) {
        await this.notifications.notify(t, {
          event: 'availability_stale',
          to: [f.email],
          reference: 'struttura',
          path: pagePath.facility(f.id),
        });
        await this.reminders.markReminded(t, f.id, now);
      }
      const late = await this.reminders.staleToEscalate(t, staleCutoff(now, this.config.staleEscalateAfterHours), 200);
      for (const f of late) {
        await this.notifications.notify(t, {
          event: 'availability_stale_escalation',
          to: [f.email],
          reference: 'struttura',
          path: pagePath.facility(f.id),
        });
        await this.reminders.markEscalated(t, f.id, now);
      }
      return { reminded: stale.length, escalated: late.length };
    });
  }

  /** Holds about to expire: both the facility and the requesting UOR are told, once. */
  async warnExpiringHolds(): Promise<number> {
    const now = this.clock.now();
    return this.tx.run(async (t) => {
      const soon = await this.reminders.holdsExpiringSoon(t, now, new Date(now.getTime() + this.config.holdExpiryWarningHours * HOUR), 200);
      for (const p of soon) {
        const request = await this.recipients.requestContact(t, p.requestId);
        const facility = await this.recipients.facilityContact(t, p.facilityId);
        await this.notifications.notify(t, {
          event: 'hold_expiring',
          to: [facility, request?.email],
          reference: request?.caseCode ?? 'proposta',
          path: pagePath.proposal(p.id),
        });
        await this.reminders.markWarned(t, p.id, now);
      }
      return soon.length;
    });
  }

  /** Retention: erase profiles of requests closed longer than RETENTION_DAYS; counts stay. */
  async purgeExpiredProfiles(): Promise<number> {
    const now = this.clock.now();
    const n = await this.tx.run((t) => this.reminders.purgeClosed(t, new Date(now.getTime() - this.config.retentionDays * 24 * HOUR), now));
    await this.runs.forget(new Date(now.getTime() - 7 * 24 * HOUR));
    if (n) this.logger.log(`purged ${n} profiles`);
    return n;
  }

  /** The live event log keeps EVENTS_RETENTION_HOURS; a reconnect from before that gets `reset`. */
  purgeLiveEvents(): Promise<number> {
    return this.events.purge();
  }
}
