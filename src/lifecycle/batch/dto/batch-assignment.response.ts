import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { BreakdownItemDto, ExploitationSignsDto } from '../../../matching/dto/search.response.js';
import { FACILITY_TYPES, PLACE_KINDS } from '../../../domain/types.js';

class ObjectiveDto {
  @ApiProperty({ description: 'people placed' }) placed: number;
  @ApiProperty({ description: 'sum of scores, rounded to cents' }) totalScore: number;
}

class PlannedDto extends ExploitationSignsDto {
  @ApiProperty({ format: 'uuid' }) requestId: string;
  @ApiProperty({ format: 'uuid' }) facilityId: string;
  @ApiProperty({ enum: PLACE_KINDS }) placeKind: string;
  @ApiProperty() distanceKm: number;
  @ApiProperty() score: number;
  @ApiProperty({ type: [BreakdownItemDto] }) breakdown: BreakdownItemDto[];
  @ApiProperty({ enum: FACILITY_TYPES }) type: string;
  @ApiProperty() regionCode: string;
  @ApiProperty() provinceCode: string;
  @ApiPropertyOptional({ description: 'UOR callers only (national and admin read the plan coarse)' }) facilityName?: string;
}

class UnplacedDto {
  @ApiProperty({ format: 'uuid' }) requestId: string;
  @ApiProperty({ example: 'capacity_taken' }) reason: string;
  @ApiProperty() candidateFacilities: number;
}

class SolverDto {
  @ApiProperty({ example: 'Optimal' }) status: string;
  @ApiProperty({ type: String, enum: ['lp_relaxation', 'mip'], nullable: true }) method: string | null;
  @ApiProperty({ enum: ['solver', 'greedy', 'trivial'] }) source: string;
  @ApiProperty() variables: number;
  @ApiProperty() constraints: number;
  @ApiProperty() timeMs: number;
}

export class BatchAssignmentResultDto {
  @ApiProperty() dryRun: boolean;
  @ApiProperty({ description: 'the plan is proven optimal' }) optimal: boolean;
  @ApiProperty({ type: ObjectiveDto }) objective: ObjectiveDto;
  @ApiProperty({ type: ObjectiveDto, description: 'the arrival-order greedy plan' }) greedy: ObjectiveDto;
  @ApiProperty({ type: ObjectiveDto, description: 'objective minus greedy' }) gain: ObjectiveDto;
  @ApiProperty({ type: [PlannedDto] }) plan: PlannedDto[];
  @ApiProperty({ type: [UnplacedDto] }) unplaced: UnplacedDto[];
  @ApiProperty({ type: SolverDto }) solver: SolverDto;
}
