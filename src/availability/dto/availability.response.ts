import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { FRESHNESS, PlaceViewDto } from '../../facilities/dto/facility.response.js';
import { PLACE_KINDS } from '../../domain/types.js';

export class AvailabilityDto {
  @ApiProperty({ format: 'uuid' }) facilityId: string;
  @ApiProperty({ description: 'send it back with PUT (optimistic locking)' }) version: number;
  @ApiProperty({ type: String, format: 'date-time', nullable: true }) confirmedAt: string | null;
  @ApiProperty({ enum: FRESHNESS }) freshness: string;
  @ApiProperty() stale: boolean;
  @ApiProperty() acceptingNewGuests: boolean;
  @ApiPropertyOptional({ type: String, nullable: true, description: 'full view only' }) intakeNote?: string | null;
  @ApiProperty({ type: [PlaceViewDto] }) places: PlaceViewDto[];
}

class ActorDto {
  @ApiProperty() sub: string;
  @ApiProperty() role: string;
}

export class AvailabilityEventDto {
  @ApiProperty({ type: String, description: 'opaque, increasing; use as afterId' }) id: string;
  @ApiProperty({ format: 'date-time' }) at: string;
  @ApiProperty({ example: 'manager_update' }) type: string;
  @ApiProperty({ type: String, enum: PLACE_KINDS, nullable: true }) kind: string | null;
  @ApiProperty({ type: ActorDto }) actor: ActorDto;
  @ApiProperty({ type: 'object', additionalProperties: true, nullable: true, description: 'change of total, occupied, outOfService, held' })
  delta: Record<string, number> | null;
  @ApiProperty({ type: 'object', additionalProperties: true, nullable: true, description: 'numbers after the change' }) after: Record<
    string,
    unknown
  > | null;
  @ApiProperty({ type: String, format: 'uuid', nullable: true }) holdId: string | null;
  @ApiProperty({ type: 'object', additionalProperties: true, nullable: true }) details: Record<string, unknown> | null;
}

export class AvailabilityHistoryDto {
  @ApiProperty({ format: 'uuid' }) facilityId: string;
  @ApiProperty({ type: [AvailabilityEventDto] }) events: AvailabilityEventDto[];
  @ApiProperty({ type: String, nullable: true, description: 'pass as afterId for the next page; null on the last' }) nextAfterId:
    string | null;
}
