import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsDateString, IsIn, IsInt, IsOptional, IsUUID, Max, Min } from 'class-validator';
import { ToInt } from '../../common/dto-helpers.js';
import { DISCHARGE_REASONS, type DischargeReason } from '../../placements/placement.entity.js';
import { DECLINE_REASONS, type DeclineReason, PROPOSAL_STATUSES, type ProposalStatus } from '../proposal.entity.js';

export class CreateProposalDto {
  @ApiProperty({ example: '3f0c1e9a-8a53-4f63-9a8e-0d1c2b3a4f5e' }) @IsUUID() facilityId: string;
}

export class DeclineDto {
  @ApiProperty({ enum: DECLINE_REASONS, example: 'no_capacity' }) @IsIn(DECLINE_REASONS) reason: DeclineReason;
}

export class ListProposalsQuery {
  @ApiPropertyOptional({ enum: PROPOSAL_STATUSES }) @IsOptional() @IsIn(PROPOSAL_STATUSES) status?: ProposalStatus;
  @ApiPropertyOptional({ default: 50 }) @IsOptional() @ToInt() @IsInt() @Min(1) @Max(200) limit?: number;
  @ApiPropertyOptional({ default: 0 }) @IsOptional() @ToInt() @IsInt() @Min(0) @Max(100000) offset?: number;
}

export class DischargeDto {
  @ApiProperty({ enum: DISCHARGE_REASONS, example: 'completed' }) @IsIn(DISCHARGE_REASONS) reason: DischargeReason;
  @ApiProperty({ example: '2026-12-01', description: 'the day the person left' }) @IsDateString({ strict: true }) date: string;
}
