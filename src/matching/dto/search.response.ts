import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { FACILITY_TYPES, PLACE_KINDS } from '../../domain/types.js';

export class BreakdownItemDto {
  @ApiProperty({ example: 'language' }) criterion: string;
  @ApiProperty() points: number;
  @ApiProperty() max: number;
  @ApiPropertyOptional() note?: string;
}

export class ExcludedCountDto {
  @ApiProperty({ example: 'protection_too_low' }) reason: string;
  @ApiProperty() count: number;
}

/** A coarse candidate: no name, address or contact. */
export class SearchCandidateDto {
  @ApiProperty({ format: 'uuid' }) facilityId: string;
  @ApiProperty({ enum: PLACE_KINDS }) placeKind: string;
  @ApiProperty() distanceKm: number;
  @ApiProperty({ enum: ['fresh', 'stale', 'unknown'] }) freshness: string;
  @ApiProperty({ description: 'out of 100' }) score: number;
  @ApiProperty({ type: [BreakdownItemDto] }) breakdown: BreakdownItemDto[];
  @ApiProperty({ enum: FACILITY_TYPES }) type: string;
  @ApiProperty() regionCode: string;
  @ApiProperty() provinceCode: string;
}

export class SearchResultDto {
  @ApiProperty({ type: [SearchCandidateDto] }) candidates: SearchCandidateDto[];
  @ApiProperty({ type: [ExcludedCountDto] }) excluded: ExcludedCountDto[];
}
