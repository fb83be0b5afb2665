import { Injectable } from '@nestjs/common';
import type { SqlPart } from '../database/sql-parts.js';
import { Transactions, type Tx } from '../database/transactions.repository.js';
import type { PlaceKind } from '../domain/types.js';
import type { PlaceRecord } from '../facilities/facility.record.js';

export interface HoldRow {
  id: string;
  facilityId: string;
  kind: PlaceKind;
  referenceId: string | null;
  expiresAt: Date;
}

export interface PlaceRow {
  kind: PlaceKind;
  total: number;
  occupied: number;
  out_of_service: number;
  child_capacity: number | null;
  held: number;
}

export const toPlace = (r: PlaceRow): PlaceRecord => ({
  kind: r.kind,
  total: r.total,
  occupied: r.occupied,
  outOfService: r.out_of_service,
  childCapacity: r.child_capacity,
  held: r.held,
});

const HOLD_COLUMNS = `id, facility_id AS "facilityId", kind, reference_id AS "referenceId", expires_at AS "expiresAt"`;

/**
 * Bed numbers and holds. Every writer takes the facility_place row lock first (FOR UPDATE), then
 * counts live holds in a new statement: under READ COMMITTED that count sees every committed hold,
 * so "free" can never go negative, whichever process writes.
 */
@Injectable()
export class AvailabilityRepository {
  constructor(private readonly db: Transactions) {}

  /** Locks the facility row: serialises manager saves (optimistic version check happens under it). */
  async lockFacilityVersion(tx: Tx, facilityId: string): Promise<{ version: number; regionCode: string } | null> {
    const rows = await tx.query(
      `SELECT availability_version AS version, region_code AS "regionCode" FROM facility WHERE id = $1 FOR UPDATE`,
      [facilityId],
    );
    return rows[0] ?? null;
  }

  /** Locks and returns the places of a facility (all kinds, or one). */
  async lockPlaces(tx: Tx, facilityId: string, kind?: PlaceKind): Promise<PlaceRecord[]> {
    await tx.query(`SELECT 1 FROM facility_place WHERE facility_id = $1 AND ($2::text IS NULL OR kind = $2) ORDER BY kind FOR UPDATE`, [
      facilityId,
      kind ?? null,
    ]);
    const rows: PlaceRow[] = await tx.query(
      `SELECT p.kind, p.total, p.occupied, p.out_of_service, p.child_capacity,
              (SELECT count(*)::int FROM place_hold h WHERE h.facility_id = p.facility_id AND h.kind = p.kind AND h.released_at IS NULL) AS held
       FROM facility_place p WHERE p.facility_id = $1 AND ($2::text IS NULL OR p.kind = $2)`,
      [facilityId, kind ?? null],
    );
    return rows.map(toPlace);
  }

  async upsertPlace(tx: Tx, facilityId: string, p: Omit<PlaceRecord, 'held'>): Promise<void> {
    await tx.query(
      `INSERT INTO facility_place (facility_id, kind, total, occupied, out_of_service, child_capacity)
       VALUES ($1, $2, $3, $4, $5, $6)
       ON CONFLICT (facility_id, kind) DO UPDATE
         SET total = EXCLUDED.total, occupied = EXCLUDED.occupied, out_of_service = EXCLUDED.out_of_service, child_capacity = EXCLUDED.child_capacity`,
      [facilityId, p.kind, p.total, p.occupied, p.outOfService, p.childCapacity],
    );
  }

  async addOccupied(tx: Tx, facilityId: string, kind: PlaceKind, delta: 1 | -1): Promise<void> {
    await tx.query(`UPDATE facility_place SET occupied = occupied + $3 WHERE facility_id = $1 AND kind = $2`, [facilityId, kind, delta]);
  }

