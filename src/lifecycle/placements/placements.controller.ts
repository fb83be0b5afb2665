import { Body, Controller, Get, HttpCode, Param, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { ApiErrors } from '../../common/openapi.js';
import { PlacementDto } from './placement.response.js';
import { CurrentUser, Roles } from '../../auth/auth.decorators.js';
import type { Principal } from '../../auth/principal.js';
import { UuidParam } from '../../common/id-param.js';
import { DischargeDto } from '../proposals/dto/proposal.dto.js';
import { PlacementsService } from './placements.service.js';

@ApiTags('placements')
@ApiBearerAuth()
@Controller('api/v1/placements')
export class PlacementsController {
  constructor(private readonly placements: PlacementsService) {}

  @Get(':id')
  @Roles('shelter_manager', 'uor', 'admin')
  @ApiOperation({ summary: 'One placement (its facility managers, the UOR of the request, admin)' })
  @ApiOkResponse({ type: PlacementDto })
  get(@CurrentUser() p: Principal, @Param('id', UuidParam) id: string) {
    return this.placements.get(p, id);
  }

  @Post(':id/discharge')
  @HttpCode(200)
  @Roles('shelter_manager', 'uor', 'admin')
  @ApiOperation({ summary: 'Discharge (completed, transferred, left, assisted_return, other): frees the place, closes the request' })
  @ApiOkResponse({ type: PlacementDto })
  @ApiErrors({
    409: ['already_discharged'],
    422: ['nothing_occupied', 'discharge_date_in_future', 'discharge_date_before_admission', 'discharge_time_in_future'],
  })
  discharge(@CurrentUser() p: Principal, @Param('id', UuidParam) id: string, @Body() dto: DischargeDto) {
    return this.placements.discharge(p, id, dto.reason, dto.date, dto.time);
  }
}
