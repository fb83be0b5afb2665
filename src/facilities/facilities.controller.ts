import { Body, Controller, Get, HttpCode, Param, Patch, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { ApiErrors } from '../common/openapi.js';
import { FacilityDto, FacilityListDto } from './dto/facility.response.js';
import { CurrentUser, Roles } from '../auth/auth.decorators.js';
import type { Principal } from '../auth/principal.js';
import { UuidParam } from '../common/id-param.js';
import { CreateFacilityDto } from './dto/create-facility.dto.js';
import { ListFacilitiesQuery } from './dto/list-facilities.query.js';
import { UpdateFacilityDto } from './dto/update-facility.dto.js';
import { FacilitiesService } from './facilities.service.js';

@ApiTags('facilities')
@ApiBearerAuth()
@Controller('api/v1/facilities')
export class FacilitiesController {
  constructor(private readonly facilities: FacilitiesService) {}

  @Post()
  @HttpCode(201)
  @Roles('admin', 'uor')
  @ApiOperation({ summary: 'Register a facility (admin anywhere, UOR in its own region); the region derives from the province' })
  @ApiCreatedResponse({ type: FacilityDto })
  @ApiErrors({ 422: ['unknown_province', 'places_inconsistent'] })
  create(@CurrentUser() p: Principal, @Body() dto: CreateFacilityDto) {
    return this.facilities.create(p, dto);
  }

  @Get()
  @Roles('admin', 'uor', 'shelter_manager', 'national')
  @ApiOperation({ summary: 'List facilities as the caller may see them (filters: regionCode, provinceCode, type, kind, hasFree)' })
  @ApiOkResponse({ type: FacilityListDto })
  list(@CurrentUser() p: Principal, @Query() q: ListFacilitiesQuery) {
    return this.facilities.list(p, q);
  }

  @Get(':id')
  @Roles('admin', 'uor', 'shelter_manager', 'national')
  @ApiOperation({ summary: 'One facility as the caller may see it; 404 outside scope' })
  @ApiOkResponse({ type: FacilityDto })
  get(@CurrentUser() p: Principal, @Param('id', UuidParam) id: string) {
    return this.facilities.get(p, id);
  }

  @Patch(':id')
  @Roles('admin', 'uor')
  @ApiOperation({ summary: 'Edit descriptive fields (admin, UOR of the region); bed numbers change through /availability' })
  @ApiOkResponse({ type: FacilityDto })
  @ApiErrors({ 422: ['unknown_province', 'places_inconsistent'] })
  update(@CurrentUser() p: Principal, @Param('id', UuidParam) id: string, @Body() dto: UpdateFacilityDto) {
    return this.facilities.update(p, id, dto);
  }
}
