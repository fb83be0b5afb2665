import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { BatchAssignmentController } from '../batch-assignment/batch-assignment.controller.js';
import { BatchAssignmentService } from '../batch-assignment/batch-assignment.service.js';
import { AvailabilityModule } from '../availability/availability.module.js';
import { IdempotencyRepository } from '../idempotency/idempotency.repository.js';
import { IdempotencyService } from '../idempotency/idempotency.service.js';
import { MatchingModule } from '../matching/matching.module.js';
import { PlacementRequestEntity } from '../placement-requests/placement-request.entity.js';
import { PlacementRequestsController } from '../placement-requests/placement-requests.controller.js';
import { PlacementRequestsRepository } from '../placement-requests/placement-requests.repository.js';
import { PlacementRequestsService } from '../placement-requests/placement-requests.service.js';
import { ProposalDecisionsService } from '../proposals/proposal-decisions.service.js';
import { ProposalEntity } from '../proposals/proposal.entity.js';
import { ProposalsController } from '../proposals/proposals.controller.js';
import { ProposalsRepository } from '../proposals/proposals.repository.js';
import { ProposalsService } from '../proposals/proposals.service.js';
import { PlacementEntity } from './placement.entity.js';
import { PlacementsController } from './placements.controller.js';
import { PlacementsRepository } from './placements.repository.js';
import { PlacementsService } from './placements.service.js';
import { ReportsModule } from '../reports/reports.module.js';

/** Requests, proposals and placements: one lifecycle, one module (they lock each other's rows). */
@Module({
  imports: [TypeOrmModule.forFeature([PlacementRequestEntity, ProposalEntity, PlacementEntity]), AvailabilityModule, MatchingModule, ReportsModule],
  // batch-assignment is declared first so its path wins over placement-requests/:id
  controllers: [BatchAssignmentController, PlacementRequestsController, ProposalsController, PlacementsController],
  providers: [
    PlacementRequestsRepository,
    PlacementRequestsService,
    ProposalsRepository,
    ProposalsService,
    ProposalDecisionsService,
    PlacementsRepository,
    PlacementsService,
    IdempotencyRepository,
    IdempotencyService,
    BatchAssignmentService,
  ],
  exports: [ProposalDecisionsService],
})
export class PlacementsModule {}
