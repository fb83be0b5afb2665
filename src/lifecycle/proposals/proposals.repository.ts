import { Injectable } from '@nestjs/common';
import { In } from 'typeorm';
import { renumber, type SqlPart } from '../../database/sql-parts.js';
import { Transactions, type Tx } from '../../database/transactions.repository.js';
import type { PlacementRequestEntity, Urgency } from '../requests/placement-request.entity.js';
import { LIVE_PROPOSAL, ProposalEntity, type ProposalStatus, type DeclineReason } from './proposal.entity.js';

export interface ProposalFilter {
  facilityIds?: string[];
  regionCode?: string;
  requestId?: string;
  status?: ProposalStatus;
  limit: number;
  offset: number;
}

/** Every column of a proposal (none is wide), as ProposalEntity names them. */
export const PROPOSAL_COLUMNS = `p.id, p.request_id AS "requestId", p.facility_id AS "facilityId", p.place_kind AS "placeKind", p.status,
  p.hold_id AS "holdId", p.created_by_sub AS "createdBySub", p.created_at AS "createdAt", p.decided_by_sub AS "decidedBySub",
  p.decided_at AS "decidedAt", p.decline_reason AS "declineReason", p.decline_note AS "declineNote", p.placement_id AS "placementId",
  p.withdrawn_reason AS "withdrawnReason"`;

/** A decision's first statement: the proposal, the few request and facility columns decisions use, its hold. */
export interface LockedDecision {
  proposal: ProposalEntity;
  request: {
    id: string;
    regionCode: string;
    caseCode: string;
    urgency: Urgency;
    createdAt: Date;
    protectionLevel: PlacementRequestEntity['protectionLevel'];
    stage: PlacementRequestEntity['stage'];
    /** only when asked for (the facility's view of the case) */
    profile: PlacementRequestEntity['profile'];
    requesterEmail: string | null;
    conflictTags: string[];
    previousPlacementId: string | null;
    referralChannel: string | null;
  };
  facility: { email: string | null; regionCode: string | null; type: string | null };
  hold: { expiresAt: Date; live: boolean } | null;
}

/** The statement of lockForDecision (see there). */
const decisionSql = (profile: boolean, facility: boolean, byHold: boolean, lock = true) =>
  `SELECT ${PROPOSAL_COLUMNS}, r.region_code AS "rRegionCode", r.case_code AS "rCaseCode", r.urgency AS "rUrgency",
          r.created_at AS "rCreatedAt", r.protection_level AS "rProtectionLevel", r.stage AS "rStage",
          ${profile ? 'r.profile' : 'NULL::jsonb'} AS "rProfile", coalesce(r.created_by_email, rg.uor_email) AS "rRequesterEmail",
          r.conflict_tags AS "rConflictTags", r.previous_placement_id AS "rPreviousPlacementId", r.referral_channel AS "rReferralChannel",
          f.contact_email AS "fEmail", f.region_code AS "fRegionCode", f.type AS "fType",
          h.expires_at AS "hExpiresAt", h.released_at IS NULL AS "hLive"
   FROM proposal p JOIN placement_request r ON r.id = p.request_id JOIN region rg ON rg.code = r.region_code
   ${facility ? 'JOIN' : 'LEFT JOIN'} facility f ON f.id = p.facility_id LEFT JOIN place_hold h ON h.id = p.hold_id
   WHERE ${byHold ? 'p.hold_id' : 'p.id'} = $1${lock ? ` FOR UPDATE OF r, p${facility ? ', f' : ''}` : ''}`;

