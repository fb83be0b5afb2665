import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { CANDIDATE_WARNINGS, EXCLUSION_REASONS, FACILITY_TYPES, PLACE_KINDS } from '../../domain/types.js';

export class BreakdownItemDto {
  @ApiProperty({ example: 'language' }) criterion: string;
  @ApiProperty() points: number;
  @ApiProperty() max: number;
  @ApiPropertyOptional() note?: string;
}

/** An excluded house as "Perché le altre no" names it: never an address, contact or location. */
export class ExcludedFacilityDto {
  @ApiProperty({ format: 'uuid' }) facilityId: string;
  @ApiProperty() facilityName: string;
  @ApiProperty({ example: '07' }) regionCode: string;
  @ApiProperty({ example: 'GE' }) provinceCode: string;
}

export class ExcludedCountDto {
  @ApiProperty({ enum: EXCLUSION_REASONS, example: 'protection_too_low' }) reason: string;
  @ApiProperty({ description: 'every facility excluded for this reason' }) count: number;
  @ApiPropertyOptional({
    type: [ExcludedFacilityDto],
    description:
      'the houses under this reason the caller may see named (uor, admin), nearest to the origin first, at most 50; always empty under conflict (it would say where a network has a victim); absent on coarse answers',
  })
  facilities?: ExcludedFacilityDto[];
}

/** What a candidate says about where she was exploited and the place kind (shared by the candidates and the search). */
export class ExploitationSignsDto {
  @ApiProperty({ type: Number, nullable: true, description: 'km from the nearest exploitation province; null when none is given' })
  exploitationDistanceKm: number | null;
  @ApiProperty({
    enum: CANDIDATE_WARNINGS,
    isArray: true,
    description:
      'in_exploitation_area: in a province where she was exploited (only when allowExploitationArea; no proximity points, ranked after an equal house outside); ' +
      'same_region_as_exploitation: in a region where she was exploited; ' +
      'exploitation_area_unknown_same_province: no exploitation province and no minDistanceKm given, and the house is in the province where she is now',
  })
  warnings: string[];
  @ApiProperty({ description: 'a single adult offered a mother-child unit: only if no single place is free' })
  placeKindFallback: boolean;
}

/** A coarse candidate: no name, address or contact. */
export class SearchCandidateDto extends ExploitationSignsDto {
  @ApiProperty({ format: 'uuid' }) facilityId: string;
  @ApiProperty({ enum: PLACE_KINDS }) placeKind: string;
  @ApiProperty({ description: 'km from the origin (where she is now)' }) distanceKm: number;
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
