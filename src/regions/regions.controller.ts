import { Body, Controller, Get, Param, Put } from '@nestjs/common';
import { ApiErrors } from '../common/openapi.js';
import { RegionContactViewDto, RegionDto } from './region.response.js';
import { IsEmail, IsOptional, Matches, MaxLength } from 'class-validator';
import { E164 } from '../common/dto-helpers.js';
import { DomainError } from '../domain/errors.js';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiProperty, ApiPropertyOptional, ApiTags } from '@nestjs/swagger';
import { Roles } from '../auth/auth.decorators.js';
import { ROLES } from '../auth/principal.js';
import { RegionsService } from './regions.service.js';

export class RegionContactDto {
  @ApiProperty({
    format: 'email',
    type: String,
    example: 'uor.liguria@example.org',
    nullable: true,
    description: 'where stale-availability escalations go',
  })
  @IsOptional()
  @IsEmail()
  @MaxLength(254)
  uorEmail: string | null;
  @ApiPropertyOptional({
    type: String,
    pattern: E164.source,
    example: '+390101234567',
    nullable: true,
    description: "the UOR's on-call office number (E.164), shown to the houses deciding its proposals; absent: unchanged",
  })
  @IsOptional()
  @Matches(E164, { message: 'uorOnCallPhone must be an E.164 number, e.g. +390101234567' })
  uorOnCallPhone?: string | null;
}

const REGION_CODE = /^[0-9]{2}$/;

@ApiTags('reference data')
@ApiBearerAuth()
@Controller('api/v1/regions')
export class RegionsController {
  constructor(private readonly regions: RegionsService) {}

  @Get()
  @Roles(...ROLES)
  @ApiOperation({ summary: 'The 20 regions (ISTAT codes) with their provinces (sigla) and centroids' })
  @ApiOkResponse({ type: [RegionDto] })
  list() {
    return this.regions.list();
  }

  @Put(':code/contact')
  @Roles('admin')
  @ApiOperation({ summary: "Set the region's UOR contact e-mail and on-call number (admin)" })
  @ApiOkResponse({ type: RegionContactViewDto })
  @ApiErrors({ 400: ['invalid_id'] })
  setContact(@Param('code') code: string, @Body() dto: RegionContactDto) {
    if (!REGION_CODE.test(code)) throw new DomainError('invalid_input', 'invalid_id', 'the region code must be two digits');
    return this.regions.setUorContact(code, dto.uorEmail ?? null, dto.uorOnCallPhone);
  }
}
