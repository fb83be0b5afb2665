import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';

class DatabaseStatusDto {
  @ApiProperty({ enum: ['up', 'down'] }) status: string;
  @ApiPropertyOptional({ example: 2 }) latencyMs?: number;
}

class OutboxBacklogDto {
  @ApiProperty({ example: 0 }) pending: number;
  @ApiProperty({ example: 0 }) failed: number;
  @ApiProperty({ type: Number, nullable: true, example: null, description: 'seconds' }) oldestPendingSeconds: number | null;
}

export class HealthDto {
  @ApiProperty({ enum: ['ok', 'degraded'] }) status: string;
  @ApiProperty({ type: DatabaseStatusDto }) database: DatabaseStatusDto;
  @ApiPropertyOptional({ type: OutboxBacklogDto }) outbox?: OutboxBacklogDto;
}

export class LiveDto {
  @ApiProperty({ enum: ['ok'] }) status: string;
}

export class ReadyDto {
  @ApiProperty({ enum: ['ready', 'not_ready'] }) status: string;
  @ApiProperty({ enum: ['up', 'down'] }) database: string;
  @ApiPropertyOptional({ example: 0, description: 'migrations of this build not yet applied' }) pendingMigrations?: number;
}
