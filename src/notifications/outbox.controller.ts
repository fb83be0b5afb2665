import { Controller, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiPropertyOptional, ApiTags } from '@nestjs/swagger';
import { ApiErrors } from '../common/openapi.js';
import { OutboxListDto, OutboxRetryDto } from './outbox.response.js';
import { IsIn, IsInt, IsOptional, Max, Min } from 'class-validator';
import { Roles } from '../auth/auth.decorators.js';
import { ToInt } from '../common/dto-helpers.js';
import { UuidParam } from '../common/id-param.js';
import { OutboxAdminService } from './outbox-admin.service.js';

export class OutboxQuery {
  @ApiPropertyOptional({ enum: ['pending', 'sent', 'failed'] }) @IsOptional() @IsIn(['pending', 'sent', 'failed']) status?:
    'pending' | 'sent' | 'failed';
  @ApiPropertyOptional({ default: 100 }) @IsOptional() @ToInt() @IsInt() @Min(1) @Max(1000) limit?: number;
}

@ApiTags('admin')
@ApiBearerAuth()
@Controller('api/v1/admin/outbox')
export class OutboxController {
  constructor(private readonly outbox: OutboxAdminService) {}

  @Get()
  @Roles('admin')
  @ApiOperation({ summary: 'Outbox messages (e.g. ?status=failed): recipients and events, no bodies' })
  @ApiOkResponse({ type: OutboxListDto })
  list(@Query() q: OutboxQuery) {
    return this.outbox.list(q.status, q.limit ?? 100);
  }

  @Post(':id/retry')
  @HttpCode(200)
  @Roles('admin')
  @ApiOperation({ summary: 'Queue a failed message again' })
  @ApiOkResponse({ type: OutboxRetryDto })
  @ApiErrors({ 409: ['not_failed'] })
  retry(@Param('id', UuidParam) id: string) {
    return this.outbox.retry(id);
  }
}
