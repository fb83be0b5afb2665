import { Body, Controller, Get, Headers, HttpCode, Param, Patch, Post, Query, Res } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import { AcceptsCsv, unsupportedMediaType } from '../common/body-parsers.js';
import {
  ApiBearerAuth,
  ApiBody,
  ApiConsumes,
  ApiCreatedResponse,
  ApiExtraModels,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
  getSchemaPath,
} from '@nestjs/swagger';
import { ApiErrors } from '../common/openapi.js';
import { FacilityDto, FacilityListDto } from './dto/facility.response.js';
import { ImportFacilitiesQuery, ImportReportDto } from './dto/import-facilities.dto.js';
import { FacilityImportService } from './facility-import.service.js';
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
  constructor(
    private readonly facilities: FacilitiesService,
    private readonly importer: FacilityImportService,
  ) {}

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
  @ApiOperation({
    summary:
      'List facilities as the caller may see them (filters: regionCode, provinceCode, type, kind, hasFree); `format=csv` or `Accept: text/csv` exports them all as CSV',
  })
  @ApiExtraModels(FacilityListDto)
  @ApiOkResponse({
    content: {
      'application/json': { schema: { $ref: getSchemaPath(FacilityListDto) } },
      'text/csv': { schema: { type: 'string', description: 'one line per facility; no addresses' } },
    },
  })
  async list(
    @CurrentUser() p: Principal,
    @Query() q: ListFacilitiesQuery,
    @Headers('accept') accept: string | undefined,
    @Res({ passthrough: true }) reply: FastifyReply,
  ) {
    if (q.format === 'csv' || (!q.format && /\btext\/csv\b/.test(accept ?? ''))) {
      void reply.header('content-type', 'text/csv; charset=utf-8').header('content-disposition', 'attachment; filename="facilities.csv"');
      return this.facilities.exportCsv(p, q);
    }
    return this.facilities.list(p, q);
  }

  @Post('import')
  @HttpCode(200)
  @Roles('admin', 'uor')
  @AcceptsCsv()
  @ApiOperation({
    summary:
      "Import a region's facilities from CSV (admin; UOR for its own region): a dry run by default reports every row's problems; dryRun=false applies all or nothing",
    description:
      'Columns as in the CSV export, plus `address`, `lat`, `lon`; comma, semicolon or tab separated; lists separated by `|`. Rows match existing facilities by region and `externalCode` (required): a second import of the same file creates nothing. Place numbers of existing facilities change through /availability.',
  })
  @ApiConsumes('text/csv')
  @ApiBody({ schema: { type: 'string' } })
  @ApiOkResponse({ type: ImportReportDto })
  @ApiErrors({ 400: ['csv_invalid'], 409: ['external_code_taken'], 422: ['import_invalid'] })
  importCsv(@CurrentUser() p: Principal, @Query() q: ImportFacilitiesQuery, @Body() csv: unknown) {
    if (csv !== undefined && typeof csv !== 'string') throw unsupportedMediaType(true);
    return this.importer.import(p, csv ?? '', q.dryRun ?? true);
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
