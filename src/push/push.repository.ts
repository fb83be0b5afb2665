import { Injectable } from '@nestjs/common';
import { Transactions } from '../database/transactions.repository.js';

export interface NewSubscription {
  ownerSub: string;
  role: string;
  regionCode: string | null;
  facilityIds: string[];
  endpoint: string;
  p256dh: string;
  auth: string;
}

/** A due push with where it goes. */
export interface DuePush {
  id: string;
  event: string;
  caseCode: string;
  path: string;
  attempts: number;
  subscriptionId: string;
  endpoint: string;
  p256dh: string;
  auth: string;
}

@Injectable()
export class PushRepository {
  constructor(private readonly db: Transactions) {}

  /** One row per endpoint: the same browser subscribing again (perhaps for someone else) takes it over. */
  async upsert(s: NewSubscription): Promise<string> {
    const [row] = await this.db.manager().query(
      `INSERT INTO push_subscription (owner_sub, role, region_code, facility_ids, endpoint, p256dh, auth)
       VALUES ($1, $2, $3, $4::uuid[], $5, $6, $7)
       ON CONFLICT (endpoint) DO UPDATE SET owner_sub = EXCLUDED.owner_sub, role = EXCLUDED.role, region_code = EXCLUDED.region_code,
         facility_ids = EXCLUDED.facility_ids, p256dh = EXCLUDED.p256dh, auth = EXCLUDED.auth, created_at = now()
       RETURNING id`,
      [s.ownerSub, s.role, s.regionCode, s.facilityIds, s.endpoint, s.p256dh, s.auth],
    );
    return row.id;
  }

  /** Only its owner removes a subscription; false when there is none of hers by that id. */
  async deleteOwned(id: string, ownerSub: string): Promise<boolean> {
    const r = await this.db.manager().query(`DELETE FROM push_subscription WHERE id = $1 AND owner_sub = $2 RETURNING id`, [id, ownerSub]);
    return (r[0] as unknown[]).length > 0;
  }

  /** The push service says the subscription is gone (404, 410): it goes, with its pending pushes. */
  async deleteGone(id: string): Promise<void> {
    await this.db.manager().query(`DELETE FROM push_subscription WHERE id = $1`, [id]);
  }

  /** Claims due pushes with a lease; SKIP LOCKED lets several instances share the queue. */
  async claimDue(now: Date, leaseUntil: Date, limit: number): Promise<DuePush[]> {
    const r: unknown = await this.db.manager().query(
      `WITH due AS (
         SELECT id FROM push_outbox
          WHERE status = 'pending' AND (next_attempt_at IS NULL OR next_attempt_at <= $1) AND (lease_until IS NULL OR lease_until <= $1)
          ORDER BY next_attempt_at NULLS FIRST LIMIT $3 FOR UPDATE SKIP LOCKED),
       claimed AS (
         UPDATE push_outbox o SET lease_until = $2, attempts = attempts + 1 FROM due WHERE o.id = due.id
         RETURNING o.id, o.event, o.case_code, o.path, o.attempts, o.subscription_id)
       SELECT c.id, c.event, c.case_code AS "caseCode", c.path, c.attempts, c.subscription_id AS "subscriptionId",
              s.endpoint, s.p256dh, s.auth
         FROM claimed c JOIN push_subscription s ON s.id = c.subscription_id`,
      [now, leaseUntil, limit],
    );
    // TypeORM answers a statement pg calls SELECT with its rows, an UPDATE with [rows, count]
    return (Array.isArray(r) && r.length === 2 && typeof r[1] === 'number' ? r[0] : r) as DuePush[];
  }

  async markSent(id: string, at: Date): Promise<void> {
    await this.db
      .manager()
      .query(`UPDATE push_outbox SET status = 'sent', sent_at = $2, lease_until = NULL, last_error = NULL WHERE id = $1`, [id, at]);
  }

  async markRetry(id: string, nextAttemptAt: Date, error: string): Promise<void> {
    await this.db
      .manager()
      .query(`UPDATE push_outbox SET next_attempt_at = $2, lease_until = NULL, last_error = $3 WHERE id = $1`, [id, nextAttemptAt, error]);
  }

  async markFailed(id: string, error: string): Promise<void> {
    await this.db
      .manager()
      .query(`UPDATE push_outbox SET status = 'failed', lease_until = NULL, last_error = $2 WHERE id = $1`, [id, error]);
  }
}
