import { Injectable } from '@nestjs/common';
import type { SqlPart } from '../database/sql-parts.js';
import { Transactions, type Tx } from '../database/transactions.repository.js';
import { AuditLogEntity } from './audit.entity.js';

export interface AuditEntry {
  actorSub: string;
  actorRole: string;
  action: string;
  objectType: string;
  objectId?: string | null;
  outcome?: string;
  details?: Record<string, unknown> | null;
}

export interface AuditFilter {
  actorSub?: string;
  action?: string;
  objectType?: string;
  objectId?: string;
  from?: Date;
  to?: Date;
  limit: number;
  beforeId?: string;
}

@Injectable()
export class AuditRepository {
  constructor(private readonly db: Transactions) {}

  /** On the ambient transaction when there is one (see Transactions.manager). */
  private get repo() {
    return this.db.repository(AuditLogEntity);
  }

  async append(tx: Tx | null, e: AuditEntry, at: Date): Promise<void> {
    const target = tx ? tx.getRepository(AuditLogEntity) : this.repo;
    await target.insert({ ...e, objectId: e.objectId ?? null, outcome: e.outcome ?? 'ok', details: e.details ?? null, at });
  }

  /** The same row as `append`, as a part of a unit of work's one statement (see sql-parts). */
  appendPart(e: AuditEntry, at: Date): SqlPart {
    return {
      sql: `INSERT INTO audit_log (at, actor_sub, actor_role, action, object_type, object_id, outcome, details) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`,
      params: [at, e.actorSub, e.actorRole, e.action, e.objectType, e.objectId ?? null, e.outcome ?? 'ok', e.details ?? null],
    };
  }

  /** Many entries at once (a bulk import), in chunks of one statement each. */
  async appendMany(tx: Tx, entries: AuditEntry[], at: Date): Promise<void> {
    for (let i = 0; i < entries.length; i += 1000)
      await tx
        .getRepository(AuditLogEntity)
        .insert(
          entries
            .slice(i, i + 1000)
            .map((e) => ({ ...e, objectId: e.objectId ?? null, outcome: e.outcome ?? 'ok', details: e.details ?? null, at })),
        );
  }

  /** Newest first, keyset paging on id. */
  async find(f: AuditFilter): Promise<AuditLogEntity[]> {
    const qb = this.repo.createQueryBuilder('a').orderBy('a.id', 'DESC').limit(f.limit);
    if (f.actorSub) qb.andWhere('a.actor_sub = :actorSub', { actorSub: f.actorSub });
    if (f.action) qb.andWhere('a.action = :action', { action: f.action });
    if (f.objectType) qb.andWhere('a.object_type = :objectType', { objectType: f.objectType });
    if (f.objectId) qb.andWhere('a.object_id = :objectId', { objectId: f.objectId });
    if (f.from) qb.andWhere('a.at >= :from', { from: f.from });
    if (f.to) qb.andWhere('a.at < :to', { to: f.to });
    if (f.beforeId) qb.andWhere('a.id < :beforeId', { beforeId: f.beforeId });
    return qb.getMany();
  }
}
