import { Injectable } from '@nestjs/common';
import { Transactions } from '../database/transactions.repository.js';

/** Whether a UOR's region has a proposal accepted by the facility (or a person placed there). */
@Injectable()
export class AddressRevealRepository {
  constructor(private readonly db: Transactions) {}

  async acceptedFor(regionCode: string, facilityId: string): Promise<boolean> {
    const rows = await this.db.manager().query(
      `SELECT 1 FROM proposal p JOIN placement_request r ON r.id = p.request_id
       LEFT JOIN placement pl ON pl.id = p.placement_id
       WHERE r.region_code = $1 AND p.facility_id = $2
         AND (p.status = 'accepted' OR (p.status = 'admitted' AND pl.status = 'active')) LIMIT 1`,
      [regionCode, facilityId],
    );
    return rows.length > 0;
  }
}
