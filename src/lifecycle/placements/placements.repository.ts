import type { PersonProfile } from '../../domain/types.js';
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

  /**
   * A discharge's first statement: the placement row locked, then its facility's and its place
   * kind's (the order bed writers take), with the request and facility columns the checks, the
   * fact and the answer need. Null when there is no placement.
   */
  async lockForDischarge(
    tx: Tx,
    id: string,
  ): Promise<{
    placement: PlacementEntity;
    request: { regionCode: string; urgency: string; createdAt: Date; profile: PersonProfile | null };
    facility: { regionCode: string | null; type: string | null };
  } | null> {
    const [row] = await this.db.named(
      tx,
      `WITH pl AS (SELECT * FROM placement WHERE id = $1 FOR UPDATE)
       SELECT pl.id, pl.request_id AS "requestId", pl.proposal_id AS "proposalId", pl.facility_id AS "facilityId", pl.place_kind AS "placeKind",
              pl.status, pl.admitted_at AS "admittedAt", pl.discharged_at AS "dischargedAt", pl.discharge_date::text AS "dischargeDate",
              pl.discharge_reason AS "dischargeReason",
              r.region_code AS "rRegionCode", r.urgency AS "rUrgency", r.created_at AS "rCreatedAt", r.profile AS "rProfile",
              f.region_code AS "fRegionCode", f.type AS "fType",
              (SELECT true FROM facility x WHERE x.id = pl.facility_id FOR UPDATE) AS "facilityLocked",
              (SELECT true FROM facility_place x WHERE x.facility_id = pl.facility_id AND x.kind = pl.place_kind FOR UPDATE) AS "placeLocked"
       FROM pl JOIN placement_request r ON r.id = pl.request_id LEFT JOIN facility f ON f.id = pl.facility_id`,
      [id],
    );
    if (!row) return null;
    const {
      rRegionCode,
      rUrgency,
      rCreatedAt,
      rProfile,
      fRegionCode,
      fType,
      facilityLocked: _f,
      placeLocked: _p,
      ...placement
    } = row as PlacementEntity & Record<string, never>;
    return {
      placement,
      // the profile: who leaves, for the report's discharge fact (null once erased)
      request: { regionCode: rRegionCode, urgency: rUrgency, createdAt: rCreatedAt, profile: rProfile },
      facility: { regionCode: fRegionCode, type: fType },
    };
  }

  /** As a write of a unit of work's one statement. */
  insertPart(e: PlacementEntity): SqlPart {
    return {
      sql: `INSERT INTO placement (id, request_id, proposal_id, facility_id, place_kind, status, admitted_at) VALUES ($1, $2, $3, $4, $5, $6, $7)`,
      params: [e.id, e.requestId, e.proposalId, e.facilityId, e.placeKind, e.status, e.admittedAt],
    };
  }

  /** A transfer's previous placement with its request's and facility's columns a discharge fact needs, as a read of one statement. */
  transferFromPart(id: string): SqlPart {
    return {
      sql: `SELECT pl.id, pl.request_id AS "requestId", pl.facility_id AS "facilityId", pl.place_kind AS "placeKind", pl.status,
                   pl.admitted_at AS "admittedAt", r.profile,
                   r.region_code AS "regionCode", r.urgency, r.created_at AS "createdAt", f.region_code AS "facilityRegionCode", f.type AS "facilityType"
            FROM placement pl JOIN placement_request r ON r.id = pl.request_id LEFT JOIN facility f ON f.id = pl.facility_id WHERE pl.id = $1`,
      params: [id],
    };
  }

  /** A placement ended, as a write of a unit of work's one statement. */
  endPart(id: string, at: Date, date: string, reason: string): SqlPart {
    return {
      sql: `UPDATE placement SET status = 'discharged', discharged_at = $2, discharge_date = $3, discharge_reason = $4 WHERE id = $1`,
      params: [id, at, date, reason],
    };
  }

  lockById(tx: Tx, id: string): Promise<PlacementEntity | null> {
    return tx.getRepository(PlacementEntity).findOne({ where: { id }, lock: { mode: 'pessimistic_write' } });
  }

  async update(tx: Tx, id: string, patch: Partial<PlacementEntity>): Promise<void> {
    await tx.getRepository(PlacementEntity).update({ id }, patch);
  }
}
