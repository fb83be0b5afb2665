import { Controller, Get, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { CapacityDto } from './capacity.response.js';
import { Roles } from '../auth/auth.decorators.js';
import { CapacityService } from './capacity.service.js';
import { CapacityQuery } from './dto/capacity.query.js';

@ApiTags('capacity')
@ApiBearerAuth()
@Controller('api/v1/capacity')
export class CapacityController {
  constructor(private readonly capacity: CapacityService) {}

  @Get()
  @Roles('national', 'uor', 'admin')
  @ApiOperation({
    summary: 'Free places by region, province, type and kind, with stale/unknown/paused counts',
    description: '`free` counts fresh facilities accepting guests; `freeStale` those whose data is stale; unknown facilities are never counted free.',
  })
  @ApiOkResponse({ type: CapacityDto })
  get(@Query() q: CapacityQuery) {
    return this.capacity.capacity(q);
  }
}
