import { Controller, Get, Res } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { Public } from '../auth/auth.decorators.js';
import { Transactions } from '../database/transactions.repository.js';
import { OutboxAdminService } from '../notifications/outbox-admin.service.js';

@ApiTags('health')
@Controller('health')
export class HealthController {
  constructor(
    private readonly db: Transactions,
    private readonly outbox: OutboxAdminService,
  ) {}

  @Get()
  @Public()
  @ApiOperation({ summary: 'Liveness, database readiness (503 when it does not answer), outbox backlog and the age of the oldest unsent message' })
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
}
