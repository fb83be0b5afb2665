import type { PersonProfile } from '../../domain/types.js';
import { randomUUID } from 'node:crypto';
import type { PlaceRow } from '../../availability/availability.repository.js';
import type { PlaceKind } from '../../domain/types.js';
import { dayOf } from '../../domain/italian-day.js';
import { admissionInstant } from '../placements/discharge-date.js';
import { can, requireAccess, requireVisible } from '../../auth/access.js';
import { Inject, Injectable, Logger } from '@nestjs/common';
import { AuditService } from '../../audit/audit.service.js';
import type { Principal } from '../../auth/principal.js';
import { HoldsService, SYSTEM } from '../../availability/holds.service.js';
import { CLOCK, type Clock } from '../../common/clock.js';
import { conflict, ruleBroken } from '../../domain/errors.js';
import { Transactions, type Tx } from '../../database/transactions.repository.js';
import { MatchingService } from '../../matching/matching.service.js';
import { NotificationsService } from '../../notifications/notifications.service.js';
import { pagePath } from '../../notifications/templates.js';
import { PlacementRequestsRepository } from '../requests/placement-requests.repository.js';
import { PlacementsRepository } from '../placements/placements.repository.js';
import { PlacementsService } from '../placements/placements.service.js';
import { type DeclineReason, LIVE_PROPOSAL, type ProposalEntity, type ProposalStatus } from './proposal.entity.js';
import { ANY_CASE, presentProposal } from './proposal.presenter.js';
import { ProposalsRepository } from './proposals.repository.js';
import { ReportFactsService } from '../../reports/report-facts.service.js';

type Decider = 'facility' | 'requester';

/** What an admission reads in its one read statement (rows as JSON). */
interface AdmitReads {
  hosted: { tags: string[] }[];
  place: PlaceRow[];
  hold: { id: string }[];
  previous?: {
    id: string;
    requestId: string;
    facilityId: string;
    placeKind: PlaceKind;
    status: string;
    regionCode: string;
    urgency: string;
    createdAt: string;
    admittedAt: string;
    profile: PersonProfile | null;
    facilityRegionCode: string | null;
    facilityType: string | null;
  }[];
  previousPlace?: PlaceRow[];
}

/** What an acceptance reads in its one read statement (rows as JSON). */
interface AcceptReads {
  hosted: { tags: string[] }[];
  others: {
    id: string;
    requestId: string;
    facilityId: string;
    placeKind: string;
    holdId: string | null;
    facilityEmail: string | null;
    facilityRegionCode: string | null;
    facilityType: string | null;
  }[];
  hold?: { id: string }[];
  previous?: { status: string; facilityId: string }[];
}

/**
 * The lifecycle after an offer: accept (the first wins, the others are withdrawn in the same
 * transaction), decline, admit, withdraw, expire. Every decision locks the request row first,
 * then the proposal's, so concurrent decisions on one request are serialised.
 */
@Injectable()
export class ProposalDecisionsService {
  private readonly logger = new Logger('Proposals');

  constructor(
    private readonly repo: ProposalsRepository,
    private readonly requests: PlacementRequestsRepository,
    private readonly placements: PlacementsRepository,
    private readonly holds: HoldsService,
    private readonly tx: Transactions,
    private readonly audit: AuditService,
    private readonly notifications: NotificationsService,
    private readonly matching: MatchingService,
    @Inject(CLOCK) private readonly clock: Clock,
    private readonly placementsService: PlacementsService,
    private readonly facts: ReportFactsService,
  ) {}

