import { Body, Controller, Get, Headers, HttpCode, Param, Patch, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiHeader, ApiOperation, ApiTags } from '@nestjs/swagger';
import { CurrentUser, Roles } from '../auth/auth.decorators.js';
import type { Principal } from '../auth/principal.js';
import { UuidParam } from '../common/id-param.js';
import { CreateProposalDto } from '../proposals/dto/proposal.dto.js';
import { ProposalsService } from '../proposals/proposals.service.js';
import { CandidatesQuery, CreatePlacementRequestDto, ListRequestsQuery, UpdatePlacementRequestDto } from './dto/placement-request.dto.js';
import { PlacementRequestsService } from './placement-requests.service.js';

const IDEMPOTENCY = { name: 'Idempotency-Key', required: false, description: 'a retry with the same key returns the first answer and creates nothing' };

@ApiTags('placement requests')
@ApiBearerAuth()
@Controller('api/v1/placement-requests')
export class PlacementRequestsController {
  constructor(
    private readonly requests: PlacementRequestsService,
    private readonly proposals: ProposalsService,
  ) {}

  @Post()
  @HttpCode(201)
  @Roles('uor')
  @ApiHeader(IDEMPOTENCY)
  @ApiOperation({ summary: 'Open a request for one person (pseudonymous profile only)' })
  create(@CurrentUser() p: Principal, @Body() dto: CreatePlacementRequestDto, @Headers('idempotency-key') key?: string) {
    return this.requests.create(p, dto, key);
  }

  @Get()
  @Roles('uor', 'admin')
  @ApiOperation({ summary: "The region's requests, newest first, without profiles" })
  list(@CurrentUser() p: Principal, @Query() q: ListRequestsQuery) {
    return this.requests.list(p, q);
  }

  @Get(':id')
  @Roles('uor', 'admin')
  @ApiOperation({ summary: 'One request with its proposals (reading the profile is audited)' })
  get(@CurrentUser() p: Principal, @Param('id', UuidParam) id: string) {
    return this.requests.get(p, id);
  }

  @Patch(':id')
  @Roles('uor')
  @ApiOperation({ summary: 'Change constraints (protection, stage, safety, preferences, urgency, note); audited' })
  update(@CurrentUser() p: Principal, @Param('id', UuidParam) id: string, @Body() dto: UpdatePlacementRequestDto) {
    return this.requests.update(p, id, dto);
  }

  @Post(':id/cancel')
  @HttpCode(200)
  @Roles('uor')
  @ApiOperation({ summary: 'Cancel: live proposals are withdrawn and their holds freed' })
  cancel(@CurrentUser() p: Principal, @Param('id', UuidParam) id: string) {
    return this.requests.cancel(p, id);
  }

  @Get(':id/candidates')
  @Roles('uor', 'admin')
  @ApiOperation({ summary: 'Ranked candidates with score breakdown, and excluded facilities counted by reason' })
  candidates(@CurrentUser() p: Principal, @Param('id', UuidParam) id: string, @Query() q: CandidatesQuery) {
    return this.requests.candidates(p, id, q.limit);
  }

  @Post(':id/proposals')
  @HttpCode(201)
  @Roles('uor')
  @ApiHeader(IDEMPOTENCY)
  @ApiOperation({ summary: 'Offer the request to a facility: holds a place; 409 no_free_place, 422 constraint_violated' })
  propose(@CurrentUser() p: Principal, @Param('id', UuidParam) id: string, @Body() dto: CreateProposalDto, @Headers('idempotency-key') key?: string) {
    return this.proposals.propose(p, id, dto.facilityId, key);
  }
}
