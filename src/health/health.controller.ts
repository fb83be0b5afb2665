import { Controller, Get, Res } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { Public } from '../auth/auth.decorators.js';
import { Transactions } from '../database/transactions.repository.js';

@ApiTags('health')
@Controller('health')
export class HealthController {
  constructor(private readonly db: Transactions) {}

  @Get()
  @Public()
  @ApiOperation({ summary: 'Liveness and database readiness (503 when the database does not answer)' })
  async health(@Res({ passthrough: true }) reply: FastifyReply) {
    const started = Date.now();
    try {
      await this.db.ping();
      return { status: 'ok', database: { status: 'up', latencyMs: Date.now() - started } };
    } catch {
      void reply.status(503);
      return { status: 'degraded', database: { status: 'down' } };
    }
  }
}
