import { randomUUID } from 'node:crypto';
import { requireAccess } from '../../auth/access.js';
import { Inject, Injectable, Logger } from '@nestjs/common';
import { AuditService } from '../../audit/audit.service.js';
import type { Principal } from '../../auth/principal.js';
import { HoldsService, SYSTEM, type Actor } from '../../availability/holds.service.js';
import { CLOCK, type Clock } from '../../common/clock.js';
import { conflict, ruleBroken } from '../../domain/errors.js';
import { Transactions, type Tx } from '../../database/transactions.repository.js';
import { MatchingService } from '../../matching/matching.service.js';
import { NotificationsService } from '../../notifications/notifications.service.js';
import { pagePath, type NotificationEvent } from '../../notifications/templates.js';
import { RecipientsRepository } from '../../notifications/recipients.repository.js';
import { PlacementRequestsRepository } from '../requests/placement-requests.repository.js';
import { PlacementsRepository } from '../placements/placements.repository.js';
import { PlacementsService } from '../placements/placements.service.js';
import type { DeclineReason, ProposalEntity, ProposalStatus } from './proposal.entity.js';
import { ProposalsRepository } from './proposals.repository.js';
import { ProposalsService } from './proposals.service.js';
import { ReportFactsService } from '../../reports/report-facts.service.js';

type Decider = 'facility' | 'requester';

/**
 * The lifecycle after an offer: accept (the first wins, the others are withdrawn in the same
 * transaction), decline, admit, withdraw, expire. Every decision locks the request row first,
 * then the proposal's, so concurrent decisions on one request are serialised.
 */
@Injectable()
export class ProposalDecisionsService {
  private readonly logger = new Logger('Proposals');

  constructor(
    private readonly proposals: ProposalsService,
    private readonly repo: ProposalsRepository,
    private readonly requests: PlacementRequestsRepository,
    private readonly placements: PlacementsRepository,
    private readonly holds: HoldsService,
    private readonly tx: Transactions,
    private readonly audit: AuditService,
    private readonly notifications: NotificationsService,
    private readonly matching: MatchingService,
    private readonly recipients: RecipientsRepository,
    @Inject(CLOCK) private readonly clock: Clock,
    private readonly placementsService: PlacementsService,
    private readonly facts: ReportFactsService,
  ) {}

  accept(p: Principal, id: string) {
    return this.decide(p, id, 'facility', ['pending'], async (t, proposal) => {
      await this.assertNoConflict(t, proposal);
      const now = this.clock.now();
      if (!proposal.holdId || !(await this.holds.expiries([proposal.holdId], t)).get(proposal.holdId)?.live)
        throw conflict('hold_expired', 'the hold of this proposal has expired');
      await this.repo.update(t, id, { status: 'accepted', decidedAt: now, decidedBySub: p.sub });
      const request = await this.requests.findById(proposal.requestId, t);
      // the person now travels: the place stays held for a fresh TTL of the request's urgency
      await this.holds.extend(proposal.holdId, t, request ? this.holds.ttlHoursFor(request.urgency) : undefined);
      for (const other of await this.repo.findLiveForRequest(t, proposal.requestId)) {
        if (other.id === id) continue;
        await this.close(t, SYSTEM, other, 'withdrawn');
        await this.tellFacility(t, 'proposal_withdrawn', other);
      }
      await this.audit.record(t, p, 'proposal.accept', 'proposal', id, { requestId: proposal.requestId });
      await this.facts.accepted(t, proposal);
      await this.tellRequester(t, 'proposal_accepted', proposal);
    });
  }

  /** `note`: staff-to-staff, kept on the proposal; never mailed, logged or audited. */
  decline(p: Principal, id: string, reason: DeclineReason, note?: string) {
    return this.decide(p, id, 'facility', ['pending'], async (t, proposal) => {
      await this.close(t, p, proposal, 'declined', reason, note);
      await this.reopenIfIdle(t, proposal.requestId);
      await this.audit.record(t, p, 'proposal.decline', 'proposal', id, { requestId: proposal.requestId, reason });
      await this.tellRequester(t, 'proposal_declined', proposal);
    });
  }

  withdraw(p: Principal, id: string) {
    return this.decide(p, id, 'requester', ['pending', 'accepted'], async (t, proposal) => {
      await this.close(t, p, proposal, 'withdrawn');
      await this.reopenIfIdle(t, proposal.requestId);
      await this.audit.record(t, p, 'proposal.withdraw', 'proposal', id, { requestId: proposal.requestId });
      await this.tellFacility(t, 'proposal_withdrawn', proposal);
    });
  }

  /** The held place becomes occupied and a placement begins. */
  admit(p: Principal, id: string) {
    return this.decide(p, id, 'facility', ['accepted'], async (t, proposal) => {
      await this.assertNoConflict(t, proposal);
      const now = this.clock.now();
      await this.holds.admit(p, proposal.holdId!, t);
      const placementId = randomUUID();
      await this.placements.insert(t, {
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
      });
      await this.repo.update(t, id, { status: 'admitted', placementId });
      await this.requests.update(t, proposal.requestId, { status: 'placed', updatedAt: now });
      // a transfer: the previous placement ends as transferred in this very transaction (one bed for one person)
      const request = await this.requests.findById(proposal.requestId, t);
      const transferredFrom = request?.previousPlacementId
        ? await this.placementsService.endForTransfer(t, p, request.previousPlacementId)
        : null;
      await this.audit.record(t, p, 'proposal.admit', 'proposal', id, {
        requestId: proposal.requestId,
        placementId,
        ...(transferredFrom ? { transferredFrom } : {}),
      });
      await this.facts.admitted(t, proposal);
    });
  }

