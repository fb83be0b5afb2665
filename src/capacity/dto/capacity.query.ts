import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsOptional, Matches } from 'class-validator';
import { FACILITY_TYPES, type FacilityType, PLACE_KINDS, type PlaceKind } from '../../domain/types.js';

export class CapacityQuery {
  @ApiPropertyOptional({ example: '07' }) @IsOptional() @Matches(/^[0-9]{2}$/) regionCode?: string;
  @ApiPropertyOptional({ enum: FACILITY_TYPES }) @IsOptional() @IsIn(FACILITY_TYPES) type?: FacilityType;
  @ApiPropertyOptional({ enum: PLACE_KINDS }) @IsOptional() @IsIn(PLACE_KINDS) kind?: PlaceKind;
}
