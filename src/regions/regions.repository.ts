import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { Repository } from 'typeorm';
import { ProvinceEntity, RegionEntity } from './region.entity.js';

@Injectable()
export class RegionsRepository {
  constructor(
    @InjectRepository(RegionEntity) private readonly regions: Repository<RegionEntity>,
    @InjectRepository(ProvinceEntity) private readonly provinces: Repository<ProvinceEntity>,
  ) {}

  findAllWithProvinces(): Promise<RegionEntity[]> {
    return this.regions.find({ relations: { provinces: true }, order: { code: 'ASC', provinces: { code: 'ASC' } } });
  }

  findAllProvinces(): Promise<ProvinceEntity[]> {
    return this.provinces.find({ order: { code: 'ASC' } });
  }

  /** The region's UOR contact, for escalations; false when the region does not exist. */
  async setUorEmail(code: string, email: string | null): Promise<boolean> {
    const r = await this.regions.query(`UPDATE region SET uor_email = $2 WHERE code = $1 RETURNING code`, [code, email]);
    return (r[0] as unknown[]).length > 0;
  }
}