  /**
   * The first acceptance wins; the request's other live proposals are withdrawn with it. Three
   * statements: the request, the proposal and the facility locked with what the answer needs; what
   * the checks need (conflict tags, the hold, the other offers); every write.
   */
  accept(p: Principal, id: string) {
    return this.tx.run(async (t) => {
      const showCase = can(p, 'proposal.profile', ANY_CASE);
      const d = await this.repo.lockForDecision(t, id, showCase, true);
      requireVisible(p, 'case.read', d && { regionCode: d.request.regionCode, facilityId: d.proposal.facilityId }, 'proposal');
      const { proposal, request, facility } = d!;
      this.assertMay(p, 'facility', request.regionCode, proposal, ['pending']);
      // read under the facility lock: a person of the same network placed or offered there meanwhile is seen
      const read = await this.tx.readTogether<AcceptReads>(t, {
        hosted: this.matching.conflictTagsPart(request.conflictTags, proposal.requestId, proposal.facilityId),
        others: this.repo.othersLivePart(proposal.requestId, id),
        ...(proposal.holdId ? { hold: this.holds.livePart(proposal.holdId) } : {}),
        ...(request.previousPlacementId ? { previous: this.placements.wherePart(request.previousPlacementId) } : {}),
      });
      this.assertNoConflictIn(read.previous?.[0], proposal.facilityId, read.hosted[0]?.tags ?? []);
      if (!proposal.holdId || !read.hold?.length) throw conflict('hold_expired', 'the hold of this proposal has expired');
      const now = this.clock.now();
      // the person now travels: the place stays held for a fresh TTL of the request's urgency
      const extended = this.holds.extendPart(proposal.holdId, this.holds.ttlHoursFor(request.urgency));
      const path = pagePath.proposal(id);
      const others = read.others;
      await this.tx.writeTogether(
        t,
        [
          this.repo.acceptPart(id, now, p.sub),
          extended.part,
          ...others.flatMap((o) => [
            this.repo.closePart(o.id, 'withdrawn', now, SYSTEM.sub, null, null),
            this.facts.proposalClosedPart(
              { ...request, facilityRegionCode: o.facilityRegionCode, facilityType: o.facilityType },
              o,
              'withdrawn',
            ),
          ]),
          this.audit.part(p, 'proposal.accept', 'proposal', id, { requestId: proposal.requestId }),
          this.facts.acceptedPart({ ...request, facilityRegionCode: facility.regionCode, facilityType: facility.type }, proposal),
          this.notifications.part(
            ...others.map((o) => ({
              event: 'proposal_withdrawn' as const,
              to: [o.facilityEmail],
              reference: request.caseCode,
              path: pagePath.proposal(o.id),
            })),
            { event: 'proposal_accepted', to: [request.requesterEmail], reference: request.caseCode, path },
          ),
          showCase && request.profile
            ? this.audit.part(p, 'request.read_profile', 'placement_request', request.id, { via: 'proposal', proposalId: id })
            : null,
        ],
        this.holds.releaseManyPart(
          SYSTEM,
          others.flatMap((o) => (o.holdId ? [o.holdId] : [])),
          'withdrawn',
        ),
      );
      const after = { ...proposal, status: 'accepted' as const, decidedAt: now, decidedBySub: p.sub };
      return presentProposal(after, { expiresAt: extended.expiresAt, live: true }, showCase ? request : undefined);
    });
  }

  /** `note`: staff-to-staff, kept on the proposal; never mailed, logged or audited. */
  decline(p: Principal, id: string, reason: DeclineReason, note?: string) {
    return this.closeInTwo(p, id, 'facility', 'declined', reason, note);
  }

  withdraw(p: Principal, id: string) {
    return this.closeInTwo(p, id, 'requester', 'withdrawn');
  }

  /**
   * Decline and withdraw in two statements: one locks the request and the proposal and reads what
   * the checks and the answer need, one releases the hold and writes the proposal, the request's
   * status, the audit rows, the report fact and the notice. The answer is built from them.
   */
  private closeInTwo(p: Principal, id: string, who: Decider, status: 'declined' | 'withdrawn', reason?: DeclineReason, note?: string) {
    return this.tx.run(async (t) => {
      // the facility's view carries the profile: read only for a caller the policy shows it to (by role alone)
      const showCase = can(p, 'proposal.profile', ANY_CASE);
      const d = await this.repo.lockForDecision(t, id, showCase);
      requireVisible(p, 'case.read', d && { regionCode: d.request.regionCode, facilityId: d.proposal.facilityId }, 'proposal');
      const { proposal, request, facility } = d!;
      this.assertMay(p, who, request.regionCode, proposal, who === 'facility' ? ['pending'] : ['pending', 'accepted']);
      const now = this.clock.now();
      const path = pagePath.proposal(id);
      await this.tx.writeTogether(
        t,
        [
          this.repo.closePart(id, status, now, p.sub, reason ?? null, note ?? null),
          this.requests.reopenIfIdlePart(proposal.requestId, [id], LIVE_PROPOSAL, now),
          status === 'declined'
            ? this.audit.part(p, 'proposal.decline', 'proposal', id, { requestId: proposal.requestId, reason })
            : this.audit.part(p, 'proposal.withdraw', 'proposal', id, { requestId: proposal.requestId }),
          this.facts.proposalClosedPart(
            { ...request, facilityRegionCode: facility.regionCode, facilityType: facility.type },
            proposal,
            status,
            reason,
          ),
          // declined: the requesting UOR is told; withdrawn: the facility stops keeping the place
          status === 'declined'
            ? this.notifications.part({ event: 'proposal_declined', to: [request.requesterEmail], reference: request.caseCode, path })
            : this.notifications.part({ event: 'proposal_withdrawn', to: [facility.email], reference: request.caseCode, path }),
          // the answer may carry the profile to the facility: audited as a read, in the committing transaction
          showCase && request.profile
            ? this.audit.part(p, 'request.read_profile', 'placement_request', request.id, { via: 'proposal', proposalId: id })
            : null,
        ],
        proposal.holdId ? this.holds.releasePart(p, proposal.holdId, status) : undefined,
      );
      const after = { ...proposal, status, decidedAt: now, decidedBySub: p.sub, declineReason: reason ?? null, declineNote: note ?? null };
      return presentProposal(after, undefined, showCase ? request : undefined);
    });
  }

