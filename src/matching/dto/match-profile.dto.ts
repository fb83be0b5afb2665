import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform, Type } from 'class-transformer';
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
  IsString,
  Length,
  MaxLength,
  MinLength,
  ValidateIf,
} from 'class-validator';
import { NoPersonalData } from '../../common/personal-data.js';
import { CANONICAL_CONFLICT_TAG, CONFLICT_TAG_MAX, CONFLICT_TAG_MIN, foldConflictTags } from '../../domain/conflict-tags.js';
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
  @ApiProperty({ pattern: LANGUAGE_CODE.source, example: ['en', 'pcm'] })
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
  @ApiPropertyOptional({
    type: String,
    pattern: /^[A-Z]{2}$/.source,
    example: 'NG',
    nullable: true,
    description: 'ISO 3166-1 alpha-2; for reports only, never judged',
  })
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
  @ApiProperty({ pattern: /^[A-Z]{2}$/.source, example: 'GE' }) @Matches(/^[A-Z]{2}$/) provinceCode: string;
}

/** Folds every tag (see foldConflictTag) before it is checked; anything but an array of strings is left to the validators. */
const foldTags = ({ value }: { value: unknown }) =>
  Array.isArray(value) && value.every((v) => typeof v === 'string') ? foldConflictTags(value as string[]) : value;

export class SafetyDto {
  @ApiPropertyOptional({
    pattern: /^[A-Z]{2}$/.source,
    example: ['GE'],
    description:
      'where she was exploited or her network operates (0–10 province codes; empty or absent: not known). ' +
      'A facility there is excluded (exploitation_area) unless allowExploitationArea; minDistanceKm is measured from the nearest of them',
  })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(10)
  @ArrayUnique()
  @Matches(/^[A-Z]{2}$/, { each: true })
  exploitationProvinces?: string[];
  @ApiPropertyOptional({
    example: false,
    description: 'lifts exploitation_area (never too_close): needs allowExploitationAreaReason, audited with it',
  })
  @IsOptional()
  @IsBoolean()
  allowExploitationArea?: boolean;
  @ApiPropertyOptional({
    example: 'la rete è stata smantellata, la casa è protetta',
    maxLength: 300,
    description: "the operator's reason for allowExploitationArea (required with it); audited",
  })
  @ValidateIf((o: SafetyDto) => o.allowExploitationArea === true || o.allowExploitationAreaReason != null)
  @IsString()
  @MinLength(3)
  @MaxLength(300)
  @NoPersonalData()
  allowExploitationAreaReason?: string;
  @ApiProperty({ pattern: /^[A-Z]{2}$/.source, example: ['GE'] })
  @IsArray()
  @ArrayMaxSize(110)
  @ArrayUnique()
  @Matches(/^[A-Z]{2}$/, { each: true })
  excludedProvinces: string[];
  @ApiProperty({ pattern: /^[0-9]{2}$/.source, example: [] })
  @IsArray()
  @ArrayMaxSize(20)
  @ArrayUnique()
  @Matches(/^[0-9]{2}$/, { each: true })
  excludedRegions: string[];
  @ApiPropertyOptional({ example: 50, description: 'km from the nearest exploitation province (from the origin only when none is given)' })
  @IsOptional()
  @IsNumber({ allowNaN: false, allowInfinity: false })
  @Min(0)
  @Max(2000)
  minDistanceKm?: number;
  @ApiProperty({
    example: ['rete-ge-77'],
    description:
      'pseudonymous tags of the exploitation network, folded to one canonical form (NFKC, accents dropped, lower case, ' +
      'separators one dash: "Rete GE 77" is rete-ge-77); 2–40 characters of a-z, 0-9 and - after folding',
  })
  @Transform(foldTags)
  @IsArray()
  @ArrayMaxSize(20)
  @IsString({ each: true })
  @Length(CONFLICT_TAG_MIN, CONFLICT_TAG_MAX, { each: true, message: 'each conflict tag must have 2–40 characters after folding' })
  @Matches(CANONICAL_CONFLICT_TAG, { each: true, message: 'each conflict tag must be letters a-z, digits and dashes after folding' })
  @NoPersonalData()
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
  @ApiPropertyOptional({ pattern: /^[A-Z]{2}$/.source, example: null }) @IsOptional() @Matches(/^[A-Z]{2}$/) nearProvinceCode?: string;
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
