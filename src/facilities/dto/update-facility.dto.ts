import { ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { ArrayMaxSize, ArrayUnique, IsArray, IsBoolean, IsEmail, IsIn, IsOptional, IsString, Matches, MaxLength, MinLength, ValidateNested } from 'class-validator';
import { EXPLOITATION_TYPES, type ExploitationType, FACILITY_TYPES, type FacilityType, PROTECTION_LEVELS, type ProtectionLevel, SUPPORTS, type Support } from '../../matching/matching.types.js';
import { AcceptsDto, LANGUAGE_CODE, LocationDto } from './create-facility.dto.js';

/** Descriptive fields only: place numbers change through the availability endpoints. */
export class UpdateFacilityDto {
  @ApiPropertyOptional() @IsOptional() @IsString() @MinLength(1) @MaxLength(200) name?: string;
  @ApiPropertyOptional() @IsOptional() @IsString() @MinLength(1) @MaxLength(200) organization?: string;
  @ApiPropertyOptional({ enum: FACILITY_TYPES }) @IsOptional() @IsIn(FACILITY_TYPES) type?: FacilityType;
  @ApiPropertyOptional({ example: 'SP' }) @IsOptional() @Matches(/^[A-Z]{2}$/) provinceCode?: string;
  @ApiPropertyOptional({ enum: PROTECTION_LEVELS }) @IsOptional() @IsIn(PROTECTION_LEVELS) protectionLevel?: ProtectionLevel;
  @ApiPropertyOptional({ type: AcceptsDto }) @IsOptional() @ValidateNested() @Type(() => AcceptsDto) accepts?: AcceptsDto;
  @ApiPropertyOptional() @IsOptional() @IsArray() @ArrayMaxSize(40) @ArrayUnique() @Matches(LANGUAGE_CODE, { each: true }) languages?: string[];
  @ApiPropertyOptional({ enum: EXPLOITATION_TYPES, isArray: true })
  @IsOptional() @IsArray() @ArrayUnique() @IsIn(EXPLOITATION_TYPES, { each: true }) exploitationExpertise?: ExploitationType[];
  @ApiPropertyOptional({ enum: SUPPORTS, isArray: true }) @IsOptional() @IsArray() @ArrayUnique() @IsIn(SUPPORTS, { each: true }) supports?: Support[];
  @ApiPropertyOptional() @IsOptional() @IsBoolean() secretAddress?: boolean;
  @ApiPropertyOptional() @IsOptional() @IsString() @MinLength(1) @MaxLength(300) address?: string;
  @ApiPropertyOptional({ type: LocationDto, nullable: true }) @IsOptional() @ValidateNested() @Type(() => LocationDto) location?: LocationDto;
  @ApiPropertyOptional() @IsOptional() @IsEmail() @MaxLength(254) contactEmail?: string;
}