  /** Expires proposals (and stray holds) whose hold is past its TTL; returns how many holds it freed. */
  async expireDue(batch = 100): Promise<number> {
    const due = await this.tx.run((t) => this.holds.findExpired(t, batch));
    let freed = 0;
    for (const hold of due) {
      freed += await this.tx.run(async (t) => {
        const proposal = await this.repo.findByHoldId(t, hold.id);
        if (!proposal) return (await this.holds.release(SYSTEM, hold.id, 'expired', t)) ? 1 : 0;
        await this.requests.lockById(t, proposal.requestId);
        const current = await this.repo.lockById(t, proposal.id);
        if (!current || (current.status !== 'pending' && current.status !== 'accepted')) return 0;
        const live = (await this.holds.expiries([hold.id], t)).get(hold.id);
        if (!live?.live || live.expiresAt > this.clock.now()) return 0;
        await this.close(t, SYSTEM, current, 'expired');
        await this.reopenIfIdle(t, current.requestId);
        await this.audit.record(t, SYSTEM, 'proposal.expire', 'proposal', current.id, { requestId: current.requestId });
        await this.tellRequester(t, 'proposal_expired', current);
        await this.tellFacility(t, 'proposal_expired', current);
        return 1;
      });
    }
    if (freed) this.logger.log(`expired ${freed} holds`);
    return freed;
  }

  private async decide(
    p: Principal,
    id: string,
    who: Decider,
    from: ProposalStatus[],
    work: (t: Tx, proposal: ProposalEntity) => Promise<void>,
  ) {
    return this.tx.run(async (t) => {
      // the request row is locked first, then the proposal's: `proposal` is read under its lock
      const { proposal, request } = await this.proposals.lockVisible(p, id, t);
      requireAccess(p, who === 'facility' ? 'proposal.decide' : 'proposal.withdraw', {
        regionCode: request.regionCode,
        facilityId: proposal.facilityId,
      });
      if (!from.includes(proposal.status))
        throw conflict('proposal_not_' + from.join('_or_'), `the proposal is ${proposal.status}`, { status: proposal.status });
      await work(t, proposal);
      // the answer may carry the profile to the facility: audited as a read, in the committing transaction
      return this.proposals.get(p, id, true, request);
    });
  }

  /** The request's tags may have changed since the offer (PATCH): re-check under the facility lock. */
  private async assertNoConflict(t: Tx, proposal: ProposalEntity) {
    await this.holds.lockFacility(t, proposal.facilityId);
    const request = await this.requests.findById(proposal.requestId, t);
    // a transfer within her own house: her own tags are there, and do not count against her
    const previous = request?.previousPlacementId ? await this.placements.findById(request.previousPlacementId, t) : null;
    if (previous?.status === 'active' && previous.facilityId === proposal.facilityId) return;
    const hosted = request
      ? ((await this.matching.conflictTags(request.conflictTags, proposal.requestId, t)).get(proposal.facilityId) ?? [])
      : [];
    if (hosted.length)
      throw ruleBroken('constraint_violated', 'the facility hosts or holds a place for a person of the same network', {
        reasons: ['conflict'],
      });
  }

  private async close(
    t: Tx,
    actor: Actor,
    proposal: ProposalEntity,
    status: 'declined' | 'withdrawn' | 'expired',
    reason?: DeclineReason,
    note?: string,
  ) {
    if (proposal.holdId) await this.holds.release(actor, proposal.holdId, status, t);
    await this.repo.update(t, proposal.id, {
      status,
      decidedAt: this.clock.now(),
      decidedBySub: actor.sub,
      declineReason: reason ?? null,
      declineNote: note ?? null,
    });
    await this.facts.proposalClosed(t, proposal, status, reason);
  }

  /** The facility a proposal was addressed to: case code and link only. */
  private async tellFacility(t: Tx, event: NotificationEvent, proposal: ProposalEntity) {
    const contact = await this.recipients.requestContact(t, proposal.requestId);
    if (contact)
      await this.notifications.notify(t, {
        event,
        to: [await this.recipients.facilityContact(t, proposal.facilityId)],
        reference: contact.caseCode,
        path: pagePath.proposal(proposal.id),
      });
  }

  private async tellRequester(t: Tx, event: NotificationEvent, proposal: ProposalEntity) {
    const contact = await this.recipients.requestContact(t, proposal.requestId);
    if (contact)
      await this.notifications.notify(t, { event, to: [contact.email], reference: contact.caseCode, path: pagePath.proposal(proposal.id) });
  }

  private async reopenIfIdle(t: Tx, requestId: string) {
    if ((await this.repo.findLiveForRequest(t, requestId)).length === 0)
      await this.requests.update(t, requestId, { status: 'open', updatedAt: this.clock.now() });
  }
}
