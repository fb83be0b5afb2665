import { ApiProperty } from '@nestjs/swagger';
import { PLACE_KINDS } from '../../domain/types.js';
import { DISCHARGE_REASONS } from './placement.entity.js';

export class PlacementDto {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ format: 'uuid' }) requestId: string;
  @ApiProperty({ format: 'uuid' }) proposalId: string;
  @ApiProperty({ format: 'uuid' }) facilityId: string;
  @ApiProperty({ enum: PLACE_KINDS }) placeKind: string;
  @ApiProperty({ enum: ['active', 'discharged'] }) status: string;
  @ApiProperty({ format: 'date-time' }) admittedAt: string;
  @ApiProperty({ type: String, format: 'date-time', nullable: true }) dischargedAt: string | null;
  @ApiProperty({ type: String, format: 'date', nullable: true }) dischargeDate: string | null;
  @ApiProperty({ type: String, enum: DISCHARGE_REASONS, nullable: true }) dischargeReason: string | null;
}
