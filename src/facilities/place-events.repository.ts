import { Injectable } from '@nestjs/common';
import type { SqlPart } from '../database/sql-parts.js';
import { Transactions, type Tx } from '../database/transactions.repository.js';
import type { PlaceKind } from '../domain/types.js';
import { AvailabilityEventEntity } from './place-event.entity.js';

export type AvailabilityEventType =
  'created' | 'manager_update' | 'confirm' | 'intake_paused' | 'intake_resumed' | 'hold' | 'release' | 'admission' | 'discharge';

/** Changes of one kind's numbers; summing every delta from zero gives the current numbers. */
export interface PlaceNumbers {
  total: number;
  occupied: number;
  outOfService: number;
  held: number;
}

export interface NewAvailabilityEvent {
  facilityId: string;
  kind?: PlaceKind | null;
  type: AvailabilityEventType;
  actorSub: string;
  actorRole: string;
  at: Date;
  delta?: PlaceNumbers | null;
  after?: (PlaceNumbers & { childCapacity?: number | null }) | null;
  holdId?: string | null;
  details?: Record<string, unknown> | null;
}

@Injectable()
export class AvailabilityEventsRepository {
  constructor(private readonly db: Transactions) {}

  /** On the ambient transaction when there is one (see Transactions.manager). */
  private get events() {
    return this.db.repository(AvailabilityEventEntity);
  }

  async append(tx: Tx, events: NewAvailabilityEvent[]): Promise<void> {
    // chunks: one statement may carry at most 65,535 parameters (a bulk import appends thousands)
    for (let i = 0; i < events.length; i += 1000) await this.insert(tx, events.slice(i, i + 1000));
  }

  private async insert(tx: Tx, events: NewAvailabilityEvent[]): Promise<void> {
    await tx.getRepository(AvailabilityEventEntity).insert(
      events.map((e) => ({
        ...e,
        kind: e.kind ?? null,
        delta: (e.delta as unknown as Record<string, number>) ?? null,
        after: (e.after as unknown as Record<string, number>) ?? null,
        holdId: e.holdId ?? null,
        details: e.details ?? null,
      })),
    );
  }

  /** One event, as a write of a unit of work's one statement. */
  appendPart(e: NewAvailabilityEvent): SqlPart {
    return {
      sql: `INSERT INTO availability_event (facility_id, kind, type, actor_sub, actor_role, at, delta, after, hold_id, details) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)`,
      params: [
        e.facilityId,
        e.kind ?? null,
        e.type,
        e.actorSub,
        e.actorRole,
        e.at,
        e.delta ?? null,
        e.after ?? null,
        e.holdId ?? null,
        e.details ?? null,
      ],
    };
  }

  /** Oldest first, keyset paging. */
  findForFacility(facilityId: string, afterId: string | undefined, limit: number): Promise<AvailabilityEventEntity[]> {
    const qb = this.events.createQueryBuilder('e').where('e.facility_id = :facilityId', { facilityId }).orderBy('e.id', 'ASC').limit(limit);
    if (afterId) qb.andWhere('e.id > :afterId', { afterId });
    return qb.getMany();
  }
}
