import { Injectable } from '@nestjs/common';
import type { SqlPart } from '../../database/sql-parts.js';
import type { Tx } from '../../database/transactions.repository.js';

export type Claim = { fresh: true } | { fresh: false; resourceId: string | null; answer: unknown; bodyHash: string };

@Injectable()
export class IdempotencyRepository {
  /**
   * Claims (caller, scope, key) in the caller's transaction. A concurrent retry blocks on the
   * primary key until the first commits, then sees its row: one of them creates, the other replays.
   */
  async claim(tx: Tx, callerSub: string, scope: string, key: string, bodyHash: string, now: Date): Promise<Claim> {
    const inserted = await tx.query(
      `INSERT INTO idempotency_key (caller_sub, scope, key, body_hash, created_at) VALUES ($1, $2, $3, $4, $5)
       ON CONFLICT DO NOTHING RETURNING key`,
      [callerSub, scope, key, bodyHash, now],
    );
    if (inserted.length) return { fresh: true };
    const [row] = await tx.query(
      `SELECT resource_id AS "resourceId", answer, body_hash AS "bodyHash" FROM idempotency_key WHERE caller_sub = $1 AND scope = $2 AND key = $3`,
      [callerSub, scope, key],
    );
    return { fresh: false, resourceId: row.resourceId, answer: row.answer, bodyHash: row.bodyHash };
  }

  /** The key's row (resourceId, bodyHash), as a read of a unit of work's one statement. */
  findPart(callerSub: string, scope: string, key: string): SqlPart {
    return {
      sql: `SELECT resource_id AS "resourceId", body_hash AS "bodyHash" FROM idempotency_key WHERE caller_sub = $1 AND scope = $2 AND key = $3`,
      params: [callerSub, scope, key],
    };
  }

  /** A key claimed and completed at once (the resource's id was chosen before the work), as a write part. */
  claimedPart(callerSub: string, scope: string, key: string, bodyHash: string, now: Date, resourceId: string): SqlPart {
    return {
      sql: `INSERT INTO idempotency_key (caller_sub, scope, key, body_hash, created_at, resource_id) VALUES ($1, $2, $3, $4, $5, $6)`,
      params: [callerSub, scope, key, bodyHash, now, resourceId],
    };
  }

  async complete(tx: Tx, callerSub: string, scope: string, key: string, resourceId: string): Promise<void> {
    await tx.query(`UPDATE idempotency_key SET resource_id = $4 WHERE caller_sub = $1 AND scope = $2 AND key = $3`, [
      callerSub,
      scope,
      key,
      resourceId,
    ]);
  }

  /** For changes that create nothing (a save of the beds): the answer itself is what a retry gets. */
  async completeWithAnswer(tx: Tx, callerSub: string, scope: string, key: string, answer: unknown): Promise<void> {
    await tx.query(`UPDATE idempotency_key SET answer = $4 WHERE caller_sub = $1 AND scope = $2 AND key = $3`, [
      callerSub,
      scope,
      key,
      JSON.stringify(answer),
    ]);
  }
}
