import { Inject, Injectable, Logger, type OnApplicationBootstrap } from '@nestjs/common';
import { homeRegion, seesCoarsePlans } from '../../auth/access.js';
import { loadSolver, solveAssignment, type AssignmentResult } from '../../cores/assignment/index.js';
import { exploitationSigns, factsOf } from '../../cores/matching/index.js';
import { AuditService } from '../../audit/audit.service.js';
import type { Principal } from '../../auth/principal.js';
import { invalidInput, conflict, DomainError, notFound } from '../../domain/errors.js';
import { APP_CONFIG, type AppConfig } from '../../config/app-config.js';
import { Transactions } from '../../database/transactions.repository.js';
import { MatchingService } from '../../matching/matching.service.js';
import { PlacementRequestsRepository } from '../requests/placement-requests.repository.js';
import { PlacementRequestsService } from '../requests/placement-requests.service.js';
import { ProposalsService } from '../proposals/proposals.service.js';
import type { BatchAssignmentDto } from './dto/batch-assignment.dto.js';

/**
 * Plans open requests together (most people placed, then best total score) with an exact solver,
 * and optionally applies the plan as proposals in one transaction: all or nothing.
 */
@Injectable()
export class BatchAssignmentService implements OnApplicationBootstrap {
  constructor(
    private readonly requestsRepo: PlacementRequestsRepository,
    private readonly requests: PlacementRequestsService,
    private readonly proposals: ProposalsService,
    private readonly matching: MatchingService,
    private readonly tx: Transactions,
    private readonly audit: AuditService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  /** The first solve of a process pays for loading WebAssembly; do it before the first operator needs it. */
  onApplicationBootstrap(): void {
    if (this.config.nodeEnv !== 'test')
      void loadSolver().catch(() => new Logger('BatchAssignment').warn('the solver could not be preloaded'));
  }

  async plan(p: Principal, dto: BatchAssignmentDto) {
    if (!dto.all && !dto.requestIds)
      throw invalidInput('validation_failed', 'give requestIds, or all: true', {
        fields: [{ field: 'requestIds', problems: ['requestIds or all is required'] }],
      });
    // a UOR plans its region's requests; national and admin plan across regions
    const region = homeRegion(p);
    const open = await this.requestsRepo.findOpen(region, dto.requestIds);
    if (dto.requestIds && open.length !== dto.requestIds.length) {
      const missing = dto.requestIds.filter((id) => !open.some((r) => r.id === id));
      throw notFound(`open placement request (${missing.length} of the ids are not open requests in your scope)`);
    }
    const tags = await this.matching.conflictTags(null, null);
    const facilities = await this.matching.loadSnapshots(undefined, (id) => tags.get(id) ?? []);
    const requests = await Promise.all(
      open.map(async (r) => ({ id: r.id, arrival: r.createdAt.getTime(), match: await this.requests.toMatchLive(r) })),
    );
    const matchOf = new Map(requests.map((r) => [r.id, r.match]));
    const result = await solveAssignment({
      requests,
      facilities,
      weights: this.config.matching.weights,
      timeLimitSeconds: dto.timeLimitSeconds,
    });
    const dryRun = dto.dryRun ?? true;
    if (!dryRun) await this.apply(p, result);
    await this.audit.record(null, p, dryRun ? 'batch.plan' : 'batch.apply', 'placement_request', null, {
      requests: open.length,
      placed: result.objective.placed,
    });
    const byId = new Map(facilities.map((f) => [f.id, f]));
    const coarse = seesCoarsePlans(p);
    return {
      dryRun,
      optimal: result.optimal,
      objective: result.objective,
      greedy: { placed: result.greedy.placed, totalScore: result.greedy.totalScore },
      gain: result.gain,
      plan: result.plan.map((x) => {
        const f = byId.get(x.facilityId)!;
        // national and admin read the plan coarse, like every capacity answer
        return {
          ...x,
          distanceKm: Math.round(x.distanceKm * 10) / 10,
          type: f.type,
          regionCode: f.regionCode,
          provinceCode: f.provinceCode,
          // as the candidates say it: distance from where she was exploited, same-region warning, fallback place
          ...exploitationSigns(factsOf(matchOf.get(x.requestId)!), f, x.placeKind),
          ...(coarse ? {} : { facilityName: f.name }),
        };
      }),
      unplaced: result.unplaced,
      solver: result.solver,
    };
  }

  /** Every planned pair becomes a proposal holding its place, in one transaction; any change since planning rolls all back. */
  private async apply(p: Principal, result: AssignmentResult): Promise<void> {
    try {
      await this.tx.run(async (t) => {
        for (const item of result.plan) {
          const r = await this.requestsRepo.lockById(t, item.requestId);
          if (!r) throw conflict('request_not_open', 'the request is gone');
          try {
            await this.proposals.proposeLocked(t, p, r, item.facilityId, item.placeKind);
          } catch (e) {
            if (e instanceof DomainError) throw new PlanStale(item.requestId, item.facilityId, e.code);
            throw e;
          }
        }
      });
    } catch (e) {
      if (e instanceof PlanStale)
        throw conflict('plan_stale', 'places or requests changed since the plan was computed; nothing was applied, plan again', {
          changed: [{ requestId: e.requestId, facilityId: e.facilityId, code: e.reason }],
        });
      throw e;
    }
  }
}

class PlanStale extends Error {
  constructor(
    readonly requestId: string,
    readonly facilityId: string,
    readonly reason: string,
  ) {
    super('plan_stale');
  }
}
