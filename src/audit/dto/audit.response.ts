import { ApiProperty } from '@nestjs/swagger';

class AuditActorDto {
  @ApiProperty() sub: string;
  @ApiProperty() role: string;
}

export class AuditEntryDto {
  @ApiProperty({ type: String, description: 'opaque, decreasing; use as beforeId' }) id: string;
  @ApiProperty({ format: 'date-time' }) at: string;
  @ApiProperty({ type: AuditActorDto }) actor: AuditActorDto;
  @ApiProperty({ example: 'facility.read_secret_address' }) action: string;
  @ApiProperty({ example: 'facility' }) objectType: string;
  @ApiProperty({ type: String, nullable: true }) objectId: string | null;
  @ApiProperty({ example: 'ok' }) outcome: string;
  @ApiProperty({ type: 'object', additionalProperties: true, nullable: true }) details: Record<string, unknown> | null;
}

export class AuditPageDto {
  @ApiProperty({ type: [AuditEntryDto] }) items: AuditEntryDto[];
  @ApiProperty({ type: String, nullable: true, description: 'pass as beforeId for the next page; null on the last' }) nextBeforeId:
    string | null;
}
