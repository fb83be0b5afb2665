import { Body, Controller, HttpCode, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { ApiErrors } from '../common/openapi.js';
import { SearchResultDto } from './dto/search.response.js';
import { CurrentUser, Roles } from '../auth/auth.decorators.js';
import type { Principal } from '../auth/principal.js';
import { CapacitySearchDto } from './dto/match-profile.dto.js';
import { MatchingService } from './matching.service.js';

@ApiTags('capacity')
@ApiBearerAuth()
@Controller('api/v1/capacity/search')
export class MatchingController {
  constructor(private readonly matching: MatchingService) {}

  @Post()
  @HttpCode(200)
  @Roles('national', 'uor')
  @ApiOperation({
    summary: 'Where could this profile go? Coarse ranked candidates with the score breakdown and excluded counts; nothing is stored',
  })
  @ApiOkResponse({ type: SearchResultDto })
  @ApiErrors({ 422: ['unknown_province', 'unknown_region'], 503: ['catalogue_busy'] })
  search(@CurrentUser() p: Principal, @Body() dto: CapacitySearchDto) {
    return this.matching.search(p, dto);
  }
}
