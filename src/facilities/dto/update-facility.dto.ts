import { ApiPropertyOptional } from '@nestjs/swagger';
import { NoPersonalData } from '../../common/personal-data.js';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayUnique,
  IsArray,
  IsBoolean,
  IsEmail,
  IsIn,
  IsInt,
  IsOptional,
  IsString,
  Matches,
  Max,
  MaxLength,
  Min,
  MinLength,
  ValidateNested,
  IsObject,
} from 'class-validator';
import {
  EXPLOITATION_TYPES,
  type ExploitationType,
  FACILITY_TYPES,
  type FacilityType,
  LEGAL_STATUSES,
  type LegalStatus,
  PROTECTION_LEVELS,
  type ProtectionLevel,
  SERVICES,
  type Service,
  SUPPORTS,
  type Support,
} from '../../domain/types.js';
import { OptionalNotNull } from '../../common/dto-helpers.js';
import { AcceptsDto, E164, LANGUAGE_CODE, LocationDto } from './create-facility.dto.js';

/** Descriptive fields only: place numbers change through the availability endpoints. */
export class UpdateFacilityDto {
  @ApiPropertyOptional() @OptionalNotNull() @IsString() @MinLength(1) @MaxLength(200) @NoPersonalData() name?: string;
  @ApiPropertyOptional() @OptionalNotNull() @IsString() @MinLength(1) @MaxLength(200) @NoPersonalData() organization?: string;
  @ApiPropertyOptional({ enum: FACILITY_TYPES }) @OptionalNotNull() @IsIn(FACILITY_TYPES) type?: FacilityType;
  @ApiPropertyOptional({ pattern: /^[A-Z]{2}$/.source, example: 'SP' }) @OptionalNotNull() @Matches(/^[A-Z]{2}$/) provinceCode?: string;
  @ApiPropertyOptional({ enum: PROTECTION_LEVELS }) @OptionalNotNull() @IsIn(PROTECTION_LEVELS) protectionLevel?: ProtectionLevel;
  @ApiPropertyOptional({ type: AcceptsDto }) @OptionalNotNull() @IsObject() @ValidateNested() @Type(() => AcceptsDto) accepts?: AcceptsDto;
  @ApiPropertyOptional({ pattern: LANGUAGE_CODE.source })
  @OptionalNotNull()
  @IsArray()
  @ArrayMaxSize(40)
  @ArrayUnique()
  @Matches(LANGUAGE_CODE, { each: true })
  languages?: string[];
  @ApiPropertyOptional({ enum: EXPLOITATION_TYPES, isArray: true })
  @OptionalNotNull()
  @IsArray()
  @ArrayMaxSize(10)
  @ArrayUnique()
  @IsIn(EXPLOITATION_TYPES, { each: true })
  exploitationExpertise?: ExploitationType[];
  @ApiPropertyOptional({ enum: SUPPORTS, isArray: true })
  @OptionalNotNull()
  @IsArray()
  @ArrayMaxSize(10)
  @ArrayUnique()
  @IsIn(SUPPORTS, { each: true })
  supports?: Support[];
  @ApiPropertyOptional({ description: 'administrators only: un-hiding an address is a disclosure' })
  @OptionalNotNull()
  @IsBoolean()
  secretAddress?: boolean;
  @ApiPropertyOptional() @OptionalNotNull() @IsString() @MinLength(1) @MaxLength(300) @NoPersonalData() address?: string;
  @ApiPropertyOptional({ type: LocationDto })
  @OptionalNotNull()
  @IsObject()
  @ValidateNested()
  @Type(() => LocationDto)
  location?: LocationDto;
  @ApiPropertyOptional({ format: 'email' }) @OptionalNotNull() @IsEmail() @MaxLength(254) contactEmail?: string;
  @ApiPropertyOptional({ pattern: E164.source, type: String, example: '+393331234567', nullable: true, description: 'null removes it' })
  @IsOptional()
  @IsString()
  @Matches(E164, { message: 'onCallPhone must be an E.164 number, e.g. +393331234567' })
  onCallPhone?: string | null;
  @ApiPropertyOptional({ enum: SERVICES, isArray: true })
  @OptionalNotNull()
  @IsArray()
  @ArrayMaxSize(10)
  @ArrayUnique()
  @IsIn(SERVICES, { each: true })
  services?: Service[];
  @ApiPropertyOptional() @OptionalNotNull() @IsBoolean() wheelchairAccessible?: boolean;
  @ApiPropertyOptional() @OptionalNotNull() @IsBoolean() lgbtSafe?: boolean;
  @ApiPropertyOptional({ enum: LEGAL_STATUSES, isArray: true, description: 'empty: every status' })
  @OptionalNotNull()
  @IsArray()
  @ArrayMaxSize(10)
  @ArrayUnique()
  @IsIn(LEGAL_STATUSES, { each: true })
  legalStatusesAccepted?: LegalStatus[];
  @ApiPropertyOptional({ type: Number, nullable: true }) @IsOptional() @IsInt() @Min(1) @Max(3650) expectedStayDays?: number | null;
  @ApiPropertyOptional({ type: Number, nullable: true }) @IsOptional() @IsInt() @Min(0) @Max(168) educatorHoursPerWeek?: number | null;
}
