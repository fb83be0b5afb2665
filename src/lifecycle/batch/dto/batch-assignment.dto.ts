import { ApiPropertyOptional } from '@nestjs/swagger';
import { ArrayMaxSize, ArrayMinSize, ArrayUnique, IsArray, IsBoolean, IsNumber, IsOptional, IsUUID, Max, Min } from 'class-validator';

export class BatchAssignmentDto {
  @ApiPropertyOptional({
    description: 'open requests to plan; omit and set `all` to plan every open request in your scope',
    type: [String],
    format: 'uuid',
  })
  @IsOptional()
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(500)
  @ArrayUnique()
  @IsUUID('all', { each: true })
  requestIds?: string[];
  @ApiPropertyOptional({ description: 'every open request in your scope' }) @IsOptional() @IsBoolean() all?: boolean;
  @ApiPropertyOptional({ default: true, description: 'false: apply the plan as proposals (holds), all or nothing' })
  @IsOptional()
  @IsBoolean()
  dryRun?: boolean;
  @ApiPropertyOptional({ default: 10, description: 'solver time limit; past it the best feasible plan, flagged non-optimal' })
  @IsOptional()
  @IsNumber()
  @Min(0.1)
  @Max(30)
  timeLimitSeconds?: number;
}
