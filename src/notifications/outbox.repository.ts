import { Injectable } from '@nestjs/common';
import type { SqlPart } from '../database/sql-parts.js';
import { Transactions, type Tx } from '../database/transactions.repository.js';

export interface OutboxRow {
  id: string;
  event: string;
  recipient: string;
  subject: string;
  bodyText: string;
  bodyHtml: string;
  status: 'pending' | 'sent' | 'failed';
  attempts: number;
  nextAttemptAt: Date;
  lastError: string | null;
  createdAt: Date;
  sentAt: Date | null;
}

const COLUMNS = `id, event, recipient, subject, body_text AS "bodyText", body_html AS "bodyHtml", status, attempts,
  next_attempt_at AS "nextAttemptAt", last_error AS "lastError", created_at AS "createdAt", sent_at AS "sentAt"`;

@Injectable()
export class OutboxRepository {
  constructor(private readonly db: Transactions) {}

  /** In the caller's transaction: a rollback of the cause takes the message with it. */
  async enqueue(
    tx: Tx,
    rows: Pick<OutboxRow, 'id' | 'event' | 'recipient' | 'subject' | 'bodyText' | 'bodyHtml'>[],
    now: Date,
  ): Promise<void> {
    for (const r of rows)
      await tx.query(
        `INSERT INTO outbox (id, event, recipient, subject, body_text, body_html, next_attempt_at, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $7)`,
        [r.id, r.event, r.recipient, r.subject, r.bodyText, r.bodyHtml, now],
      );
  }

  /** `enqueue` as a part of the caller's one write statement; null when there is nobody to tell. */
  enqueuePart(rows: Pick<OutboxRow, 'id' | 'event' | 'recipient' | 'subject' | 'bodyText' | 'bodyHtml'>[], now: Date): SqlPart | null {
    if (!rows.length) return null;
    const params: unknown[] = [now];
    const values = rows.map((r) => {
      const at = params.length;
      params.push(r.id, r.event, r.recipient, r.subject, r.bodyText, r.bodyHtml);
      return `($${at + 1}, $${at + 2}, $${at + 3}, $${at + 4}, $${at + 5}, $${at + 6}, $1, $1)`;
    });
    return {
      sql: `INSERT INTO outbox (id, event, recipient, subject, body_text, body_html, next_attempt_at, created_at) VALUES ${values.join(', ')}`,
      params,
    };
  }

  /** Claims due messages with a lease; SKIP LOCKED lets several dispatchers share the queue. */
  async claimDue(now: Date, leaseUntil: Date, limit: number): Promise<OutboxRow[]> {
    return this.db
      .manager()
      .query(
        `UPDATE outbox SET lease_until = $2, attempts = attempts + 1
       WHERE id IN (SELECT id FROM outbox WHERE status = 'pending' AND next_attempt_at <= $1 AND (lease_until IS NULL OR lease_until <= $1)
                    ORDER BY next_attempt_at LIMIT $3 FOR UPDATE SKIP LOCKED)
       RETURNING ${COLUMNS}`,
        [now, leaseUntil, limit],
      )
      .then((r: [OutboxRow[], number]) => r[0]);
  }

  async markSent(id: string, at: Date): Promise<void> {
    await this.db
      .manager()
      .query(`UPDATE outbox SET status = 'sent', sent_at = $2, lease_until = NULL, last_error = NULL WHERE id = $1`, [id, at]);
  }

  async markRetry(id: string, nextAttemptAt: Date, error: string): Promise<void> {
    await this.db
      .manager()
      .query(`UPDATE outbox SET next_attempt_at = $2, lease_until = NULL, last_error = $3 WHERE id = $1`, [id, nextAttemptAt, error]);
  }

  async markFailed(id: string, error: string): Promise<void> {
    await this.db.manager().query(`UPDATE outbox SET status = 'failed', lease_until = NULL, last_error = $2 WHERE id = $1`, [id, error]);
  }

  async list(status: string | undefined, limit: number): Promise<OutboxRow[]> {
    return this.db
      .manager()
      .query(`SELECT ${COLUMNS} FROM outbox WHERE ($1::text IS NULL OR status = $1) ORDER BY created_at DESC LIMIT $2`, [
        status ?? null,
        limit,
      ]);
  }

  /** A failed message goes back to the queue with a fresh budget of attempts. */
  async requeue(id: string, now: Date): Promise<boolean> {
    const r = await this.db
      .manager()
      .query(
        `UPDATE outbox SET status = 'pending', attempts = 0, next_attempt_at = $2, last_error = NULL WHERE id = $1 AND status = 'failed' RETURNING id`,
        [id, now],
      );
    return (r[0] as unknown[]).length > 0;
  }

  async exists(id: string): Promise<boolean> {
    return (await this.db.manager().query(`SELECT 1 FROM outbox WHERE id = $1`, [id])).length > 0;
  }

  async backlog(now: Date): Promise<{ pending: number; failed: number; oldestPendingSeconds: number | null }> {
    const [r] = await this.db.manager().query(
      `SELECT count(*) FILTER (WHERE status = 'pending')::int AS pending, count(*) FILTER (WHERE status = 'failed')::int AS failed,
              extract(epoch FROM ($1::timestamptz - min(created_at) FILTER (WHERE status = 'pending')))::float8 AS oldest
       FROM outbox WHERE status <> 'sent'`,
      [now],
    );
    return { pending: r.pending, failed: r.failed, oldestPendingSeconds: r.oldest === null ? null : Math.max(0, Math.round(r.oldest)) };
  }
}
