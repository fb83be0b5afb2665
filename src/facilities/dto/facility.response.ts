import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { FACILITY_TYPES, GENDERS, LEGAL_STATUSES, PLACE_KINDS, PROTECTION_LEVELS, SERVICES } from '../../domain/types.js';
import { LocationDto } from './create-facility.dto.js';

/** Response shapes of facilities (documentation only: the presenter builds the objects). */
export const FRESHNESS = ['fresh', 'stale', 'unknown'] as const;

export class PlaceViewDto {
  @ApiProperty({ enum: PLACE_KINDS }) kind: string;
  @ApiProperty() total: number;
  @ApiProperty() occupied: number;
  @ApiProperty({ description: 'live holds of pending or accepted proposals' }) held: number;
  @ApiProperty() outOfService: number;
  @ApiProperty({ description: 'total - occupied - outOfService - held' }) free: number;
  @ApiPropertyOptional({ type: Number, nullable: true, description: 'mother_child only' }) childCapacity?: number | null;
}

export class FacilityAvailabilitySummaryDto {
  @ApiProperty() version: number;
  @ApiProperty({ type: String, format: 'date-time', nullable: true }) confirmedAt: string | null;
  @ApiProperty({ enum: FRESHNESS }) freshness: string;
  @ApiProperty() stale: boolean;
  @ApiProperty() acceptingNewGuests: boolean;
}

export class AcceptsViewDto {
  @ApiProperty({ enum: GENDERS, isArray: true }) genders: string[];
  @ApiProperty() adults: boolean;
  @ApiProperty() minors: boolean;
  @ApiProperty() children: boolean;
  @ApiPropertyOptional({ type: Number, nullable: true, description: 'the oldest boy who may come with his mother (null: no limit)' })
  boysUpToAge?: number | null;
}

export class FacilityDto {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ enum: FACILITY_TYPES }) type: string;
  @ApiProperty({ example: '07' }) regionCode: string;
  @ApiProperty({ example: 'GE' }) provinceCode: string;
  @ApiProperty({ enum: PROTECTION_LEVELS }) protectionLevel: string;
  @ApiProperty({ type: AcceptsViewDto }) accepts: AcceptsViewDto;
  @ApiProperty({ type: [PlaceViewDto] }) places: PlaceViewDto[];
  @ApiProperty({ type: FacilityAvailabilitySummaryDto }) availability: FacilityAvailabilitySummaryDto;
  @ApiPropertyOptional({ description: 'absent for a coarse view (national, other regions\u2019 secret houses)' }) name?: string;
  @ApiPropertyOptional() organization?: string;
  @ApiPropertyOptional({ type: [String] }) languages?: string[];
  @ApiPropertyOptional({ type: [String] }) exploitationExpertise?: string[];
  @ApiPropertyOptional({ type: [String] }) supports?: string[];
  @ApiPropertyOptional() secretAddress?: boolean;
  @ApiPropertyOptional({ type: String, nullable: true, description: 'full view only; null when the caller may not see it (addressHidden)' })
  address?: string | null;
  @ApiPropertyOptional() addressHidden?: boolean;
  @ApiPropertyOptional({ type: LocationDto, nullable: true }) location?: LocationDto | null;
  @ApiPropertyOptional() contactEmail?: string;
  @ApiPropertyOptional({ type: String, nullable: true, description: 'the 24 h on-call number (E.164), shown where contactEmail is' })
  onCallPhone?: string | null;
  @ApiPropertyOptional({ enum: SERVICES, isArray: true }) services?: string[];
  @ApiPropertyOptional() wheelchairAccessible?: boolean;
  @ApiPropertyOptional() lgbtSafe?: boolean;
  @ApiPropertyOptional({ enum: LEGAL_STATUSES, isArray: true, description: 'empty: all' }) legalStatusesAccepted?: string[];
  @ApiPropertyOptional({ type: Number, nullable: true }) expectedStayDays?: number | null;
  @ApiPropertyOptional({ type: Number, nullable: true }) educatorHoursPerWeek?: number | null;
  @ApiPropertyOptional({ type: String, nullable: true, description: "the region's own code (CSV import key)" }) externalCode?:
    string | null;
  @ApiPropertyOptional({ type: String, nullable: true }) intakeNote?: string | null;
  @ApiPropertyOptional({ format: 'date-time' }) createdAt?: string;
  @ApiPropertyOptional({ format: 'date-time' }) updatedAt?: string;
}

export class FacilityListDto {
  @ApiProperty({ type: [FacilityDto] }) items: FacilityDto[];
  @ApiProperty() limit: number;
  @ApiProperty() offset: number;
}
