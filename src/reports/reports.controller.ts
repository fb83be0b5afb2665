import { Readable } from 'node:stream';
import { Controller, Get, Headers, Param, Query, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiParam, ApiProduces, ApiProperty, ApiQuery, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { CurrentUser, Roles } from '../auth/auth.decorators.js';
import type { Principal } from '../auth/principal.js';
import { MONTHLY, REPORT_NAMES, SUMMARY } from './report-definitions.js';
import { ReportsService, XLSX_TYPE } from './reports.service.js';

/** A report as JSON (documentation only: its rows carry the report's own dimensions and measures). */
class ReportDto {
  @ApiProperty({ enum: REPORT_NAMES }) report: string;
  @ApiProperty({ format: 'date' }) from: string;
  @ApiProperty({ format: 'date' }) to: string;
  @ApiProperty({ type: 'object', additionalProperties: true, example: { regionCode: null } }) filters: Record<string, unknown>;
  @ApiProperty({ type: [String], description: 'the row dimensions (see `by`)' }) dimensions: string[];
  @ApiProperty({ description: 'true when small counts are shown as "<3" and cells that would reveal them are hidden' }) suppressed: boolean;
  @ApiProperty({
    type: 'array',
    items: { type: 'object', additionalProperties: true },
    description: 'a count may be "<3" or null (hidden)',
  })
  rows: Record<string, unknown>[];
  @ApiProperty({ type: 'object', additionalProperties: true }) totals: Record<string, unknown>;
}

@ApiTags('reports')
@ApiBearerAuth()
@Controller('api/v1/reports')
export class ReportsController {
  constructor(private readonly reports: ReportsService) {}

  @Get(':name')
  @Roles('national', 'admin', 'uor', 'shelter_manager')
  @ApiOperation({
    summary: 'A report of anonymous counts: people, occupancy, flow, declines, unmet, movements, and the monitoring sheet (summary)',
    description:
      'Scope: national and admin all regions, uor its region, shelter_manager its facilities. Counts of 1 or 2 show as "<3" where the scope spans several facilities; null hides a cell that would reveal one. ' +
      "`summary` answers the programme's monitoring sheet (people carried over and newly admitted by gender and adult/minor, accompanying children by sex, exploitation types, exits by reason with median stay, transfers, proposals, requests closed unplaced) instead of rows.",
  })
  @ApiParam({ name: 'name', enum: [...REPORT_NAMES, SUMMARY] })
  @ApiQuery({ name: 'from', required: false, example: '2026-01-01' })
  @ApiQuery({ name: 'to', required: false, example: '2026-12-31' })
  @ApiQuery({ name: 'regionCode', required: false, example: '07' })
  @ApiQuery({ name: 'by', required: false, description: 'row dimensions, comma-separated (default: all of the report)' })
  @ApiQuery({
    name: 'groupBy',
    required: false,
    enum: ['month'],
    description: `a row per month (\`month\`: YYYY-MM), for ${MONTHLY.join(', ')}`,
  })
  @ApiQuery({
    name: 'format',
    required: false,
    enum: ['json', 'csv', 'csv-it', 'xlsx'],
    description:
      '`csv`: the machine CSV (commas, codes); `xlsx`: a workbook for people, one sheet per table, Italian headers and labels, "<3" and "x" as on the page; `csv-it`: the same as a `;`-separated CSV (UTF-8 with BOM, decimal commas) that Excel with Italian settings opens',
  })
  @ApiProduces('application/json', 'text/csv', XLSX_TYPE)
  @ApiOkResponse({
    type: ReportDto,
    description:
      'JSON; with format=csv or Accept: text/csv, the same rows as CSV (UTF-8, header row); with format=xlsx or Accept: ' +
      `${XLSX_TYPE}, a workbook; with format=csv-it, the Italian CSV for people`,
  })
  async get(
    @CurrentUser() p: Principal,
    @Param('name') name: string,
    @Query() q: Record<string, unknown>,
    @Headers('accept') accept: string | undefined,
    @Res({ passthrough: true }) reply: FastifyReply,
  ) {
    const out = await this.reports.download(p, name, q, accept);
    reply.header('content-type', out.contentType);
    if (out.filename) reply.header('content-disposition', `attachment; filename="${out.filename}"`);
    // a year of people is 8 MB of JSON: many chunks go out as a stream (chunked transfer encoding)
    return out.chunks.length <= 4 ? Buffer.concat(out.chunks) : Readable.from(out.chunks);
  }
}
