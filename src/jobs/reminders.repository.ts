import { Injectable } from '@nestjs/common';
import type { Tx } from '../database/transactions.repository.js';

/** Claims of due reminders lock their rows (SKIP LOCKED), so a reminder is written once. */
@Injectable()
export class RemindersRepository {
  staleToRemind(tx: Tx, staleBefore: Date, limit: number): Promise<{ id: string; email: string }[]> {
    return tx.query(
      `SELECT id, contact_email AS email FROM facility
       WHERE confirmed_at < $1 AND (stale_reminded_at IS NULL OR stale_reminded_at < confirmed_at)
       ORDER BY confirmed_at LIMIT $2 FOR UPDATE SKIP LOCKED`,
      [staleBefore, limit],
    );
  }

  async markReminded(tx: Tx, id: string, now: Date): Promise<void> {
    await tx.query(`UPDATE facility SET stale_reminded_at = $2 WHERE id = $1`, [id, now]);
  }

  staleToEscalate(tx: Tx, escalateBefore: Date, limit: number): Promise<{ id: string; email: string | null }[]> {
    return tx.query(
      `SELECT f.id, r.uor_email AS email FROM facility f JOIN region r ON r.code = f.region_code
       WHERE f.confirmed_at < $1 AND (f.stale_escalated_at IS NULL OR f.stale_escalated_at < f.confirmed_at)
       ORDER BY f.confirmed_at LIMIT $2 FOR UPDATE OF f SKIP LOCKED`,
      [escalateBefore, limit],
    );
  }

  async markEscalated(tx: Tx, id: string, now: Date): Promise<void> {
    await tx.query(`UPDATE facility SET stale_escalated_at = $2 WHERE id = $1`, [id, now]);
  }

  /** Live proposals whose hold expires within the margin and that were not warned yet. */
  holdsExpiringSoon(tx: Tx, now: Date, until: Date, limit: number): Promise<{ id: string; requestId: string; facilityId: string }[]> {
    return tx.query(
      `SELECT p.id, p.request_id AS "requestId", p.facility_id AS "facilityId" FROM proposal p JOIN place_hold h ON h.id = p.hold_id
       WHERE p.status IN ('pending', 'accepted') AND p.expiry_warned_at IS NULL AND h.released_at IS NULL
         AND h.expires_at > $1 AND h.expires_at <= $2
       ORDER BY h.expires_at LIMIT $3 FOR UPDATE OF p SKIP LOCKED`,
      [now, until, limit],
    );
  }

  async markWarned(tx: Tx, proposalId: string, now: Date): Promise<void> {
    await tx.query(`UPDATE proposal SET expiry_warned_at = $2 WHERE id = $1`, [proposalId, now]);
  }

  /** Erases the profiles of requests closed before `closedBefore`; keeps what anonymous counts need. */
  async purgeClosed(tx: Tx, closedBefore: Date, now: Date): Promise<number> {
    const r = await tx.query(
      `UPDATE placement_request SET profile = NULL, note = NULL, safety = '{}', preferences = '{}', conflict_tags = '{}',
              case_code = 'PURGED', created_by_email = NULL, purged_at = $2
       WHERE status IN ('closed', 'cancelled') AND closed_at < $1 AND purged_at IS NULL RETURNING id`,
      [closedBefore, now],
    );
    return (r[0] as unknown[]).length;
  }

  /** Anonymous counts: what survives the purge. */
  requestCounts(tx: Tx): Promise<{ regionCode: string; status: string; stage: string; n: number }[]> {
    return tx.query(
      `SELECT region_code AS "regionCode", status, stage, count(*)::int AS n FROM placement_request GROUP BY 1, 2, 3 ORDER BY 1, 2, 3`,
    );
  }
}