  /** Saves and admissions move the version, so a manager's form based on older numbers is refused. */
  async touchFacility(
    tx: Tx,
    facilityId: string,
    o: { bumpVersion: boolean; confirmedAt?: Date; intake?: { accepting: boolean; note: string | null } },
  ): Promise<number> {
    const rows = await tx.query(
      `UPDATE facility SET
         availability_version = availability_version + $2::int,
         confirmed_at = COALESCE($3::timestamptz, confirmed_at),
         accepting_new_guests = COALESCE($4::boolean, accepting_new_guests),
         intake_note = CASE WHEN $4::boolean IS NULL THEN intake_note ELSE $5::text END,
         updated_at = now()
       WHERE id = $1 RETURNING availability_version AS version`,
      [facilityId, o.bumpVersion ? 1 : 0, o.confirmedAt ?? null, o.intake?.accepting ?? null, o.intake?.note ?? null],
    );
    // TypeORM answers UPDATE ... RETURNING with [rows, rowCount]
    return (rows[0] as { version: number }[])[0].version;
  }

  /** Hold in one statement (approdo_hold): 'held' with the id, or why not. */
  async holdAtomically(
    tx: Tx,
    a: { facilityId: string; kind: PlaceKind; referenceId: string | null; now: Date; expiresAt: Date; actorSub: string; actorRole: string },
  ): Promise<{ holdId: string | null; outcome: 'held' | 'no_free_place' | 'no_kind' }> {
    const [row] = await this.db.named<{ holdId: string | null; outcome: 'held' | 'no_free_place' | 'no_kind' }>(
      tx,
      `SELECT hold_id AS "holdId", outcome FROM approdo_hold($1, $2, $3, $4, $5, $6, $7)`,
      [a.facilityId, a.kind, a.referenceId, a.now, a.expiresAt, a.actorSub, a.actorRole],
    );
    return row;
  }

  /**
   * The hold as an expression of another statement (approdo_hold_or_fail): the new hold's id, or the
   * statement ends with SQLSTATE AP409 and the outcome as its message (see holdRefusal).
   */
  holdOrFailPart(a: {
    facilityId: string;
    kind: PlaceKind;
    referenceId: string | null;
    now: Date;
    expiresAt: Date;
    actorSub: string;
    actorRole: string;
  }): SqlPart {
    return {
      sql: `approdo_hold_or_fail($1::uuid, $2, $3::uuid, $4::timestamptz, $5::timestamptz, $6, $7)`,
      params: [a.facilityId, a.kind, a.referenceId, a.now, a.expiresAt, a.actorSub, a.actorRole],
    };
  }

  /** Why approdo_hold_or_fail refused, when `e` is its refusal; null for any other error. */
  holdRefusal(e: unknown): 'no_free_place' | 'no_kind' | null {
    const { code, message } = (e ?? {}) as { code?: string; message?: string };
    return code === 'AP409' && (message === 'no_free_place' || message === 'no_kind') ? message : null;
  }

  /** Release in one statement (approdo_release), event included; false when no longer live. */
  async releaseAtomically(
    tx: Tx,
    holdId: string,
    reason: string,
    now: Date,
    actorSub: string,
    actorRole: string,
    details: object,
  ): Promise<boolean> {
    const [row] = await tx.query(`SELECT approdo_release($1, $2, $3, $4, $5, $6) AS ok`, [
      holdId,
      reason,
      now,
      actorSub,
      actorRole,
      details,
    ]);
    return row.ok === true;
  }

  /** releaseAtomically as the query of a unit of work's one statement (its row: ok). */
  releasePart(holdId: string, reason: string, now: Date, actorSub: string, actorRole: string, details: object): SqlPart {
    return { sql: `SELECT approdo_release($1, $2, $3, $4, $5, $6) AS ok`, params: [holdId, reason, now, actorSub, actorRole, details] };
  }

  /** Many releases as the query of one statement (its rows: ok, one a hold). */
  releaseManyPart(holdIds: string[], reason: string, now: Date, actorSub: string, actorRole: string, details: object): SqlPart {
    return {
      sql: `SELECT approdo_release(h, $2, $3, $4, $5, $6) AS ok FROM unnest($1::uuid[]) h`,
      params: [holdIds, reason, now, actorSub, actorRole, details],
    };
  }

