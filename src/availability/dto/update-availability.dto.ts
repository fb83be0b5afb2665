import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { NoPersonalData } from '../../common/personal-data.js';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayMinSize,
  ArrayUnique,
  IsArray,
  IsBoolean,
  IsIn,
  IsInt,
  IsOptional,
  IsString,
  Max,
  MaxLength,
  Min,
  ValidateNested,
  IsObject,
} from 'class-validator';
import { PLACE_KINDS, type PlaceKind } from '../../domain/types.js';

export class PlaceNumbersDto {
  @ApiProperty({ enum: PLACE_KINDS, example: 'adult' }) @IsIn(PLACE_KINDS) kind: PlaceKind;
  @ApiProperty({ example: 4 }) @IsInt() @Min(0) @Max(500) total: number;
  @ApiProperty({ example: 3 }) @IsInt() @Min(0) @Max(500) occupied: number;
  @ApiProperty({ example: 0 }) @IsInt() @Min(0) @Max(500) outOfService: number;
  @ApiPropertyOptional({ example: 2, description: 'mother_child only' }) @IsOptional() @IsInt() @Min(1) @Max(10) childCapacity?: number;
}

export class UpdateAvailabilityDto {
  @ApiProperty({ example: 7, description: 'the version you read; a newer one answers 409 version_conflict' })
  @IsInt()
  @Min(1)
  version: number;
  @ApiProperty({ type: [PlaceNumbersDto], description: 'kinds not sent are unchanged' })
  @IsArray()
  @ArrayMinSize(0)
  @ArrayMaxSize(3)
  @ArrayUnique((p: PlaceNumbersDto) => p?.kind, { message: 'one entry per place kind' })
  @IsObject({ each: true })
  @ValidateNested({ each: true })
  @Type(() => PlaceNumbersDto)
  places: PlaceNumbersDto[];
  @ApiPropertyOptional({ example: true, description: 'pause intake without touching the numbers' })
  @IsOptional()
  @IsBoolean()
  acceptingNewGuests?: boolean;
  @ApiPropertyOptional({ example: 'crisi in struttura fino a lunedì' })
  @IsOptional()
  @IsString()
  @MaxLength(500)
  @NoPersonalData()
  intakeNote?: string;
}

export class IntakeDto {
  @ApiProperty({ example: false }) @IsBoolean() acceptingNewGuests: boolean;
  @ApiPropertyOptional({ example: 'crisi in struttura' }) @IsOptional() @IsString() @MaxLength(500) @NoPersonalData() note?: string;
}
