import { Injectable, Logger } from '@nestjs/common';
import { Interval } from '@nestjs/schedule';
import { ProposalDecisionsService } from './proposal-decisions.service.js';

/** Every minute: expire proposals past their hold TTL. Each expiry re-checks under row locks, so
 * instances running it at the same time cannot expire a proposal twice. */
@Injectable()
export class ProposalExpiryJob {
  private readonly logger = new Logger('ProposalExpiryJob');
  private running = false;

  constructor(private readonly decisions: ProposalDecisionsService) {}

  @Interval('proposal-expiry', 60_000)
  async tick(): Promise<void> {
    if (this.running) return;
    this.running = true;
    try {
      await this.decisions.expireDue();
    } catch (e) {
      this.logger.error(`expiry failed: ${(e as Error).name}`);
    } finally {
      this.running = false;
    }
  }
}
