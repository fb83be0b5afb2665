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

  /** The region's UOR contact (e-mail for escalations, on-call number for the houses; phone undefined:
   * unchanged); null when the region does not exist. */
  async setUorContact(code: string, email: string | null, phone: string | null | undefined): Promise<{ phone: string | null } | null> {
    const r = await this.regions.query(
      `UPDATE region SET uor_email = $2, uor_on_call_phone = CASE WHEN $4 THEN $3 ELSE uor_on_call_phone END
        WHERE code = $1 RETURNING uor_on_call_phone AS phone`,
      [code, email, phone ?? null, phone !== undefined],
    );
    const rows = r[0] as { phone: string | null }[];
    return rows[0] ?? null;
  }
}
