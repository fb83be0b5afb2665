import { Controller, Get, Res } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiServiceUnavailableResponse, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { MIGRATIONS } from '../../migrations/index.js';
import { Public } from '../auth/auth.decorators.js';
import { Transactions } from '../database/transactions.repository.js';
import { OutboxAdminService } from '../notifications/outbox-admin.service.js';
import { HealthDto, LiveDto, ReadyDto } from './health.dto.js';
import { HealthRepository } from './health.repository.js';
import { pendingMigrations } from './readiness.js';

const EXPECTED_MIGRATIONS = MIGRATIONS.map((m) => m.name);

@ApiTags('health')
@Controller('health')
export class HealthController {
  constructor(
    private readonly db: Transactions,
    private readonly outbox: OutboxAdminService,
    private readonly repo: HealthRepository,
  ) {}

  @Get()
  @Public()
  @ApiOperation({
    summary: 'Liveness, database readiness (503 when it does not answer), outbox backlog and the age of the oldest unsent message',
  })
  @ApiOkResponse({ type: HealthDto })
  @ApiServiceUnavailableResponse({ type: HealthDto, description: 'the database does not answer' })
  async health(@Res({ passthrough: true }) reply: FastifyReply) {
    const started = Date.now();
    try {
      await this.db.ping();
      const latencyMs = Date.now() - started;
      return { status: 'ok', database: { status: 'up', latencyMs }, outbox: await this.outbox.backlog() };
    } catch {
      void reply.status(503);
      return { status: 'degraded', database: { status: 'down' } };
    }
  }

  @Get('live')
  @Public()
  @ApiOperation({ summary: 'Liveness: the process answers (no database call); restart the container when it does not' })
  @ApiOkResponse({ type: LiveDto })
  live() {
    return { status: 'ok' };
  }

  @Get('ready')
  @Public()
  @ApiOperation({
    summary: 'Readiness: the database answers and every migration of this build is applied; 503 otherwise (send no traffic)',
  })
  @ApiOkResponse({ type: ReadyDto })
  @ApiServiceUnavailableResponse({ type: ReadyDto, description: 'database down or migrations pending' })
  async ready(@Res({ passthrough: true }) reply: FastifyReply) {
    let pending: string[];
    try {
      pending = pendingMigrations(EXPECTED_MIGRATIONS, await this.repo.appliedMigrations());
    } catch {
      void reply.status(503);
      return { status: 'not_ready', database: 'down' };
    }
    if (pending.length) {
      void reply.status(503);
      return { status: 'not_ready', database: 'up', pendingMigrations: pending.length };
    }
    return { status: 'ready', database: 'up', pendingMigrations: 0 };
  }
}
