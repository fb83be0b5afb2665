import { Body, Controller, Get, HttpCode, Param, Post, Put, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { ApiErrors, ApiIdempotencyKey, IdempotencyKey } from '../common/openapi.js';
import { AvailabilityDto, AvailabilityHistoryDto } from './dto/availability.response.js';
import { CurrentUser, Roles } from '../auth/auth.decorators.js';
import type { Principal } from '../auth/principal.js';
import { UuidParam } from '../common/id-param.js';
import { AvailabilityService } from './availability.service.js';
import { HistoryQuery } from './dto/history.query.js';
import { IntakeDto, UpdateAvailabilityDto } from './dto/update-availability.dto.js';

@ApiTags('availability')
@ApiBearerAuth()
@Controller('api/v1/facilities/:id/availability')
export class AvailabilityController {
  constructor(private readonly availability: AvailabilityService) {}

  @Get()
  @Roles('admin', 'uor', 'shelter_manager', 'national')
  @ApiOperation({ summary: 'Places by kind with held and free, version, confirmedAt and freshness (fresh, stale, unknown)' })
  @ApiOkResponse({ type: AvailabilityDto })
  get(@CurrentUser() p: Principal, @Param('id', UuidParam) id: string) {
    return this.availability.get(p, id);
  }

  @Put()
  @Roles('admin', 'shelter_manager')
  @ApiIdempotencyKey()
  @ApiOperation({
    summary:
      'Save the numbers (managers, admin): 409 version_conflict on a stale version (with currentVersion and the current availability as `current`), 422 when they do not add up',
  })
  @ApiOkResponse({ type: AvailabilityDto })
  @ApiErrors({ 400: ['invalid_idempotency_key'], 409: ['version_conflict'], 422: ['places_inconsistent', 'idempotency_key_reused'] })
  update(
    @CurrentUser() p: Principal,
    @Param('id', UuidParam) id: string,
    @Body() dto: UpdateAvailabilityDto,
    @IdempotencyKey() key?: string,
  ) {
    return this.availability.update(p, id, dto, key);
  }

  @Post('confirm')
  @HttpCode(200)
  @Roles('admin', 'shelter_manager')
  @ApiIdempotencyKey()
  @ApiOperation({ summary: '"Still true": refreshes confirmedAt without changing numbers' })
  @ApiOkResponse({ type: AvailabilityDto })
  @ApiErrors({ 400: ['invalid_idempotency_key'], 422: ['idempotency_key_reused'] })
  confirm(@CurrentUser() p: Principal, @Param('id', UuidParam) id: string, @IdempotencyKey() key?: string) {
    return this.availability.confirm(p, id, key);
  }

  @Post('intake')
  @HttpCode(200)
  @Roles('admin', 'shelter_manager')
  @ApiOperation({ summary: 'Pause or resume intake, with a note, without touching the numbers' })
  @ApiOkResponse({ type: AvailabilityDto })
  intake(@CurrentUser() p: Principal, @Param('id', UuidParam) id: string, @Body() dto: IntakeDto) {
    return this.availability.setIntake(p, id, dto.acceptingNewGuests, dto.note);
  }

  @Get('history')
  @Roles('admin', 'uor', 'shelter_manager', 'national')
  @ApiOperation({ summary: 'Every change of the beds, oldest first (managers, UOR of the region, admin)' })
  @ApiOkResponse({ type: AvailabilityHistoryDto })
  history(@CurrentUser() p: Principal, @Param('id', UuidParam) id: string, @Query() q: HistoryQuery) {
    return this.availability.history(p, id, q.afterId, q.limit ?? 200);
  }
}
