import { Body, Controller, Get, HttpCode, Param, Patch, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { ApiErrors } from '../../common/openapi.js';
import { ProposalDto } from '../proposals/dto/proposal.response.js';
import { CandidatesDto, PlacementRequestDto, PlacementRequestListDto } from './dto/placement-request.response.js';
import { CurrentUser, Roles } from '../../auth/auth.decorators.js';
import type { Principal } from '../../auth/principal.js';
import { UuidParam } from '../../common/id-param.js';
import { ApiIdempotencyKey, IdempotencyKey } from '../../common/openapi.js';
import { CreateProposalDto } from '../proposals/dto/proposal.dto.js';
import { ProposalsService } from '../proposals/proposals.service.js';
import { CandidatesQuery, CreatePlacementRequestDto, ListRequestsQuery, UpdatePlacementRequestDto } from './dto/placement-request.dto.js';
import { PlacementRequestsService } from './placement-requests.service.js';

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
  @ApiIdempotencyKey()
  @ApiOperation({ summary: 'Open a request for one person (pseudonymous profile only)' })
  @ApiCreatedResponse({ type: PlacementRequestDto })
  @ApiErrors({
    400: ['invalid_idempotency_key'],
    409: ['case_code_in_use'],
    422: ['unknown_province', 'unknown_region', 'unknown_placement', 'idempotency_key_reused'],
  })
  create(@CurrentUser() p: Principal, @Body() dto: CreatePlacementRequestDto, @IdempotencyKey() key?: string) {
    return this.requests.create(p, dto, key);
  }

  @Get()
  @Roles('uor', 'admin')
  @ApiOperation({ summary: "The region's requests, newest first, without profiles" })
  @ApiOkResponse({ type: PlacementRequestListDto })
  list(@CurrentUser() p: Principal, @Query() q: ListRequestsQuery) {
    return this.requests.list(p, q);
  }

  @Get(':id')
  @Roles('uor', 'admin')
  @ApiOperation({ summary: 'One request with its proposals (reading the profile is audited)' })
  @ApiOkResponse({ type: PlacementRequestDto })
  get(@CurrentUser() p: Principal, @Param('id', UuidParam) id: string) {
    return this.requests.get(p, id);
  }

  @Patch(':id')
  @Roles('uor')
  @ApiOperation({ summary: 'Change constraints (protection, stage, safety, preferences, urgency, note); audited' })
  @ApiOkResponse({ type: PlacementRequestDto })
  @ApiErrors({ 409: ['request_closed'], 422: ['unknown_province', 'unknown_region'] })
  update(@CurrentUser() p: Principal, @Param('id', UuidParam) id: string, @Body() dto: UpdatePlacementRequestDto) {
    return this.requests.update(p, id, dto);
  }

  @Post(':id/cancel')
  @HttpCode(200)
  @Roles('uor')
  @ApiOperation({ summary: 'Cancel: live proposals are withdrawn and their holds freed' })
  @ApiOkResponse({ type: PlacementRequestDto })
  @ApiErrors({ 409: ['request_not_cancellable'] })
  cancel(@CurrentUser() p: Principal, @Param('id', UuidParam) id: string) {
    return this.requests.cancel(p, id);
  }

  @Get(':id/candidates')
  @Roles('uor', 'admin')
  @ApiOperation({ summary: 'Ranked candidates with score breakdown, and excluded facilities counted by reason' })
  @ApiOkResponse({ type: CandidatesDto })
  @ApiErrors({ 409: ['request_purged'] })
  candidates(@CurrentUser() p: Principal, @Param('id', UuidParam) id: string, @Query() q: CandidatesQuery) {
    return this.requests.candidates(p, id, q.limit);
  }

  @Post(':id/proposals')
  @HttpCode(201)
  @Roles('uor')
  @ApiIdempotencyKey()
  @ApiOperation({ summary: 'Offer the request to a facility: holds a place; 409 no_free_place, 422 constraint_violated' })
  @ApiCreatedResponse({ type: ProposalDto })
  @ApiErrors({
    400: ['invalid_idempotency_key'],
    409: ['no_free_place', 'request_not_open', 'already_proposed', 'already_accepted', 'request_purged'],
    422: ['constraint_violated', 'idempotency_key_reused'],
  })
  propose(@CurrentUser() p: Principal, @Param('id', UuidParam) id: string, @Body() dto: CreateProposalDto, @IdempotencyKey() key?: string) {
    return this.proposals.propose(p, id, dto.facilityId, key);
  }
}
