import { E164 } from '../../common/dto-helpers.js';
import { NoPersonalData } from '../../common/personal-data.js';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayMinSize,
  ArrayUnique,
  IsArray,
  IsBoolean,
  IsEmail,
  IsIn,
  IsInt,
  IsNumber,
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
  GENDERS,
  type Gender,
  LEGAL_STATUSES,
  type LegalStatus,
  PLACE_KINDS,
  PROTECTION_LEVELS,
  type PlaceKind,
  type ProtectionLevel,
  SERVICES,
  type Service,
  SUPPORTS,
  type Support,
} from '../../domain/types.js';

export const LANGUAGE_CODE = /^([a-z]{2}|pcm)$/;
/** E.164: a plus, the country code (39 for Italy) and the number, digits only. */
export { E164 };

export class AcceptsDto {
  @ApiProperty({ enum: GENDERS, isArray: true, example: ['female', 'transgender'] })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayUnique()
  @IsIn(GENDERS, { each: true })
  genders: Gender[];
  @ApiProperty({ example: true }) @IsBoolean() adults: boolean;
  @ApiProperty({ example: false }) @IsBoolean() minors: boolean;
  @ApiProperty({
    example: true,
    description: 'children accompanying their mother (or father: genders decides who a mother_child unit hosts)',
  })
  @IsBoolean()
  children: boolean;
  @ApiPropertyOptional({
    type: Number,
    example: 12,
    nullable: true,
    description: 'the oldest boy who may come with his mother; null or absent: no limit',
  })
  @IsOptional()
  @IsInt()
  @Min(0)
  @Max(17)
  boysUpToAge?: number | null;
}

export class LocationDto {
  @ApiProperty({ example: 44.41 }) @IsNumber({ allowNaN: false, allowInfinity: false }) @Min(35) @Max(48) lat: number;
  @ApiProperty({ example: 8.93 }) @IsNumber({ allowNaN: false, allowInfinity: false }) @Min(6) @Max(19) lon: number;
}

export class PlaceInputDto {
  @ApiProperty({ enum: PLACE_KINDS, example: 'adult' }) @IsIn(PLACE_KINDS) kind: PlaceKind;
  @ApiProperty({ example: 4 }) @IsInt() @Min(0) @Max(500) total: number;
  @ApiPropertyOptional({ example: 0 }) @IsOptional() @IsInt() @Min(0) @Max(500) occupied?: number;
  @ApiPropertyOptional({ example: 0 }) @IsOptional() @IsInt() @Min(0) @Max(500) outOfService?: number;
  @ApiPropertyOptional({ example: 2, description: 'mother_child only: children one unit takes' })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(10)
  childCapacity?: number;
}

export const EXTERNAL_CODE = /^[A-Za-z0-9._/-]{1,64}$/;

