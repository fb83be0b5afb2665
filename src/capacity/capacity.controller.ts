import { Body, Controller, Get, HttpCode, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { CapacityDto } from './capacity.response.js';
import { CurrentUser, Roles } from '../auth/auth.decorators.js';
import type { Principal } from '../auth/principal.js';
import { ApiErrors } from '../common/openapi.js';
import { CapacitySearchDto } from '../matching/dto/match-profile.dto.js';
import { SearchResultDto } from '../matching/dto/search.response.js';
import { MatchingService } from '../matching/matching.service.js';
import { CapacityService } from './capacity.service.js';
import { CapacityQuery } from './dto/capacity.query.js';

@ApiTags('capacity')
@ApiBearerAuth()
@Controller('api/v1/capacity')
export class CapacityController {
  constructor(
    private readonly capacity: CapacityService,
    private readonly matching: MatchingService,
  ) {}

  @Get()
  @Roles('national', 'uor', 'admin')
  @ApiOperation({
    summary: 'Free places by region, province, type and kind, with stale/unknown/paused counts',
    description:
      '`free` counts fresh facilities accepting guests; `freeStale` those whose data is stale; unknown facilities are never counted free.',
  })
  @ApiOkResponse({ type: CapacityDto })
  get(@Query() q: CapacityQuery) {
    return this.capacity.capacity(q);
  }

  @Post('search')
  @HttpCode(200)
  @Roles('national', 'uor')
  @ApiOperation({
    summary: 'Where could this profile go? Coarse ranked candidates with the score breakdown and excluded counts; nothing is stored',
  })
  @ApiOkResponse({ type: SearchResultDto })
  @ApiErrors({ 422: ['unknown_province', 'unknown_region'] })
  search(@CurrentUser() p: Principal, @Body() dto: CapacitySearchDto) {
    return this.matching.search(p, dto);
  }
}
