import { ApiProperty } from '@nestjs/swagger';

class CentroidDto {
  @ApiProperty() lat: number;
  @ApiProperty() lon: number;
}

class ProvinceDto {
  @ApiProperty({ example: 'GE' }) code: string;
  @ApiProperty({ example: 'Genova' }) name: string;
  @ApiProperty({ type: CentroidDto }) centroid: CentroidDto;
}

export class RegionDto {
  @ApiProperty({ example: '07' }) code: string;
  @ApiProperty({ example: 'Liguria' }) name: string;
  @ApiProperty({ type: String, nullable: true, example: '+390101234567', description: "the region's UOR on-call number (an office's)" })
  uorOnCallPhone: string | null;
  @ApiProperty({ type: [ProvinceDto] }) provinces: ProvinceDto[];
}

export class RegionContactViewDto {
  @ApiProperty({ example: '07' }) code: string;
  @ApiProperty({ type: String, nullable: true }) uorEmail: string | null;
  @ApiProperty({ type: String, nullable: true }) uorOnCallPhone: string | null;
}
