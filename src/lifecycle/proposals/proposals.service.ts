import { randomUUID } from 'node:crypto';
import { can, requireVisible, scopeOf } from '../../auth/access.js';
import { Inject, Injectable } from '@nestjs/common';
import { AuditService } from '../../audit/audit.service.js';
import type { Principal } from '../../auth/principal.js';
import { HoldsService } from '../../availability/holds.service.js';
import { CLOCK, type Clock } from '../../common/clock.js';
import { conflict, notFound, ruleBroken } from '../../domain/errors.js';
import { Transactions, type Tx } from '../../database/transactions.repository.js';
import { IdempotencyService } from '../../common/idempotency/idempotency.service.js';
import { MatchingService } from '../../matching/matching.service.js';
import { NotificationsService } from '../../notifications/notifications.service.js';
import { RecipientsRepository } from '../../notifications/recipients.repository.js';
import { pagePath } from '../../notifications/templates.js';
import { PlacementRequestsRepository } from '../requests/placement-requests.repository.js';
import { PlacementRequestsService } from '../requests/placement-requests.service.js';
import type { PlaceKind } from '../../domain/types.js';
import type { PlacementRequestEntity } from '../requests/placement-request.entity.js';
import type { ListProposalsQuery } from './dto/proposal.dto.js';
import type { ProposalEntity } from './proposal.entity.js';
import { presentProposal } from './proposal.presenter.js';
import { ProposalsRepository } from './proposals.repository.js';
import { ReportFactsService } from '../../reports/report-facts.service.js';

/** Offering a request to facilities (each offer holds a place) and reading offers as each role may. */
@Injectable()
export class ProposalsService {
  constructor(
    private readonly repo: ProposalsRepository,
    private readonly requests: PlacementRequestsService,
    private readonly requestsRepo: PlacementRequestsRepository,
    private readonly matching: MatchingService,
    private readonly holds: HoldsService,
    private readonly idempotency: IdempotencyService,
    private readonly tx: Transactions,
    private readonly audit: AuditService,
    private readonly notifications: NotificationsService,
    private readonly recipients: RecipientsRepository,
    @Inject(CLOCK) private readonly clock: Clock,
    private readonly facts: ReportFactsService,
  ) {}

  /** Holds a place of the needed kind: 409 no_free_place, 422 constraint_violated with every failing reason. */
  async propose(p: Principal, requestId: string, facilityId: string, idempotencyKey?: string) {
    // the answer is read in the committing transaction: a committed hold is never answered as an error
    return this.tx.run(async (t) => {
      // the request lock serialises proposals and decisions of one request
      const r = await this.requests.lockVisible(p, requestId, t);
      const { id, replayed } = await this.idempotency.once(t, p, `proposals:${requestId}`, idempotencyKey, { facilityId }, () =>
        this.proposeLocked(t, p, r, facilityId),
      );
      return { ...(await this.get(p, id, false, r)), replayed };
    });
  }

