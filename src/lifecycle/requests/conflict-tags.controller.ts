import { Controller, Get, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiProperty, ApiPropertyOptional, ApiTags } from '@nestjs/swagger';
import { IsInt, IsOptional, IsString, Max, MaxLength, Min } from 'class-validator';
import { CurrentUser, Roles } from '../../auth/auth.decorators.js';
import type { Principal } from '../../auth/principal.js';
import { ToInt } from '../../common/dto-helpers.js';
import { PlacementRequestsService } from './placement-requests.service.js';

export class ConflictTagsQuery {
  @ApiPropertyOptional({
    example: 'RETE GE',
    description: 'what she has typed so far; folded like a tag and compared with the dashes ignored (so any spelling finds it)',
  })
  @IsOptional()
  @IsString()
  @MaxLength(80)
  prefix?: string;
  @ApiPropertyOptional({ default: 10, minimum: 1, maximum: 50 }) @IsOptional() @ToInt() @IsInt() @Min(1) @Max(50) limit?: number;
}

export class ConflictTagsDto {
  @ApiProperty({ type: [String], example: ['rete-ge-77', 'rete-ge-8'], description: 'canonical tags, in order; never where they are' })
  tags: string[];
}

/** Suggestions for the request form: the tags other operators already use, in their one canonical spelling. */
@ApiTags('placement requests')
@ApiBearerAuth()
@Controller('api/v1/conflict-tags')
export class ConflictTagsController {
  constructor(private readonly requests: PlacementRequestsService) {}

  @Get()
  @Roles('uor', 'admin')
  @ApiOperation({
    summary: 'Conflict tags in use (open requests, pending or accepted proposals, current placements), by prefix; tags only',
  })
  @ApiOkResponse({ type: ConflictTagsDto })
  list(@CurrentUser() p: Principal, @Query() q: ConflictTagsQuery): Promise<ConflictTagsDto> {
    return this.requests.conflictTagsInUse(p, q.prefix ?? '', q.limit ?? 10);
  }
}
