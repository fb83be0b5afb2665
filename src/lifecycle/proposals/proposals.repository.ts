import { Injectable } from '@nestjs/common';
import { In } from 'typeorm';
import { Transactions, type Tx } from '../../database/transactions.repository.js';
import { LIVE_PROPOSAL, ProposalEntity, type ProposalStatus } from './proposal.entity.js';

export interface ProposalFilter {
  facilityIds?: string[];
  regionCode?: string;
  requestId?: string;
  status?: ProposalStatus;
  limit: number;
  offset: number;
}

@Injectable()
export class ProposalsRepository {
  constructor(private readonly db: Transactions) {}

  /** On the ambient transaction when there is one (see Transactions.manager). */
  private get repo() {
    return this.db.repository(ProposalEntity);
  }

  async insert(tx: Tx, e: ProposalEntity): Promise<void> {
    await tx.getRepository(ProposalEntity).insert(e);
  }

  findById(id: string, tx?: Tx): Promise<ProposalEntity | null> {
    return (tx ? tx.getRepository(ProposalEntity) : this.repo).findOneBy({ id });
  }

  lockById(tx: Tx, id: string): Promise<ProposalEntity | null> {
    return tx.getRepository(ProposalEntity).findOne({ where: { id }, lock: { mode: 'pessimistic_write' } });
  }

  async update(tx: Tx, id: string, patch: Partial<ProposalEntity>): Promise<void> {
    await tx.getRepository(ProposalEntity).update({ id }, patch);
  }

  findLiveForRequest(tx: Tx, requestId: string): Promise<ProposalEntity[]> {
    return tx.getRepository(ProposalEntity).find({ where: { requestId, status: In(LIVE_PROPOSAL) }, order: { createdAt: 'ASC' } });
  }

  findForRequest(requestId: string): Promise<ProposalEntity[]> {
    return this.repo.find({ where: { requestId }, order: { createdAt: 'ASC', id: 'ASC' } });
  }

  findByHoldId(tx: Tx, holdId: string): Promise<ProposalEntity | null> {
    return tx.getRepository(ProposalEntity).findOneBy({ holdId });
  }

  async list(f: ProposalFilter): Promise<ProposalEntity[]> {
    const qb = this.repo.createQueryBuilder('p').orderBy('p.created_at', 'DESC').addOrderBy('p.id', 'ASC').take(f.limit).skip(f.offset);
    if (f.facilityIds) qb.andWhere('p.facility_id = ANY(:facilityIds)', { facilityIds: f.facilityIds });
    if (f.regionCode)
      qb.andWhere('p.request_id IN (SELECT id FROM placement_request WHERE region_code = :regionCode)', { regionCode: f.regionCode });
    if (f.requestId) qb.andWhere('p.request_id = :requestId', { requestId: f.requestId });
    if (f.status) qb.andWhere('p.status = :status', { status: f.status });
    return qb.getMany();
  }
}