export class CreateFacilityDto {
  @ApiPropertyOptional({
    pattern: EXTERNAL_CODE.source,
    example: 'LIG-CF-001',
    description: "the region's own code (CSV import key), unique within the region",
  })
  @IsOptional()
  @Matches(EXTERNAL_CODE)
  externalCode?: string;
  @ApiProperty({ example: 'Casa Approdo Levante' }) @IsString() @MinLength(1) @MaxLength(200) @NoPersonalData() name: string;
  @ApiProperty({ example: 'ATS InConTraRe' }) @IsString() @MinLength(1) @MaxLength(200) @NoPersonalData() organization: string;
  @ApiProperty({ enum: FACILITY_TYPES, example: 'casa_di_fuga' }) @IsIn(FACILITY_TYPES) type: FacilityType;
  @ApiProperty({ pattern: /^[A-Z]{2}$/.source, example: 'GE', description: 'two-letter sigla; the region is derived from it' })
  @Matches(/^[A-Z]{2}$/)
  provinceCode: string;
  @ApiPropertyOptional({ enum: PROTECTION_LEVELS, description: 'defaults by type' })
  @IsOptional()
  @IsIn(PROTECTION_LEVELS)
  protectionLevel?: ProtectionLevel;
  @ApiProperty({ type: AcceptsDto }) @IsObject() @ValidateNested() @Type(() => AcceptsDto) accepts: AcceptsDto;
  @ApiProperty({ pattern: LANGUAGE_CODE.source, example: ['it', 'en', 'pcm'] })
  @IsArray()
  @ArrayMaxSize(40)
  @ArrayUnique()
  @Matches(LANGUAGE_CODE, { each: true })
  languages: string[];
  @ApiProperty({ enum: EXPLOITATION_TYPES, isArray: true, example: ['sexual'] })
  @IsArray()
  @ArrayMaxSize(10)
  @ArrayUnique()
  @IsIn(EXPLOITATION_TYPES, { each: true })
  exploitationExpertise: ExploitationType[];
  @ApiProperty({ enum: SUPPORTS, isArray: true, example: ['mental_health', 'pregnancy'] })
  @IsArray()
  @ArrayMaxSize(10)
  @ArrayUnique()
  @IsIn(SUPPORTS, { each: true })
  supports: Support[];
  @ApiProperty({ example: true }) @IsBoolean() secretAddress: boolean;
  @ApiProperty({ example: 'Via del Faro 1, Genova (fittizio)' })
  @IsString()
  @MinLength(1)
  @MaxLength(300)
  @NoPersonalData()
  address: string;
  @ApiPropertyOptional({ type: LocationDto }) @IsOptional() @IsObject() @ValidateNested() @Type(() => LocationDto) location?: LocationDto;
  @ApiProperty({ format: 'email', example: 'casa.levante@example.org' }) @IsEmail() @MaxLength(254) contactEmail: string;
  @ApiPropertyOptional({
    type: String,
    pattern: E164.source,
    example: '+393331234567',
    nullable: true,
    description: 'the 24 h on-call number (reperibilità), E.164; shown like contactEmail',
  })
  @IsOptional()
  @IsString()
  @Matches(E164, { message: 'onCallPhone must be an E.164 number, e.g. +393331234567' })
  onCallPhone?: string | null;
  @ApiPropertyOptional({ enum: SERVICES, isArray: true, example: ['legal', 'psychological', 'cultural_mediation'] })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(10)
  @ArrayUnique()
  @IsIn(SERVICES, { each: true })
  services?: Service[];
  @ApiPropertyOptional({ example: false, description: 'step-free access; apart from supports' })
  @IsOptional()
  @IsBoolean()
  wheelchairAccessible?: boolean;
  @ApiPropertyOptional({ example: true, description: 'LGBT+-safe house' }) @IsOptional() @IsBoolean() lgbtSafe?: boolean;
  @ApiPropertyOptional({
    enum: LEGAL_STATUSES,
    isArray: true,
    example: ['art18_permit', 'no_permit'],
    description: 'empty or absent: every status',
  })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(10)
  @ArrayUnique()
  @IsIn(LEGAL_STATUSES, { each: true })
  legalStatusesAccepted?: LegalStatus[];
  @ApiPropertyOptional({ type: Number, example: 90, nullable: true, description: 'informational' })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(3650)
  expectedStayDays?: number | null;
  @ApiPropertyOptional({ type: Number, example: 168, nullable: true, description: 'informational' })
  @IsOptional()
  @IsInt()
  @Min(0)
  @Max(168)
  educatorHoursPerWeek?: number | null;
  @ApiProperty({ type: [PlaceInputDto] })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(3)
  @ArrayUnique((p: PlaceInputDto) => p?.kind, { message: 'one entry per place kind' })
  @IsObject({ each: true })
  @ValidateNested({ each: true })
  @Type(() => PlaceInputDto)
  places: PlaceInputDto[];
  @ApiPropertyOptional({ example: true }) @IsOptional() @IsBoolean() acceptingNewGuests?: boolean;
  @ApiPropertyOptional({ example: null }) @IsOptional() @IsString() @MaxLength(500) @NoPersonalData() intakeNote?: string;
}
