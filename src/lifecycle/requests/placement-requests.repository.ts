import { Injectable } from '@nestjs/common';
import { In } from 'typeorm';
import { Transactions, type Tx } from '../../database/transactions.repository.js';
import { PlacementRequestEntity, type RequestStatus } from './placement-request.entity.js';

@Injectable()
export class PlacementRequestsRepository {
  constructor(private readonly db: Transactions) {}

  /** On the ambient transaction when there is one (see Transactions.manager). */
  private get repo() {
    return this.db.repository(PlacementRequestEntity);
  }

  async insert(tx: Tx, e: PlacementRequestEntity): Promise<void> {
    await tx.getRepository(PlacementRequestEntity).insert(e);
  }

  findById(id: string, tx?: Tx): Promise<PlacementRequestEntity | null> {
    return (tx ? tx.getRepository(PlacementRequestEntity) : this.repo).findOneBy({ id });
  }

  /** Row lock: decisions on one request (accept, withdraw, cancel) are serialised on it. */
  lockById(tx: Tx, id: string): Promise<PlacementRequestEntity | null> {
    return tx.getRepository(PlacementRequestEntity).findOne({ where: { id }, lock: { mode: 'pessimistic_write' } });
  }

  /** The request a proposal belongs to, locked, in one statement (decisions lock the request before the proposal). */
  lockByProposalId(tx: Tx, proposalId: string): Promise<PlacementRequestEntity | null> {
    return tx
      .getRepository(PlacementRequestEntity)
      .createQueryBuilder('r')
      .where('r.id = (SELECT p.request_id FROM proposal p WHERE p.id = :proposalId)', { proposalId })
      .setLock('pessimistic_write')
      .getOne();
  }

  async update(tx: Tx, id: string, patch: Partial<PlacementRequestEntity>): Promise<void> {
    await tx.getRepository(PlacementRequestEntity).update({ id }, patch);
  }

  list(f: { regionCode?: string; status?: RequestStatus; limit: number; offset: number }): Promise<PlacementRequestEntity[]> {
    return this.repo.find({
      where: { ...(f.regionCode ? { regionCode: f.regionCode } : {}), ...(f.status ? { status: f.status } : {}) },
      order: { createdAt: 'DESC', id: 'ASC' },
      take: f.limit,
      skip: f.offset,
    });
  }

  /** Open requests, oldest first: of a region (or every region), optionally only these ids. */
  findOpen(regionCode: string | undefined, ids: string[] | undefined): Promise<PlacementRequestEntity[]> {
    return this.repo.find({
      where: { status: 'open', ...(regionCode ? { regionCode } : {}), ...(ids ? { id: In(ids) } : {}) },
      order: { createdAt: 'ASC', id: 'ASC' },
      take: 500,
    });
  }
}
