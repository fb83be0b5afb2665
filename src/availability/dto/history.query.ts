import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsInt, IsOptional, Matches, Max, Min } from 'class-validator';
import { ToInt } from '../../common/dto-helpers.js';

export class HistoryQuery {
  @ApiPropertyOptional({ description: 'keyset paging: events after this id' }) @IsOptional() @Matches(/^\d{1,18}$/) afterId?: string;
  @ApiPropertyOptional({ default: 200 }) @IsOptional() @ToInt() @IsInt() @Min(1) @Max(1000) limit?: number;
}
