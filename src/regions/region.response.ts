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
  @ApiProperty({ type: [ProvinceDto] }) provinces: ProvinceDto[];
}

export class RegionContactViewDto {
  @ApiProperty({ example: '07' }) code: string;
  @ApiProperty({ type: String, nullable: true }) uorEmail: string | null;
}
