import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsDateString, IsInt, IsOptional, IsString, Matches, Max, MaxLength, Min } from 'class-validator';
import { ToInt } from '../../common/dto-helpers.js';

export class AuditQueryDto {
  @ApiPropertyOptional() @IsOptional() @IsString() @MaxLength(200) actorSub?: string;
  @ApiPropertyOptional({ example: 'facility.read_secret_address' }) @IsOptional() @Matches(/^[a-z_.]{1,80}$/) action?: string;
  @ApiPropertyOptional({ example: 'facility' }) @IsOptional() @Matches(/^[a-z_]{1,40}$/) objectType?: string;
  @ApiPropertyOptional() @IsOptional() @IsString() @MaxLength(100) objectId?: string;
  @ApiPropertyOptional() @IsOptional() @IsDateString() from?: string;
  @ApiPropertyOptional() @IsOptional() @IsDateString() to?: string;
  @ApiPropertyOptional({ default: 100 }) @IsOptional() @ToInt() @IsInt() @Min(1) @Max(1000) limit?: number;
  @ApiPropertyOptional({ description: 'keyset paging: the nextBeforeId of the previous page' })
  @IsOptional()
  @Matches(/^\d{1,18}$/)
  beforeId?: string;
}
