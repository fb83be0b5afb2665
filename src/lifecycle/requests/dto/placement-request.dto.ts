import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { NoPersonalData } from '../../../common/personal-data.js';
import { Type } from 'class-transformer';
import { IsIn, IsInt, IsOptional, IsString, IsUUID, Matches, Max, MaxLength, Min, ValidateNested, IsObject } from 'class-validator';
import { OptionalNotNull, ToInt } from '../../../common/dto-helpers.js';
import { MatchProfileDto, PreferencesDto, SafetyDto } from '../../../matching/dto/match-profile.dto.js';
import { PROTECTION_LEVELS, type ProtectionLevel, STAGES, type Stage } from '../../../domain/types.js';
import {
  REFERRAL_CHANNELS,
  type ReferralChannel,
  REQUEST_STATUSES,
  type RequestStatus,
  URGENCIES,
  type Urgency,
} from '../placement-request.entity.js';

export const CASE_CODE = /^[A-Za-z0-9][A-Za-z0-9_./-]{0,39}$/;

export class CreatePlacementRequestDto extends MatchProfileDto {
  @ApiProperty({
    pattern: CASE_CODE.source,
    example: 'LIG-2026-0042',
    description: 'a pseudonym chosen by the UOR: never a name, document or phone number',
  })
  @Matches(CASE_CODE)
  @NoPersonalData()
  caseCode: string;
  @ApiProperty({ enum: URGENCIES, example: 'immediate' }) @IsIn(URGENCIES) urgency: Urgency;
  @ApiPropertyOptional({ enum: REFERRAL_CHANNELS, example: 'helpline', description: 'who referred the person (reports count it)' })
  @IsOptional()
  @IsIn(REFERRAL_CHANNELS)
  referralChannel?: ReferralChannel;
  @ApiPropertyOptional({ example: 'arriva con la mediatrice', description: 'short operator note; never in e-mails or logs' })
  @IsOptional()
  @IsString()
  @MaxLength(500)
  @NoPersonalData()
  note?: string;
  @ApiPropertyOptional({ format: 'uuid', description: 'transfer to the next stage: the placement this request follows' })
  @IsOptional()
  @IsUUID()
  previousPlacementId?: string;
}

/** Constraint changes: audited, and the operator's way out of a 422 constraint_violated. */
export class UpdatePlacementRequestDto {
  @ApiPropertyOptional({ enum: PROTECTION_LEVELS }) @OptionalNotNull() @IsIn(PROTECTION_LEVELS) protectionLevel?: ProtectionLevel;
  @ApiPropertyOptional({ enum: STAGES }) @OptionalNotNull() @IsIn(STAGES) stage?: Stage;
  @ApiPropertyOptional({ type: SafetyDto }) @OptionalNotNull() @IsObject() @ValidateNested() @Type(() => SafetyDto) safety?: SafetyDto;
  @ApiPropertyOptional({ type: PreferencesDto })
  @OptionalNotNull()
  @IsObject()
  @ValidateNested()
  @Type(() => PreferencesDto)
  preferences?: PreferencesDto;
  @ApiPropertyOptional({ enum: URGENCIES }) @OptionalNotNull() @IsIn(URGENCIES) urgency?: Urgency;
  @ApiPropertyOptional({ type: String, nullable: true }) @IsOptional() @IsString() @MaxLength(500) @NoPersonalData() note?: string | null;
}

export class ListRequestsQuery {
  @ApiPropertyOptional({ enum: REQUEST_STATUSES }) @IsOptional() @IsIn(REQUEST_STATUSES) status?: RequestStatus;
  @ApiPropertyOptional({ default: 50 }) @IsOptional() @ToInt() @IsInt() @Min(1) @Max(200) limit?: number;
  @ApiPropertyOptional({ default: 0 }) @IsOptional() @ToInt() @IsInt() @Min(0) @Max(100000) offset?: number;
}

export class CandidatesQuery {
  @ApiPropertyOptional({ default: 20 }) @IsOptional() @ToInt() @IsInt() @Min(1) @Max(200) limit?: number;
}
