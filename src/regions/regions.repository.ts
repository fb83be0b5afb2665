import { Injectable } from '@nestjs/common';
import { Transactions } from '../database/transactions.repository.js';
import { ProvinceEntity, RegionEntity } from './region.entity.js';

@Injectable()
export class RegionsRepository {
  constructor(private readonly db: Transactions) {}

  private get regions() {
    return this.db.repository(RegionEntity);
  }

  private get provinces() {
    return this.db.repository(ProvinceEntity);
  }

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