  /** Who may decide, and from which states (the proposal read under its lock). */
  private assertMay(p: Principal, who: Decider, regionCode: string, proposal: ProposalEntity, from: ProposalStatus[]) {
    requireAccess(p, who === 'facility' ? 'proposal.decide' : 'proposal.withdraw', { regionCode, facilityId: proposal.facilityId });
    if (!from.includes(proposal.status))
      throw conflict('proposal_not_' + from.join('_or_'), `the proposal is ${proposal.status}`, {
        status: proposal.status,
        // request_changed: the request was edited and this house no longer fits it
        ...(proposal.withdrawnReason ? { withdrawnReason: proposal.withdrawnReason } : {}),
      });
  }

  /**
   * The held place becomes occupied and a placement begins; a transfer's previous placement ends
   * as `transferred` on the same day, in the same transaction. Three statements (four when the
   * transfer stays in the same house: its bed then has its own write): every row locked; what the
   * checks and the bed numbers need; every write.
   */
  admit(p: Principal, id: string, at?: string) {
    return this.tx.run(async (t) => {
      const d = await this.repo.lockForAdmission(t, id);
      requireVisible(p, 'case.read', d && { regionCode: d.request.regionCode, facilityId: d.proposal.facilityId }, 'proposal');
      const { proposal, request, facility, previous: was } = d!;
      this.assertMay(p, 'facility', request.regionCode, proposal, ['accepted']);
      const read = await this.tx.readTogether<AdmitReads>(t, {
        hosted: this.matching.conflictTagsPart(request.conflictTags, proposal.requestId, proposal.facilityId),
        place: this.holds.placePart(proposal.facilityId, proposal.placeKind),
        hold: this.holds.livePart(proposal.holdId!),
        ...(request.previousPlacementId ? { previous: this.placements.transferFromPart(request.previousPlacementId) } : {}),
        ...(was ? { previousPlace: this.holds.placePart(was.facilityId, was.placeKind as PlaceKind) } : {}),
      });
      const previous = read.previous?.[0];
      this.assertNoConflictIn(previous, proposal.facilityId, read.hosted[0]?.tags ?? []);
      // she may have arrived a little before it is recorded: the placement begins when she came
      const now = admissionInstant(at, proposal.decidedAt ? new Date(proposal.decidedAt) : null, this.clock.now());
      const placementId = randomUUID();
      const showCase = can(p, 'proposal.profile', ANY_CASE);
      const bed = this.holds.admitParts(p, proposal.holdId!, proposal.facilityId, proposal.placeKind, read.hold, read.place);
      // a transfer: the previous placement ends as transferred in this very transaction (one bed for one person)
      const transfer = previous?.status === 'active' ? previous : null;
      const samePlace = transfer?.facilityId === proposal.facilityId && transfer.placeKind === proposal.placeKind;
      // its bed as it is once this admission took the place (same house and kind: one more occupied, one less held)
      const previousPlace = samePlace
        ? [{ ...read.place[0], occupied: read.place[0].occupied + 1, held: read.place[0].held - 1 }]
        : (read.previousPlace ?? []);
      const ending = transfer
        ? this.placementsService.endParts(
            p,
            transfer,
            'transferred',
            dayOf(now),
            previousPlace,
            { ...transfer, createdAt: new Date(transfer.createdAt) },
            {
              bedMayBeFree: true,
            },
          )
        : [];
      const admission = [
        ...bed,
        this.placements.insertPart({
          id: placementId,
          requestId: proposal.requestId,
          proposalId: id,
          facilityId: proposal.facilityId,
          placeKind: proposal.placeKind,
          status: 'active',
          admittedAt: now,
          dischargedAt: null,
          dischargeDate: null,
          dischargeReason: null,
        }),
        this.repo.admitPart(id, placementId),
        this.requests.statusPart(proposal.requestId, 'placed', now),
        this.audit.part(p, 'proposal.admit', 'proposal', id, {
          requestId: proposal.requestId,
          placementId,
          ...(transfer ? { transferredFrom: transfer.id } : {}),
        }),
        this.facts.admittedPart(
          { ...request, facilityRegionCode: facility.regionCode, facilityType: facility.type },
          proposal,
          previous?.facilityRegionCode ?? null,
        ),
        showCase && request.profile
          ? this.audit.part(p, 'request.read_profile', 'placement_request', request.id, { via: 'proposal', proposalId: id })
          : null,
      ];
      // one statement updates a row once: a transfer within the same house ends in a statement of its own
      if (transfer && transfer.facilityId === proposal.facilityId) {
        await this.tx.writeTogether(t, admission);
        await this.tx.writeTogether(t, ending);
      } else await this.tx.writeTogether(t, [...admission, ...ending]);
      const after = { ...proposal, status: 'admitted' as const, placementId };
      return presentProposal(after, undefined, showCase ? request : undefined);
    });
  }

