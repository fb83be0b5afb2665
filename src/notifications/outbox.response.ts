import { ApiProperty } from '@nestjs/swagger';

export class OutboxMessageDto {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ example: 'proposal_created' }) event: string;
  @ApiProperty({ example: 'casa@example.org' }) recipient: string;
  @ApiProperty({ enum: ['pending', 'sent', 'failed'] }) status: string;
  @ApiProperty() attempts: number;
  @ApiProperty({ format: 'date-time' }) nextAttemptAt: string;
  @ApiProperty({ type: String, nullable: true }) lastError: string | null;
  @ApiProperty({ format: 'date-time' }) createdAt: string;
  @ApiProperty({ type: String, format: 'date-time', nullable: true }) sentAt: string | null;
}

export class OutboxListDto {
  @ApiProperty({ type: [OutboxMessageDto] }) items: OutboxMessageDto[];
}

export class OutboxRetryDto {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ enum: ['pending'] }) status: string;
}
