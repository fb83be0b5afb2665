import { Injectable } from '@nestjs/common';
import { In } from 'typeorm';
import type { SqlPart } from '../../database/sql-parts.js';
import { Transactions, type Tx } from '../../database/transactions.repository.js';
import { PlacementRequestEntity, type RequestStatus } from './placement-request.entity.js';

/** What proposing reads of a request: the matching profile and what the answer, facts and notices show. */
export type ProposableRequest = Pick<
  PlacementRequestEntity,
  | 'id'
  | 'caseCode'
  | 'regionCode'
  | 'status'
  | 'profile'
  | 'protectionLevel'
  | 'stage'
  | 'originProvince'
  | 'safety'
  | 'preferences'
  | 'conflictTags'
  | 'urgency'
  | 'previousPlacementId'
  | 'createdAt'
>;

const PROPOSABLE = `id, case_code AS "caseCode", region_code AS "regionCode", status, profile, protection_level AS "protectionLevel", stage,
  origin_province AS "originProvince", safety, preferences, conflict_tags AS "conflictTags", urgency,
  previous_placement_id AS "previousPlacementId", created_at AS "createdAt"`;

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

  /**
   * The open request of this region with this case code, spelled in any case, if there is one. Two
   * statements: a transaction-level lock on the code first, so that two submissions at once (a double
   * tap) are serialised and the second sees the first once it has committed.
   */
  async openWithCaseCode(tx: Tx, regionCode: string, caseCode: string): Promise<string | null> {
    const key = `${regionCode}:${caseCode.toUpperCase()}`;
    await tx.query(`SELECT pg_advisory_xact_lock(hashtextextended('approdo.case_code:' || $1, 0))`, [key]);
    const [row] = (await tx.query(
      `SELECT id FROM placement_request WHERE region_code = $1 AND upper(case_code) = upper($2) AND status IN ('open', 'proposed') LIMIT 1`,
      [regionCode, caseCode],
    )) as { id: string }[];
    return row?.id ?? null;
  }

  findById(id: string, tx?: Tx): Promise<PlacementRequestEntity | null> {
    return (tx ? tx.getRepository(PlacementRequestEntity) : this.repo).findOneBy({ id });
  }

  /** Row lock: decisions on one request (accept, withdraw, cancel) are serialised on it. */
  lockById(tx: Tx, id: string): Promise<PlacementRequestEntity | null> {
    return tx.getRepository(PlacementRequestEntity).findOne({ where: { id }, lock: { mode: 'pessimistic_write' } });
  }

  /**
   * A proposal's first statement: the request row locked, then the facility's (the order every
   * proposal and decision takes), only the columns proposing needs. Null when there is no request.
   */
  async lockForProposal(tx: Tx, requestId: string, facilityId: string): Promise<ProposableRequest | null> {
    const [r] = (await this.db.named(
      tx,
      `WITH r AS (SELECT ${PROPOSABLE} FROM placement_request WHERE id = $1 FOR UPDATE)
       SELECT r.*, (SELECT true FROM facility f WHERE f.id = $2 AND r.id IS NOT NULL FOR UPDATE) AS "facilityLocked" FROM r`,
      [requestId, facilityId],
    )) as ProposableRequest[];
    return r ?? null;
  }

  /** The request closed (its placement ended), as a write of a unit of work's one statement. */
  closePart(id: string, now: Date): SqlPart {
    return { sql: `UPDATE placement_request SET status = 'closed', closed_at = $2, updated_at = $2 WHERE id = $1`, params: [id, now] };
  }

  /** A status change, as a write of a unit of work's one statement. */
  statusPart(id: string, status: RequestStatus, now: Date): SqlPart {
    return { sql: `UPDATE placement_request SET status = $2, updated_at = $3 WHERE id = $1`, params: [id, status, now] };
  }

  /**
   * The request back to open when it has no live proposal left but `closing` (closed in the same
   * statement, which does not see its own changes), as a write of a unit of work's one statement.
   */
  reopenIfIdlePart(id: string, closing: string[], live: readonly string[], now: Date): SqlPart {
    return {
      sql: `UPDATE placement_request SET status = 'open', updated_at = $2 WHERE id = $1
              AND NOT EXISTS (SELECT 1 FROM proposal WHERE request_id = $1 AND status = ANY($3) AND id <> ALL($4))`,
      params: [id, now, live, closing],
    };
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

  /** The accepted proposal (waiting for the arrival) of each of these requests that has one. */
  async acceptedProposals(requestIds: string[]): Promise<Map<string, string>> {
    if (!requestIds.length) return new Map();
    const rows = (await this.db
      .manager()
      .query(`SELECT request_id AS "requestId", id FROM proposal WHERE request_id = ANY($1::uuid[]) AND status = 'accepted'`, [
        requestIds,
      ])) as {
      requestId: string;
      id: string;
    }[];
    return new Map(rows.map((r) => [r.requestId, r.id]));
  }

  /** Open requests, oldest first: of a region (or every region), optionally only these ids. */
  findOpen(regionCode: string | undefined, ids: string[] | undefined): Promise<PlacementRequestEntity[]> {
    return this.repo.find({
      where: { status: 'open', ...(regionCode ? { regionCode } : {}), ...(ids ? { id: In(ids) } : {}) },
      order: { createdAt: 'ASC', id: 'ASC' },
      take: 500,
    });
  }

  /**
   * Conflict tags in use (open or proposed requests, pending or accepted proposals, active
   * placements), starting with `prefix`, in order: tags only, never where they are. The dashes are
   * ignored ("rete-ge77" finds rete-ge-77: folding cannot know where she meant a word to end); the
   * tags that begin with the prefix as typed come first.
   */
  async conflictTagsInUse(prefix: string, limit: number): Promise<string[]> {
    const rows: { tag: string }[] = await this.db.manager().query(
      `SELECT tag FROM (SELECT DISTINCT tag FROM (
          SELECT unnest(conflict_tags) AS tag FROM placement_request WHERE status IN ('open', 'proposed')
          UNION ALL
          SELECT unnest(r.conflict_tags) FROM proposal p JOIN placement_request r ON r.id = p.request_id WHERE p.status IN ('pending', 'accepted')
          UNION ALL
          SELECT unnest(r.conflict_tags) FROM placement pl JOIN placement_request r ON r.id = pl.request_id WHERE pl.status = 'active'
        ) t) d WHERE starts_with(replace(tag, '-', ''), replace($1, '-', ''))
        ORDER BY starts_with(tag, $1) DESC, tag LIMIT $2`,
      [prefix, limit],
    );
    return rows.map((r) => r.tag);
  }
}
