import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { NoPersonalData } from '../../../common/personal-data.js';
import { IsDateString, IsIn, IsInt, IsOptional, IsString, IsUUID, Matches, Max, MaxLength, Min } from 'class-validator';
import { ToInt } from '../../../common/dto-helpers.js';
import { DISCHARGE_REASONS, type DischargeReason } from '../../placements/placement.entity.js';
import { DECLINE_NOTE_MAX, DECLINE_REASONS, type DeclineReason, PROPOSAL_STATUSES, type ProposalStatus } from '../proposal.entity.js';

export class CreateProposalDto {
  @ApiProperty({ format: 'uuid', example: '3f0c1e9a-8a53-4f63-9a8e-0d1c2b3a4f5e' }) @IsUUID() facilityId: string;
}

export class DeclineDto {
  @ApiProperty({ enum: DECLINE_REASONS, example: 'group_composition' }) @IsIn(DECLINE_REASONS) reason: DeclineReason;
  @ApiPropertyOptional({
    example: 'in casa ora ci sono due ragazze della stessa rete di origine',
    maxLength: DECLINE_NOTE_MAX,
    description: 'staff-to-staff, never a profile; never in e-mails or logs',
  })
  @IsOptional()
  @IsString()
  @MaxLength(DECLINE_NOTE_MAX)
  @NoPersonalData()
  note?: string;
}

export class ListProposalsQuery {
  @ApiPropertyOptional({ enum: PROPOSAL_STATUSES }) @IsOptional() @IsIn(PROPOSAL_STATUSES) status?: ProposalStatus;
  @ApiPropertyOptional({ default: 50 }) @IsOptional() @ToInt() @IsInt() @Min(1) @Max(200) limit?: number;
  @ApiPropertyOptional({ default: 0 }) @IsOptional() @ToInt() @IsInt() @Min(0) @Max(100000) offset?: number;
}

export class DischargeDto {
  @ApiProperty({ enum: DISCHARGE_REASONS, example: 'completed' }) @IsIn(DISCHARGE_REASONS) reason: DischargeReason;
  @ApiProperty({
    pattern: /^\d{4}-\d{2}-\d{2}$/.source,
    example: '2026-12-01',
    description: 'the day the person left (Italian calendar day): not in the future, not before the admission',
  })
  @IsDateString({ strict: true })
  @Matches(/^\d{4}-\d{2}-\d{2}$/, { message: 'date must be a calendar day, YYYY-MM-DD' })
  date: string;
  @ApiPropertyOptional({
    pattern: /^([01]\d|2[0-3]):[0-5]\d$/.source,
    example: '14:05',
    description: 'the time she left, on the Italian wall clock (default: now): not in the future, not before the admission',
  })
  @IsOptional()
  @Matches(/^([01]\d|2[0-3]):[0-5]\d$/, { message: 'time must be a time of day, HH:MM' })
  time?: string;
}

/** An admission: when she arrived, if not now (recorded after the fact, or confirmed in the page). */
export class AdmitDto {
  @ApiPropertyOptional({
    format: 'date-time',
    example: '2026-12-07T13:05:00.000Z',
    description: 'when she arrived (ISO 8601 with offset; default: now): not in the future, not before the acceptance',
  })
  @IsOptional()
  @IsDateString({ strict: true })
  at?: string;
}
