import { Body, Controller, HttpCode, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { ApiErrors } from '../../common/openapi.js';
import { BatchAssignmentResultDto } from './dto/batch-assignment.response.js';
import { CurrentUser, Roles } from '../../auth/auth.decorators.js';
import type { Principal } from '../../auth/principal.js';
import { BatchAssignmentService } from './batch-assignment.service.js';
import { BatchAssignmentDto } from './dto/batch-assignment.dto.js';

@ApiTags('placement requests')
@ApiBearerAuth()
@Controller('api/v1/placement-requests/batch-assignment')
export class BatchAssignmentController {
  constructor(private readonly batch: BatchAssignmentService) {}

  @Post()
  @HttpCode(200)
  @Roles('uor', 'national', 'admin')
  @ApiOperation({
    summary: 'Plan open requests together: most people placed, then best total score, against the greedy arrival-order plan',
    description:
      '`dryRun` (default true) only plans; `dryRun: false` applies the plan as proposals, all or nothing (409 plan_stale with what changed).',
  })
  @ApiOkResponse({ type: BatchAssignmentResultDto })
  @ApiErrors({ 404: ['not_found'], 409: ['plan_stale', 'request_not_open'] })
  plan(@CurrentUser() p: Principal, @Body() dto: BatchAssignmentDto) {
    return this.batch.plan(p, dto);
  }
}
