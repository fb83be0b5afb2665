import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsBoolean, IsIn, IsInt, IsOptional, Matches, Max, Min } from 'class-validator';
import { ToBoolean, ToInt } from '../../common/dto-helpers.js';
import { FACILITY_TYPES, type FacilityType, PLACE_KINDS, type PlaceKind } from '../../domain/types.js';

export class ListFacilitiesQuery {
  @ApiPropertyOptional({ example: '07' }) @IsOptional() @Matches(/^[0-9]{2}$/) regionCode?: string;
  @ApiPropertyOptional({ example: 'GE' }) @IsOptional() @Matches(/^[A-Z]{2}$/) provinceCode?: string;
  @ApiPropertyOptional({ enum: FACILITY_TYPES }) @IsOptional() @IsIn(FACILITY_TYPES) type?: FacilityType;
  @ApiPropertyOptional({ enum: PLACE_KINDS, description: 'facilities that have places of this kind' })
  @IsOptional()
  @IsIn(PLACE_KINDS)
  kind?: PlaceKind;
  @ApiPropertyOptional({ description: 'only facilities with a free place (of `kind` when given)' })
  @IsOptional()
  @ToBoolean()
  @IsBoolean()
  hasFree?: boolean;
  @ApiPropertyOptional({
    enum: ['json', 'csv'],
    description: 'csv: every facility you may see (limit and offset ignored); also with Accept: text/csv',
  })
  @IsOptional()
  @IsIn(['json', 'csv'])
  format?: 'json' | 'csv';
  @ApiPropertyOptional({ default: 50 }) @IsOptional() @ToInt() @IsInt() @Min(1) @Max(200) limit?: number;
  @ApiPropertyOptional({ default: 0 }) @IsOptional() @ToInt() @IsInt() @Min(0) @Max(100000) offset?: number;
}
