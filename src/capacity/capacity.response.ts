import { ApiProperty } from '@nestjs/swagger';
import { FACILITY_TYPES, PLACE_KINDS } from '../domain/types.js';

export class CapacityRowDto {
  @ApiProperty() regionCode: string;
  @ApiProperty() provinceCode: string;
  @ApiProperty({ enum: FACILITY_TYPES }) type: string;
  @ApiProperty({ enum: PLACE_KINDS }) kind: string;
  @ApiProperty({ description: 'facilities with places of this kind' }) facilities: number;
  @ApiProperty() total: number;
  @ApiProperty({ description: 'free at fresh facilities accepting guests' }) free: number;
  @ApiProperty({ description: 'free at stale facilities accepting guests' }) freeStale: number;
  @ApiProperty() staleFacilities: number;
  @ApiProperty() unknownFacilities: number;
  @ApiProperty() pausedFacilities: number;
}

export class CapacityTotalsDto {
  @ApiProperty() facilityPlaceKinds: number;
  @ApiProperty() total: number;
  @ApiProperty() free: number;
  @ApiProperty() freeStale: number;
}

export class CapacityDto {
  @ApiProperty({ format: 'date-time' }) generatedAt: string;
  @ApiProperty() staleAfterHours: number;
  @ApiProperty({ type: CapacityTotalsDto }) totals: CapacityTotalsDto;
  @ApiProperty({ type: [CapacityRowDto] }) rows: CapacityRowDto[];
}