function toDecision(row: Record<string, unknown>): LockedDecision {
  const {
    rRegionCode,
    rCaseCode,
    rUrgency,
    rCreatedAt,
    rProtectionLevel,
    rStage,
    rProfile,
    rRequesterEmail,
    rConflictTags,
    rPreviousPlacementId,
    rReferralChannel,
    fEmail,
    fRegionCode,
    fType,
    hExpiresAt,
    hLive,
    ...proposal
  } = row as unknown as ProposalEntity & Record<string, never>;
  return {
    proposal,
    request: {
      id: proposal.requestId,
      regionCode: rRegionCode,
      caseCode: rCaseCode,
      urgency: rUrgency,
      createdAt: rCreatedAt,
      protectionLevel: rProtectionLevel,
      stage: rStage,
      profile: rProfile,
      requesterEmail: rRequesterEmail,
      conflictTags: rConflictTags,
      previousPlacementId: rPreviousPlacementId,
      referralChannel: rReferralChannel,
    },
    facility: { email: fEmail, regionCode: fRegionCode, type: fType },
    hold: hExpiresAt ? { expiresAt: hExpiresAt, live: hLive } : null,
  };
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

  /**
   * The proposal's insert with its hold taken in the same statement: `hold` is the expression that
   * holds the place and gives its id (HoldsService.holdInStatement). Answers the hold's id.
   */
  insertHeldPart(e: Omit<ProposalEntity, 'holdId'>, hold: SqlPart): SqlPart {
    return {
      sql: `INSERT INTO proposal (id, request_id, facility_id, place_kind, status, hold_id, created_by_sub, created_at)
            VALUES ($1, $2, $3, $4, $5, ${renumber(hold, 7)}, $6, $7) RETURNING hold_id AS "holdId"`,
      params: [e.id, e.requestId, e.facilityId, e.placeKind, e.status, e.createdBySub, e.createdAt, ...hold.params],
    };
  }

  /** A request's live proposals (facility and status) and how many it has had, as reads of one statement. */
  ofRequestParts(requestId: string): { live: SqlPart; count: SqlPart } {
    return {
      live: {
        sql: `SELECT facility_id AS "facilityId", status FROM proposal WHERE request_id = $1 AND status = ANY($2)`,
        params: [requestId, LIVE_PROPOSAL],
      },
      count: { sql: `SELECT count(*)::int AS n FROM proposal WHERE request_id = $1`, params: [requestId] },
    };
  }

  /**
   * The request row, then the proposal's, locked in one statement (`FOR UPDATE OF r, p`: the lock
   * order of every decision), with the columns decisions and their answers need. The profile only
   * when `profile` (the facility's view of the case); `facility`: the facility's row locked too,
   * after them (decisions that re-check conflict tags).
   */
  async lockForDecision(tx: Tx, id: string, profile: boolean, facility = false, byHold = false): Promise<LockedDecision | null> {
    const [row] = await this.db.named(tx, decisionSql(profile, facility, byHold), [id]);
    return row ? toDecision(row) : null;
  }

  /**
   * One proposal with its request, facility and hold as a decision reads them, without the lock: a
   * page opening a proposal costs one statement and no entity hydration (issue 32).
   */
  async findForReading(id: string, profile: boolean): Promise<LockedDecision | null> {
    const [row] = await this.db.named(this.db.manager(), decisionSql(profile, false, false, false), [id]);
    return row ? toDecision(row) : null;
  }

  /**
   * An admission's first statement: lockForDecision with the facility, then the row of the place
   * kind it fills; for a transfer, then the previous placement, its facility and its place row
   * (the order a discharge takes). Also where that previous placement is.
   */
  async lockForAdmission(
    tx: Tx,
    id: string,
  ): Promise<(LockedDecision & { previous: { facilityId: string; placeKind: string } | null }) | null> {
    const prev = `(SELECT x.facility_id, x.place_kind FROM placement x WHERE x.id = d."rPreviousPlacementId")`;
    const [row] = await this.db.named(
      tx,
      `WITH d AS (${decisionSql(true, true, false)})
       SELECT d.*,
              (SELECT true FROM facility_place x WHERE x.facility_id = d."facilityId" AND x.kind = d."placeKind" FOR UPDATE) AS "placeLocked",
              (SELECT true FROM placement x WHERE x.id = d."rPreviousPlacementId" FOR UPDATE) AS "previousLocked",
              (SELECT true FROM facility x WHERE x.id = (SELECT facility_id FROM ${prev} y) FOR UPDATE) AS "previousFacilityLocked",
              (SELECT true FROM facility_place x WHERE (x.facility_id, x.kind) = (SELECT facility_id, place_kind FROM ${prev} y) FOR UPDATE) AS "previousPlaceLocked",
              (SELECT facility_id FROM ${prev} y) AS "prevFacilityId", (SELECT place_kind FROM ${prev} y) AS "prevPlaceKind"
       FROM d`,
      [id],
    );
    if (!row) return null;
    const {
      placeLocked: _1,
      previousLocked: _2,
      previousFacilityLocked: _3,
      previousPlaceLocked: _4,
      prevFacilityId,
      prevPlaceKind,
      ...rest
    } = row as Record<string, unknown>;
    return {
      ...toDecision(rest),
      previous: prevFacilityId ? { facilityId: prevFacilityId as string, placeKind: prevPlaceKind as string } : null,
    };
  }

  /** An admission, as a write of a unit of work's one statement. */
  admitPart(id: string, placementId: string): SqlPart {
    return { sql: `UPDATE proposal SET status = 'admitted', placement_id = $2 WHERE id = $1`, params: [id, placementId] };
  }
  /** A proposal closed (declined, withdrawn, expired), as a write of a unit of work's one statement. */
  closePart(id: string, status: ProposalStatus, at: Date, bySub: string, reason: DeclineReason | null, note: string | null): SqlPart {
    return {
      sql: `UPDATE proposal SET status = $2, decided_at = $3, decided_by_sub = $4, decline_reason = $5, decline_note = $6 WHERE id = $1`,
      params: [id, status, at, bySub, reason, note],
    };
  }

  /** A request's other live proposals with their facility's contact, region and type, as a read of one statement. */
  othersLivePart(requestId: string, exceptId: string): SqlPart {
    return {
      sql: `SELECT p.id, p.request_id AS "requestId", p.facility_id AS "facilityId", p.place_kind AS "placeKind", p.hold_id AS "holdId",
                   f.contact_email AS "facilityEmail", f.region_code AS "facilityRegionCode", f.type AS "facilityType"
            FROM proposal p LEFT JOIN facility f ON f.id = p.facility_id WHERE p.request_id = $1 AND p.status = ANY($2) AND p.id <> $3`,
      params: [requestId, LIVE_PROPOSAL, exceptId],
    };
  }

  /** An acceptance, as a write of a unit of work's one statement. */
  acceptPart(id: string, at: Date, bySub: string): SqlPart {
    return { sql: `UPDATE proposal SET status = 'accepted', decided_at = $2, decided_by_sub = $3 WHERE id = $1`, params: [id, at, bySub] };
  }

  /** One proposal with its hold's expiry and liveness, in one statement (a replayed answer). */
  async findWithHold(tx: Tx, id: string): Promise<(ProposalEntity & { hold: { expiresAt: Date; live: boolean } | null }) | null> {
    const [r] = await tx.query(
      `SELECT ${PROPOSAL_COLUMNS}, h.expires_at AS "holdExpiresAt", h.released_at IS NULL AS "holdLive"
       FROM proposal p LEFT JOIN place_hold h ON h.id = p.hold_id WHERE p.id = $1`,
      [id],
    );
    if (!r) return null;
    const { holdExpiresAt, holdLive, ...proposal } = r as ProposalEntity & { holdExpiresAt: Date | null; holdLive: boolean };
    return { ...proposal, hold: holdExpiresAt ? { expiresAt: holdExpiresAt, live: holdLive } : null };
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

  findForRequest(requestId: string, tx?: Tx): Promise<ProposalEntity[]> {
    return (tx ? tx.getRepository(ProposalEntity) : this.repo).find({ where: { requestId }, order: { createdAt: 'ASC', id: 'ASC' } });
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
