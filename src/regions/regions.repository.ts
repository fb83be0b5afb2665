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
}