  /**
   * The offer itself, inside `t` with the request row already locked. `kind` forces the place
   * kind (a batch plan decided it); otherwise the core chooses.
   */
  async proposeLocked(
    t: Tx,
    p: Pick<Principal, 'sub' | 'role'>,
    r: PlacementRequestEntity,
    facilityId: string,
    kind?: PlaceKind,
  ): Promise<string> {
    const requestId = r.id;
    if (r.status !== 'open' && r.status !== 'proposed') throw conflict('request_not_open', `the request is ${r.status}`);
    const live = await this.repo.findLiveForRequest(t, requestId);
    if (live.some((x) => x.facilityId === facilityId))
      throw conflict('already_proposed', 'this request is already offered to that facility');
    if (live.some((x) => x.status === 'accepted')) throw conflict('already_accepted', 'another facility has already accepted this request');
    // under the facility lock, a concurrent proposal of the same network to this facility is seen
    await this.holds.lockFacility(t, facilityId);
    const tags = (await this.matching.conflictTags(r.conflictTags, requestId, t)).get(facilityId) ?? [];
    const check = await this.matching.checkOne(await this.requests.toMatchLive(r, t), facilityId, tags);
    if (!check) throw notFound('facility');
    if (!check.ok) {
      const hard = check.reasons.filter((x) => x !== 'no_free_place');
      if (hard.length)
        throw ruleBroken('constraint_violated', `the facility fails: ${hard.join(', ')}; change the request's constraints to propose it`, {
          reasons: hard,
        });
      throw conflict('no_free_place', 'no free place of the needed kind', { facilityId });
    }
    const placeKind = kind ?? check.placeKind;
    const id = randomUUID();
    const hold = await this.holds.hold(p, facilityId, placeKind, id, t, this.holds.ttlHoursFor(r.urgency));
    await this.repo.insert(t, {
      id,
      requestId,
      facilityId,
      placeKind,
      status: 'pending',
      holdId: hold.id,
      createdBySub: p.sub,
      createdAt: this.clock.now(),
      decidedBySub: null,
      decidedAt: null,
      declineReason: null,
      declineNote: null,
      placementId: null,
    });
    if (r.status === 'open') await this.requestsRepo.update(t, requestId, { status: 'proposed', updatedAt: this.clock.now() });
    await this.audit.record(t, p, 'proposal.create', 'proposal', id, { requestId, facilityId });
    await this.facts.proposed(t, { requestId, facilityId, placeKind });
    const contacts = await this.recipients.facilityAndRegionContacts(t, facilityId);
    await this.notifications.notify(t, {
      event: 'proposal_created',
      to: [contacts?.facility ?? null],
      reference: r.caseCode,
      path: pagePath.proposal(id),
    });
    // into another region: that region's UOR is told (case code and facility only, never the profile)
    if (contacts && contacts.regionCode !== r.regionCode)
      await this.notifications.notify(t, {
        event: 'proposal_cross_region',
        to: [contacts.uor],
        reference: r.caseCode,
        path: pagePath.facility(facilityId),
      });
    return id;
  }

  /**
   * One proposal as `p` sees it. `known`: its request as the caller's unit of work read it under the
   * row lock (a read-back after a change): then only the proposal is read again.
   */
  async get(p: Principal, id: string, audit = true, known?: PlacementRequestEntity) {
    const { proposal, request } = known ? this.visible(p, await this.repo.findById(id), known) : await this.findVisible(p, id);
    // a hold lives only as long as its proposal is pending or accepted: a closed one needs no look-up
    const open = proposal.status === 'pending' || proposal.status === 'accepted';
    const expiries =
      open && proposal.holdId ? await this.holds.expiries([proposal.holdId]) : new Map<string, { expiresAt: Date; live: boolean }>();
    const forFacility = can(p, 'proposal.profile', request);
    if (audit && forFacility && request.profile)
      await this.audit.record(null, p, 'request.read_profile', 'placement_request', request.id, { via: 'proposal', proposalId: id });
    return presentProposal(proposal, proposal.holdId ? expiries.get(proposal.holdId) : undefined, forFacility ? request : undefined);
  }

  async list(p: Principal, q: ListProposalsQuery) {
    const rows = await this.repo.list({
      ...scopeOf(p),
      status: q.status,
      limit: q.limit ?? 50,
      offset: q.offset ?? 0,
    });
    const expiries = await this.holds.expiries(rows.flatMap((x) => (x.holdId ? [x.holdId] : [])));
    // the inbox carries no profile: opening one proposal does, and is audited
    return { items: rows.map((x) => presentProposal(x, x.holdId ? expiries.get(x.holdId) : undefined)) };
  }

  /** Managers see proposals to their facilities, the UOR those of its region's requests; else 404. */
  async findVisible(p: Principal, id: string, tx?: Tx) {
    const proposal = await this.repo.findById(id, tx);
    return this.visible(p, proposal, proposal ? await this.requestsRepo.findById(proposal.requestId, tx) : null);
  }

  /**
   * findVisible with the request row locked (decisions on one request are serialised on it): the
   * lock's read is the visibility check, so the request is read once.
   */
  async lockVisible(p: Principal, id: string, t: Tx) {
    // the request row first, found by the proposal's id, then the proposal's: the lock order of every decision
    const request = await this.requestsRepo.lockByProposalId(t, id);
    const proposal = request ? await this.repo.lockById(t, id) : null;
    return this.visible(p, proposal, request);
  }

  private visible(p: Principal, proposal: ProposalEntity | null, request: PlacementRequestEntity | null) {
    requireVisible(
      p,
      'case.read',
      proposal && request ? { regionCode: request.regionCode, facilityId: proposal.facilityId } : null,
      'proposal',
    );
    return { proposal: proposal as ProposalEntity, request: request! };
  }
}
