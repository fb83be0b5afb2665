import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { BreakdownItemDto, ExcludedCountDto, ExploitationSignsDto } from '../../../matching/dto/search.response.js';
import { OriginDto, PersonDto, PreferencesDto, SafetyDto } from '../../../matching/dto/match-profile.dto.js';
import { FACILITY_TYPES, PLACE_KINDS, PROTECTION_LEVELS, STAGES } from '../../../domain/types.js';
import { WithdrawnReasonProperty } from '../../proposals/dto/proposal.response.js';
import { PROPOSAL_STATUSES } from '../../proposals/proposal.entity.js';
import { REFERRAL_CHANNELS, REQUEST_STATUSES, URGENCIES } from '../placement-request.entity.js';

export class RequestProposalDto {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ format: 'uuid' }) facilityId: string;
  @ApiProperty({ enum: PROPOSAL_STATUSES }) status: string;
  @ApiProperty({ enum: PLACE_KINDS }) placeKind: string;
  @ApiProperty({ type: String, format: 'date-time', nullable: true }) holdExpiresAt: string | null;
  @ApiProperty({ type: String, format: 'uuid', nullable: true }) placementId: string | null;
  @WithdrawnReasonProperty() withdrawnReason: string | null;
}

/** A proposal an edit withdrew: its house now fails these hard constraints (PATCH answer only). */
export class WithdrawnProposalDto {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ format: 'uuid' }) facilityId: string;
  @ApiProperty({ enum: ['pending', 'accepted'], description: 'its status before the edit' }) was: string;
  @ApiProperty({ enum: ['request_changed'] }) reason: string;
  @ApiProperty({ type: [String], example: ['conflict'], description: 'the hard constraints the house now fails' }) reasons: string[];
}

export class PlacementRequestDto {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty() caseCode: string;
  @ApiProperty({ enum: REQUEST_STATUSES }) status: string;
  @ApiProperty() regionCode: string;
  @ApiProperty({ type: PersonDto, nullable: true, description: 'null once erased (retention)' }) person: PersonDto | null;
  @ApiProperty() purged: boolean;
  @ApiProperty({ enum: PROTECTION_LEVELS }) protectionLevel: string;
  @ApiProperty({ enum: STAGES }) stage: string;
  @ApiProperty({ type: OriginDto }) origin: OriginDto;
  @ApiProperty({ type: SafetyDto }) safety: SafetyDto;
  @ApiProperty({ type: PreferencesDto }) preferences: PreferencesDto;
  @ApiProperty({ enum: URGENCIES }) urgency: string;
  @ApiPropertyOptional({ type: String, enum: REFERRAL_CHANNELS, nullable: true }) referralChannel?: string | null;
  @ApiProperty({ type: String, nullable: true }) note: string | null;
  @ApiProperty({ type: String, format: 'uuid', nullable: true }) previousPlacementId: string | null;
  @ApiProperty({ format: 'date-time' }) createdAt: string;
  @ApiProperty({ format: 'date-time' }) updatedAt: string;
  @ApiProperty({ type: String, format: 'date-time', nullable: true }) closedAt: string | null;
  @ApiProperty({
    type: String,
    format: 'uuid',
    nullable: true,
    description: 'the proposal a house accepted: the request is "accepted, waiting for arrival" while its status is still proposed',
  })
  acceptedProposalId: string | null;
  @ApiProperty({ type: [RequestProposalDto] }) proposals: RequestProposalDto[];
  @ApiPropertyOptional({
    type: [WithdrawnProposalDto],
    description: 'PATCH only: the live proposals this edit withdrew (holds freed) because their house now fails a hard constraint',
  })
  withdrawnProposals?: WithdrawnProposalDto[];
  @ApiPropertyOptional({ description: 'on creation: true when an Idempotency-Key retry returned the first answer' }) replayed?: boolean;
}

export class PlacementRequestSummaryDto {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty() caseCode: string;
  @ApiProperty({ enum: REQUEST_STATUSES }) status: string;
  @ApiProperty({ enum: URGENCIES }) urgency: string;
  @ApiProperty({ enum: STAGES }) stage: string;
  @ApiProperty({ type: String, format: 'uuid', nullable: true, description: 'a transfer: the placement it follows' })
  previousPlacementId: string | null;
  @ApiProperty({
    type: String,
    format: 'uuid',
    nullable: true,
    description: 'the proposal a house accepted: the request is "accepted, waiting for arrival" while its status is still proposed',
  })
  acceptedProposalId: string | null;
  @ApiProperty({ format: 'date-time' }) createdAt: string;
}

export class PlacementRequestListDto {
  @ApiProperty({ type: [PlacementRequestSummaryDto] }) items: PlacementRequestSummaryDto[];
}

export class CandidateDto extends ExploitationSignsDto {
  @ApiProperty({ format: 'uuid' }) facilityId: string;
  @ApiProperty() facilityName: string;
  @ApiProperty({ enum: FACILITY_TYPES }) type: string;
  @ApiProperty() regionCode: string;
  @ApiProperty() provinceCode: string;
  @ApiProperty({ enum: PLACE_KINDS }) placeKind: string;
  @ApiProperty() distanceKm: number;
  @ApiProperty({ enum: ['fresh', 'stale', 'unknown'] }) freshness: string;
  @ApiProperty({ description: 'out of 100' }) score: number;
  @ApiProperty({ type: [BreakdownItemDto] }) breakdown: BreakdownItemDto[];
}

export class CandidatesDto {
  @ApiProperty({ format: 'uuid' }) requestId: string;
  @ApiProperty({ type: [CandidateDto] }) candidates: CandidateDto[];
  @ApiProperty({
    type: [ExcludedCountDto],
    description: 'facilities left out, counted by reason, with the houses the caller may see named',
  })
  excluded: ExcludedCountDto[];
}
