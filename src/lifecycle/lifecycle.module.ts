import { Module } from '@nestjs/common';
import { NotificationsModule } from '../notifications/notifications.module.js';
import { AuditModule } from '../audit/audit.module.js';
import { TypeOrmModule } from '@nestjs/typeorm';
import { BatchAssignmentController } from './batch/batch-assignment.controller.js';
import { BatchAssignmentService } from './batch/batch-assignment.service.js';
import { AvailabilityModule } from '../availability/availability.module.js';
import { MatchingModule } from '../matching/matching.module.js';
import { PlacementRequestEntity } from './requests/placement-request.entity.js';
import { PlacementRequestsController } from './requests/placement-requests.controller.js';
import { ConflictTagsController } from './requests/conflict-tags.controller.js';
import { PlacementRequestsRepository } from './requests/placement-requests.repository.js';
import { PlacementRequestsService } from './requests/placement-requests.service.js';
import { ProposalDecisionsService } from './proposals/proposal-decisions.service.js';
import { ProposalEntity } from './proposals/proposal.entity.js';
import { ProposalsController } from './proposals/proposals.controller.js';
import { ProposalsRepository } from './proposals/proposals.repository.js';
import { ProposalsService } from './proposals/proposals.service.js';
import { PlacementEntity } from './placements/placement.entity.js';
import { PlacementsController } from './placements/placements.controller.js';
import { PlacementsRepository } from './placements/placements.repository.js';
import { PlacementsService } from './placements/placements.service.js';
import { ReportsModule } from '../reports/reports.module.js';

/**
 * The placement lifecycle: requests, proposals, placements and batch assignment (Idempotency-Key: src/common).
 * One module, one folder: they lock each other's rows in one transaction, so they are not split.
 */
@Module({
  imports: [
    NotificationsModule,
    AuditModule,
    TypeOrmModule.forFeature([PlacementRequestEntity, ProposalEntity, PlacementEntity]),
    AvailabilityModule,
    MatchingModule,
    ReportsModule,
  ],
  // Fastify's router prefers the static /placement-requests/batch-assignment to /placement-requests/:id, whatever the order
  controllers: [PlacementRequestsController, BatchAssignmentController, ProposalsController, PlacementsController, ConflictTagsController],
  providers: [
    PlacementRequestsRepository,
    PlacementRequestsService,
    ProposalsRepository,
    ProposalsService,
    ProposalDecisionsService,
    PlacementsRepository,
    PlacementsService,
    BatchAssignmentService,
  ],
  exports: [ProposalDecisionsService],
})
export class LifecycleModule {}
