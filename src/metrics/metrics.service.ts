import { createHash, timingSafeEqual } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { notFound, unauthenticated } from '../domain/errors.js';
import { APP_CONFIG, type AppConfig } from '../config/app-config.js';
import { OutboxAdminService } from '../notifications/outbox-admin.service.js';
import { PROPOSAL_STATUSES } from '../lifecycle/proposals/proposal.entity.js';
import { gauges, registry } from '../common/metrics.js';
import { MetricsRepository } from './metrics.repository.js';

const digest = (s: string) => createHash('sha256').update(s).digest();

/** Constant-time: both sides are hashed to the same length first. */
export function tokenMatches(header: string | undefined, token: string): boolean {
  const m = /^Bearer (\S+)$/.exec(header ?? '');
  return !!m && timingSafeEqual(digest(m[1]), digest(token));
}

@Injectable()
export class MetricsService {
  constructor(
    private readonly repo: MetricsRepository,
    private readonly outbox: OutboxAdminService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  /** 404 when METRICS_TOKEN is unset (the endpoint does not exist), 401 without the token. */
  authorize(authorization: string | undefined): void {
    if (!this.config.metricsToken) throw notFound('route');
    if (!tokenMatches(authorization, this.config.metricsToken)) throw unauthenticated('the metrics token is required');
  }

  async scrape(): Promise<{ contentType: string; body: string }> {
    const [counts, backlog] = await Promise.all([this.repo.counts(), this.outbox.backlog()]);
    gauges.proposals.reset();
    for (const s of PROPOSAL_STATUSES) gauges.proposals.set({ status: s }, counts.proposals[s] ?? 0);
    gauges.holdsLive.set(counts.holdsLive);
    gauges.holdsReleased.reset();
    for (const [reason, n] of Object.entries(counts.holdsReleased)) gauges.holdsReleased.set({ reason }, n);
    gauges.outboxBacklog.set({ status: 'pending' }, backlog.pending);
    gauges.outboxBacklog.set({ status: 'failed' }, backlog.failed);
    gauges.outboxOldestAge.set(backlog.oldestPendingSeconds ?? 0);
    const pool = this.repo.pool();
    if (pool) {
      gauges.poolConnections.set({ state: 'in_use' }, pool.total - pool.idle);
      gauges.poolConnections.set({ state: 'idle' }, pool.idle);
      gauges.poolWaiting.set(pool.waiting);
    }
    return { contentType: registry.contentType, body: await registry.metrics() };
  }
}
