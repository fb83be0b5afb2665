import { Injectable } from '@nestjs/common';
import type { SqlPart } from '../../database/sql-parts.js';
import { Transactions, type Tx } from '../../database/transactions.repository.js';
import { PlacementEntity } from './placement.entity.js';

@Injectable()
export class PlacementsRepository {
  constructor(private readonly db: Transactions) {}

  /** On the ambient transaction when there is one (see Transactions.manager). */
  private get repo() {
    return this.db.repository(PlacementEntity);
  }

  async insert(tx: Tx, e: PlacementEntity): Promise<void> {
    await tx.getRepository(PlacementEntity).insert(e);
  }

  findById(id: string, tx?: Tx): Promise<PlacementEntity | null> {
    return (tx ? tx.getRepository(PlacementEntity) : this.repo).findOneBy({ id });
  }

  /** Where a placement is and whether it is active, as a read of one statement. */
  wherePart(id: string): SqlPart {
    return { sql: `SELECT status, facility_id AS "facilityId" FROM placement WHERE id = $1`, params: [id] };
  }

  lockById(tx: Tx, id: string): Promise<PlacementEntity | null> {
    return tx.getRepository(PlacementEntity).findOne({ where: { id }, lock: { mode: 'pessimistic_write' } });
  }

  async update(tx: Tx, id: string, patch: Partial<PlacementEntity>): Promise<void> {
    await tx.getRepository(PlacementEntity).update({ id }, patch);
  }
}