  /** A place kind's numbers with its live holds, as a read of one statement (after the caller locked the row). */
  placePart(facilityId: string, kind: PlaceKind): SqlPart {
    return {
      sql: `SELECT p.kind, p.total, p.occupied, p.out_of_service, p.child_capacity,
              (SELECT count(*)::int FROM place_hold h WHERE h.facility_id = p.facility_id AND h.kind = p.kind AND h.released_at IS NULL) AS held
            FROM facility_place p WHERE p.facility_id = $1 AND p.kind = $2`,
      params: [facilityId, kind],
    };
  }

  /** addOccupied and the facility's version moved, as writes of one statement. */
  occupiedParts(facilityId: string, kind: PlaceKind, delta: 1 | -1): SqlPart[] {
    return [
      { sql: `UPDATE facility_place SET occupied = occupied + $3 WHERE facility_id = $1 AND kind = $2`, params: [facilityId, kind, delta] },
      {
        sql: `UPDATE facility SET availability_version = availability_version + 1, updated_at = now() WHERE id = $1`,
        params: [facilityId],
      },
    ];
  }

  /** markReleased as a write of one statement (the caller saw the hold live under the locks that guard it). */
  markReleasedPart(holdId: string, reason: string, at: Date): SqlPart {
    return {
      sql: `UPDATE place_hold SET released_at = $2, release_reason = $3 WHERE id = $1 AND released_at IS NULL`,
      params: [holdId, at, reason],
    };
  }

  /** Whether a hold is live, as a read of one statement (a row with its expiry when it is). */
  liveHoldPart(holdId: string): SqlPart {
    return { sql: `SELECT id, expires_at AS "expiresAt" FROM place_hold WHERE id = $1 AND released_at IS NULL`, params: [holdId] };
  }

  /** extendHold as a write of one statement. */
  extendHoldPart(holdId: string, expiresAt: Date): SqlPart {
    return { sql: `UPDATE place_hold SET expires_at = $2 WHERE id = $1 AND released_at IS NULL`, params: [holdId, expiresAt] };
  }

  async findLiveHold(tx: Tx, holdId: string): Promise<HoldRow | null> {
    const rows: HoldRow[] = await tx.query(`SELECT ${HOLD_COLUMNS} FROM place_hold WHERE id = $1 AND released_at IS NULL`, [holdId]);
    return rows[0] ?? null;
  }

  /** Marks a live hold released; false when it was already released (by expiry or another caller). */
  async markReleased(tx: Tx, holdId: string, reason: string, at: Date): Promise<boolean> {
    const rows = await tx.query(
      `UPDATE place_hold SET released_at = $2, release_reason = $3 WHERE id = $1 AND released_at IS NULL RETURNING id`,
      [holdId, at, reason],
    );
    return (rows[0] as unknown[]).length > 0;
  }

  /** Live holds past their expiry, oldest first. */
  async findExpiredHolds(tx: Tx, now: Date, limit: number): Promise<HoldRow[]> {
    return tx.query(`SELECT ${HOLD_COLUMNS} FROM place_hold WHERE released_at IS NULL AND expires_at <= $1 ORDER BY expires_at LIMIT $2`, [
      now,
      limit,
    ]);
  }

  async expiriesOf(tx: Tx, holdIds: string[]): Promise<Map<string, { expiresAt: Date; live: boolean }>> {
    if (!holdIds.length) return new Map();
    const rows: { id: string; expires_at: Date; released_at: Date | null }[] = await tx.query(
      `SELECT id, expires_at, released_at FROM place_hold WHERE id = ANY($1)`,
      [holdIds],
    );
    return new Map(rows.map((r) => [r.id, { expiresAt: r.expires_at, live: r.released_at === null }]));
  }

  async extendHold(tx: Tx, holdId: string, expiresAt: Date): Promise<void> {
    await tx.query(`UPDATE place_hold SET expires_at = $2 WHERE id = $1 AND released_at IS NULL`, [holdId, expiresAt]);
  }
}
