import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayUnique,
  IsArray,
  IsBoolean,
  IsIn,
  IsInt,
  IsISO31661Alpha2,
  IsNumber,
  IsOptional,
  Matches,
  Max,
  Min,
  ValidateNested,
  IsObject,
} from 'class-validator';
import { LANGUAGE_CODE } from '../../facilities/dto/create-facility.dto.js';
import {
  CHILD_SEXES,
  type ChildSex,
  LEGAL_STATUSES,
  type LegalStatus,
  SERVICES,
  type Service,
  EXPLOITATION_TYPES,
  type ExploitationType,
  GENDERS,
  type Gender,
  PROTECTION_LEVELS,
  type ProtectionLevel,
  STAGES,
  type Stage,
  SUPPORTS,
  type Support,
} from '../../domain/types.js';

export class ChildDto {
  @ApiProperty({ example: 3 }) @IsInt() @Min(0) @Max(17) age: number;
  @ApiPropertyOptional({
    enum: CHILD_SEXES,
    example: 'male',
    description: "absent: 'unknown'; a boy older than a facility's boysUpToAge excludes it",
  })
  @IsOptional()
  @IsIn(CHILD_SEXES)
  sex?: ChildSex;
}

/** Pseudonymous profile: no name, document, phone or birth date can be expressed here. */
export class PersonDto {
  @ApiProperty({ enum: GENDERS, example: 'female' }) @IsIn(GENDERS) gender: Gender;
  @ApiProperty({ example: 24 }) @IsInt() @Min(0) @Max(110) age: number;
  @ApiProperty({
    type: [ChildDto],
    example: [
      { age: 3, sex: 'female' },
      { age: 14, sex: 'male' },
    ],
  })
  @IsArray()
  @ArrayMaxSize(8)
  @IsObject({ each: true })
  @ValidateNested({ each: true })
  @Type(() => ChildDto)
  children: ChildDto[];
  @ApiProperty({ example: false }) @IsBoolean() pregnant: boolean;
  @ApiProperty({ example: ['en', 'pcm'] })
  @IsArray()
  @ArrayMaxSize(10)
  @ArrayUnique()
  @Matches(LANGUAGE_CODE, { each: true })
  languages: string[];
  @ApiProperty({ enum: EXPLOITATION_TYPES, isArray: true, example: ['sexual'] })
  @IsArray()
  @ArrayMaxSize(10)
  @ArrayUnique()
  @IsIn(EXPLOITATION_TYPES, { each: true })
  exploitation: ExploitationType[];
  @ApiProperty({ enum: SUPPORTS, isArray: true, example: [] })
  @IsArray()
  @ArrayMaxSize(10)
  @ArrayUnique()
  @IsIn(SUPPORTS, { each: true })
  needs: Support[];
  @ApiPropertyOptional({
    enum: LEGAL_STATUSES,
    example: 'art18_permit',
    nullable: true,
    description: 'hard constraint legal_status_not_accepted; absent: not judged',
  })
  @IsOptional()
  @IsIn(LEGAL_STATUSES)
  legalStatus?: LegalStatus | null;
  @ApiPropertyOptional({ type: String, example: 'NG', nullable: true, description: 'ISO 3166-1 alpha-2; for reports only, never judged' })
  @IsOptional()
  @Matches(/^[A-Z]{2}$/)
  @IsISO31661Alpha2()
  nationality?: string | null;
  @ApiPropertyOptional({ example: false, description: 'uses a wheelchair: only step-free facilities (not_wheelchair_accessible)' })
  @IsOptional()
  @IsBoolean()
  wheelchair?: boolean;
}

export class OriginDto {
  @ApiProperty({ example: 'GE' }) @Matches(/^[A-Z]{2}$/) provinceCode: string;
}

export class SafetyDto {
  @ApiProperty({ example: ['GE'] })
  @IsArray()
  @ArrayMaxSize(110)
  @ArrayUnique()
  @Matches(/^[A-Z]{2}$/, { each: true })
  excludedProvinces: string[];
  @ApiProperty({ example: [] })
  @IsArray()
  @ArrayMaxSize(20)
  @ArrayUnique()
  @Matches(/^[0-9]{2}$/, { each: true })
  excludedRegions: string[];
  @ApiPropertyOptional({ example: 50 })
  @IsOptional()
  @IsNumber({ allowNaN: false, allowInfinity: false })
  @Min(0)
  @Max(2000)
  minDistanceKm?: number;
  @ApiProperty({ example: ['net-7'], description: 'pseudonymous tags of the exploitation network' })
  @IsArray()
  @ArrayMaxSize(20)
  @ArrayUnique()
  @Matches(/^[A-Za-z0-9_.-]{1,40}$/, { each: true })
  conflictTags: string[];
}

export class PreferencesDto {
  @ApiProperty({ example: true }) @IsBoolean() crossRegion: boolean;
  @ApiPropertyOptional({ example: 400 })
  @IsOptional()
  @IsNumber({ allowNaN: false, allowInfinity: false })
  @Min(1)
  @Max(2000)
  maxDistanceKm?: number;
  @ApiPropertyOptional({ example: null }) @IsOptional() @Matches(/^[A-Z]{2}$/) nearProvinceCode?: string;
  @ApiPropertyOptional({
    enum: SERVICES,
    isArray: true,
    example: ['legal', 'cultural_mediation'],
    description: 'wanted (soft: criterion services)',
  })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(7)
  @ArrayUnique()
  @IsIn(SERVICES, { each: true })
  services?: Service[];
  @ApiPropertyOptional({ example: false, description: 'an LGBT+-safe house wanted (soft: criterion services)' })
  @IsOptional()
  @IsBoolean()
  lgbtSafe?: boolean;
}

/** The matching part of a placement request; also the body of a capacity search. */
export class MatchProfileDto {
  @ApiProperty({ type: PersonDto }) @IsObject() @ValidateNested() @Type(() => PersonDto) person: PersonDto;
  @ApiProperty({ enum: PROTECTION_LEVELS, example: 'high' }) @IsIn(PROTECTION_LEVELS) protectionLevel: ProtectionLevel;
  @ApiProperty({ enum: STAGES, example: 'first_reception' }) @IsIn(STAGES) stage: Stage;
  @ApiProperty({ type: OriginDto }) @IsObject() @ValidateNested() @Type(() => OriginDto) origin: OriginDto;
  @ApiProperty({ type: SafetyDto }) @IsObject() @ValidateNested() @Type(() => SafetyDto) safety: SafetyDto;
  @ApiProperty({ type: PreferencesDto }) @IsObject() @ValidateNested() @Type(() => PreferencesDto) preferences: PreferencesDto;
}

export class CapacitySearchDto extends MatchProfileDto {
  @ApiPropertyOptional({ default: 20, example: 10 }) @IsOptional() @IsInt() @Min(1) @Max(200) limit?: number;
}
