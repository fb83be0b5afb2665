import { Body, Controller, HttpCode, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { CurrentUser, Roles } from '../auth/auth.decorators.js';
import type { Principal } from '../auth/principal.js';
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
    description: '`dryRun` (default true) only plans; `dryRun: false` applies the plan as proposals, all or nothing (409 plan_stale with what changed).',
  })
  plan(@CurrentUser() p: Principal, @Body() dto: BatchAssignmentDto) {
    return this.batch.plan(p, dto);
  }
}
