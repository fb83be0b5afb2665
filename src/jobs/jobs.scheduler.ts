import { Injectable, Logger } from '@nestjs/common';
import { Interval } from '@nestjs/schedule';
import { JobsService } from './jobs.service.js';

const SECOND = 1000;
const MINUTE = 60 * SECOND;

/** Timers only; every occurrence runs once across instances (JobsService.once). */
@Injectable()
export class JobsScheduler {
  private readonly logger = new Logger('Scheduler');

  constructor(private readonly jobs: JobsService) {}

  @Interval('outbox-dispatch', 10 * SECOND)
  dispatch() {
    return this.guard('outbox-dispatch', 10 * SECOND, () => this.jobs.dispatchOutbox());
  }

  // phones at night: pushes go out within seconds of the change
  @Interval('push-dispatch', 5 * SECOND)
  dispatchPush() {
    return this.guard('push-dispatch', 5 * SECOND, () => this.jobs.dispatchPush());
  }

  // reports read the pending deltas too: the fold only keeps what they read short
  @Interval('report-rollup-fold', 10 * SECOND)
  foldReportRollups() {
    return this.guard('report-rollup-fold', 10 * SECOND, () => this.jobs.foldReportRollups());
  }

  @Interval('hold-expiry', MINUTE)
  expire() {
    return this.guard('hold-expiry', MINUTE, () => this.jobs.expireHolds());
  }

  @Interval('hold-expiry-warning', 5 * MINUTE)
  warn() {
    return this.guard('hold-expiry-warning', 5 * MINUTE, () => this.jobs.warnExpiringHolds());
  }

  @Interval('stale-reminders', 15 * MINUTE)
  stale() {
    return this.guard('stale-reminders', 15 * MINUTE, () => this.jobs.remindStale());
  }

  @Interval('retention-purge', 60 * MINUTE)
  purge() {
    return this.guard('retention-purge', 60 * MINUTE, () => this.jobs.purgeExpiredProfiles());
  }

  @Interval('live-events-purge', 60 * MINUTE)
  purgeLiveEvents() {
    return this.guard('live-events-purge', 60 * MINUTE, () => this.jobs.purgeLiveEvents());
  }

  private async guard(job: string, everyMs: number, work: () => Promise<unknown>) {
    try {
      await this.jobs.once(job, everyMs, work);
    } catch (e) {
      // names only: error messages may quote data
      this.logger.error(`${job} failed: ${(e as Error).name}`);
    }
  }
}
