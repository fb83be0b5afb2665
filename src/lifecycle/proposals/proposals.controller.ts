import { Body, Controller, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiBody, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { ApiErrors } from '../../common/openapi.js';
import { ProposalDto, ProposalListDto } from './dto/proposal.response.js';
import { CurrentUser, Roles } from '../../auth/auth.decorators.js';
import type { Principal } from '../../auth/principal.js';
import { UuidParam } from '../../common/id-param.js';
import { AdmitDto, DeclineDto, ListProposalsQuery } from './dto/proposal.dto.js';
import { ProposalDecisionsService } from './proposal-decisions.service.js';
import { ProposalsService } from './proposals.service.js';

@ApiTags('proposals')
@ApiBearerAuth()
@Controller('api/v1/proposals')
export class ProposalsController {
  constructor(
    private readonly proposals: ProposalsService,
    private readonly decisions: ProposalDecisionsService,
  ) {}

  @Get()
  @Roles('shelter_manager', 'uor', 'admin')
  @ApiOperation({ summary: "A manager's inbox (its facilities) or a UOR's sent proposals, without profiles" })
  @ApiOkResponse({ type: ProposalListDto })
  list(@CurrentUser() p: Principal, @Query() q: ListProposalsQuery) {
    return this.proposals.list(p, q);
  }

  @Get(':id')
  @Roles('shelter_manager', 'uor', 'admin')
  @ApiOperation({ summary: 'One proposal; the facility sees the pseudonymous profile needed to decide (audited)' })
  @ApiOkResponse({ type: ProposalDto })
  get(@CurrentUser() p: Principal, @Param('id', UuidParam) id: string) {
    return this.proposals.get(p, id);
  }

  @Post(':id/accept')
  @HttpCode(200)
  @Roles('shelter_manager', 'admin')
  @ApiOperation({ summary: 'Accept: the first acceptance wins; the other pending proposals are withdrawn' })
  @ApiOkResponse({ type: ProposalDto })
  @ApiErrors({ 409: ['proposal_not_pending', 'hold_expired', 'hold_not_live'] })
  accept(@CurrentUser() p: Principal, @Param('id', UuidParam) id: string) {
    return this.decisions.accept(p, id);
  }

  @Post(':id/decline')
  @HttpCode(200)
  @Roles('shelter_manager', 'admin')
  @ApiOperation({ summary: 'Decline with a reason code; frees the hold' })
  @ApiOkResponse({ type: ProposalDto })
  @ApiErrors({ 409: ['proposal_not_pending'] })
  decline(@CurrentUser() p: Principal, @Param('id', UuidParam) id: string, @Body() dto: DeclineDto) {
    return this.decisions.decline(p, id, dto.reason, dto.note);
  }

  @Post(':id/admit')
  @HttpCode(200)
  @Roles('shelter_manager', 'admin')
  @ApiOperation({ summary: 'Admission: the held place becomes occupied and a placement begins' })
  @ApiOkResponse({ type: ProposalDto })
  @ApiErrors({ 409: ['proposal_not_accepted', 'hold_not_live'], 422: ['admission_time_in_future', 'admission_time_before_acceptance'] })
  // the body is optional: without it she arrived now
  @ApiBody({ type: AdmitDto, required: false })
  admit(@CurrentUser() p: Principal, @Param('id', UuidParam) id: string, @Body() dto?: AdmitDto) {
    return this.decisions.admit(p, id, dto?.at);
  }

  @Post(':id/withdraw')
  @HttpCode(200)
  @Roles('uor', 'admin')
  @ApiOperation({ summary: 'Withdraw a pending or accepted proposal; frees the hold' })
  @ApiOkResponse({ type: ProposalDto })
  @ApiErrors({ 409: ['proposal_not_pending_or_accepted'] })
  withdraw(@CurrentUser() p: Principal, @Param('id', UuidParam) id: string) {
    return this.decisions.withdraw(p, id);
  }
}