  /** Expires proposals (and stray holds) whose hold is past its TTL; returns how many holds it freed. */
  async expireDue(batch = 100): Promise<number> {
    const due = await this.tx.run((t) => this.holds.findExpired(t, batch));
    let freed = 0;
    for (const hold of due) freed += await this.tx.run((t) => this.expireOne(t, hold.id));
    if (freed) this.logger.log(`expired ${freed} holds`);
    return freed;
  }

  /**
   * One hold past its TTL, in three statements: its proposal's request and the proposal locked;
   * the hold read again under those locks (an acceptance may have extended it meanwhile); every write.
   */
  private async expireOne(t: Tx, holdId: string): Promise<0 | 1> {
    const d = await this.repo.lockForDecision(t, holdId, false, false, true);
    if (!d) return (await this.holds.release(SYSTEM, holdId, 'expired', t)) ? 1 : 0;
    const { proposal, request, facility } = d;
    if (proposal.status !== 'pending' && proposal.status !== 'accepted') return 0;
    const { hold } = await this.tx.readTogether<{ hold: { expiresAt: string }[] }>(t, { hold: this.holds.livePart(holdId) });
    if (!hold.length || new Date(hold[0].expiresAt) > this.clock.now()) return 0;
    const now = this.clock.now();
    const notice = { reference: request.caseCode, path: pagePath.proposal(proposal.id) };
    await this.tx.writeTogether(
      t,
      [
        this.repo.closePart(proposal.id, 'expired', now, SYSTEM.sub, null, null),
        this.requests.reopenIfIdlePart(proposal.requestId, [proposal.id], LIVE_PROPOSAL, now),
        this.audit.part(SYSTEM, 'proposal.expire', 'proposal', proposal.id, { requestId: proposal.requestId }),
        this.facts.proposalClosedPart(
          { ...request, facilityRegionCode: facility.regionCode, facilityType: facility.type },
          proposal,
          'expired',
        ),
        this.notifications.part(
          { event: 'proposal_expired', to: [request.requesterEmail], ...notice },
          { event: 'proposal_expired', to: [facility.email], ...notice },
        ),
      ],
      this.holds.releasePart(SYSTEM, holdId, 'expired'),
    );
    return 1;
  }

  /** The request's tags may have changed since the offer (PATCH): re-checked under the facility lock. */
  private assertNoConflictIn(previous: { status: string; facilityId: string } | null | undefined, facilityId: string, hosted: string[]) {
    // a transfer within her own house: her own tags are there, and do not count against her
    if (previous?.status === 'active' && previous.facilityId === facilityId) return;
    if (hosted.length)
      throw ruleBroken('constraint_violated', 'the facility hosts or holds a place for a person of the same network', {
        reasons: ['conflict'],
      });
  }
}
