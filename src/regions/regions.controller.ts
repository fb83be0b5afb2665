import { Controller, Get } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Roles } from '../auth/auth.decorators.js';
import { ROLES } from '../auth/principal.js';
import { RegionsService } from './regions.service.js';

@ApiTags('reference data')
@ApiBearerAuth()
@Controller('api/v1/regions')
export class RegionsController {
  constructor(private readonly regions: RegionsService) {}

  @Get()
  @Roles(...ROLES)
  @ApiOperation({ summary: 'The 20 regions (ISTAT codes) with their provinces (sigla) and centroids' })
  list() {
    return this.regions.list();
  }
}
