import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { PersonDto } from '../../../matching/dto/match-profile.dto.js';
import { PLACE_KINDS, PROTECTION_LEVELS, STAGES } from '../../../domain/types.js';
import { DECLINE_REASONS, PROPOSAL_STATUSES, WITHDRAWN_REASONS } from '../proposal.entity.js';

/** What the facility sees of the case to decide (no origin, safety or note). */
/** Why the system withdrew a proposal (a proposal's answer and a request's list of proposals say it alike). */
export const WithdrawnReasonProperty = () =>
  ApiProperty({
    type: String,
    enum: WITHDRAWN_REASONS,
    nullable: true,
    description: 'request_changed: the request was edited and the house now fails a hard constraint',
  });

export class CaseForFacilityDto {
  @ApiProperty() caseCode: string;
  @ApiProperty({ type: PersonDto, nullable: true, description: 'null once the profile is erased (retention)' }) person: PersonDto | null;
  @ApiProperty({ enum: PROTECTION_LEVELS }) protectionLevel: string;
  @ApiProperty({ enum: STAGES }) stage: string;
  @ApiProperty() urgency: string;
  @ApiPropertyOptional({
    example: '07',
    description: "once the house accepted: the requesting UOR's region (its on-call number in GET /regions), for the arrival",
  })
  regionCode?: string;
}

export class ProposalDto {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ format: 'uuid' }) requestId: string;
  @ApiProperty({ format: 'uuid' }) facilityId: string;
  @ApiProperty({ enum: PROPOSAL_STATUSES }) status: string;
  @ApiProperty({ enum: PLACE_KINDS }) placeKind: string;
  @ApiProperty({ type: String, format: 'date-time', nullable: true, description: 'while the hold is live' }) holdExpiresAt: string | null;
  @ApiProperty({ format: 'date-time' }) createdAt: string;
  @ApiProperty({ type: String, format: 'date-time', nullable: true }) decidedAt: string | null;
  @ApiProperty({ type: String, enum: DECLINE_REASONS, nullable: true }) declineReason: string | null;
  @ApiPropertyOptional({ type: String, nullable: true, description: 'staff-to-staff, at most 300 characters' }) declineNote?: string | null;
  @WithdrawnReasonProperty() withdrawnReason: string | null;
  @ApiProperty({ type: String, format: 'uuid', nullable: true }) placementId: string | null;
  @ApiPropertyOptional({ type: CaseForFacilityDto, description: 'to the facility opening one proposal (audited)' })
  case?: CaseForFacilityDto;
  @ApiPropertyOptional({ description: 'on creation: true when an Idempotency-Key retry returned the first answer' }) replayed?: boolean;
}

export class ProposalListDto {
  @ApiProperty({ type: [ProposalDto] }) items: ProposalDto[];
}
