import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsBoolean, IsOptional } from 'class-validator';
import { ToBoolean } from '../../common/dto-helpers.js';

export class ImportFacilitiesQuery {
  @ApiPropertyOptional({ default: true, description: 'true (default): only check, and report every row; false: apply all or nothing' })
  @IsOptional()
  @ToBoolean()
  @IsBoolean()
  dryRun?: boolean;
}

export class ImportProblemDto {
  @ApiProperty({ description: 'line of the file where the row starts (1 = header)' }) line: number;
  @ApiPropertyOptional() externalCode?: string;
  @ApiProperty({ example: 'provinceCode', description: 'the CSV column' }) field: string;
  @ApiProperty({ type: [String] }) problems: string[];
}

export class ImportReportDto {
  @ApiProperty() dryRun: boolean;
  @ApiProperty({ description: 'every row is valid' }) valid: boolean;
  @ApiProperty({ description: 'the rows were written (dryRun=false and valid)' }) applied: boolean;
  @ApiProperty({ description: 'data rows read' }) rows: number;
  @ApiProperty({ description: 'new facilities (to be) created' }) created: number;
  @ApiProperty({ description: 'existing facilities (same region and externalCode) whose descriptive fields change' }) updated: number;
  @ApiProperty({ description: 'existing facilities the row does not change' }) unchanged: number;
  @ApiProperty({ type: [ImportProblemDto] }) errors: ImportProblemDto[];
}
