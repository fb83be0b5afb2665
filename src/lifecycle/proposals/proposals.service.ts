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
import { type Notice, NotificationsService } from '../../notifications/notifications.service.js';
import { RecipientsRepository } from '../../notifications/recipients.repository.js';
import { pagePath } from '../../notifications/templates.js';
import { PlacementRequestsRepository } from '../requests/placement-requests.repository.js';
import { PlacementRequestsService } from '../requests/placement-requests.service.js';
import type { PlaceKind } from '../../domain/types.js';
import type { PlacementRequestEntity } from '../requests/placement-request.entity.js';
import { type ProposableRequest } from '../requests/placement-requests.repository.js';
import { PlacementsRepository } from '../placements/placements.repository.js';
import type { SnapshotRow } from '../../matching/matching.repository.js';
import type { ListProposalsQuery } from './dto/proposal.dto.js';
import type { ProposalEntity } from './proposal.entity.js';
import { ANY_CASE, presentProposal } from './proposal.presenter.js';
import { ProposalsRepository } from './proposals.repository.js';
import { ReportFactsService } from '../../reports/report-facts.service.js';

/** What an offer reads in its one read statement (rows as JSON). */
interface OfferReads {
  snapshot: SnapshotRow[];
  conflictTags: { tags: string[] }[];
  live: { facilityId: string; status: string }[];
  count: { n: number }[];
  contacts: { facility: string | null; regionCode: string; uor: string | null }[];
  previous?: { status: string; facilityId: string }[];
  key?: { resourceId: string | null; bodyHash: string }[];
}

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
    private readonly placementsRepo: PlacementsRepository,
  ) {}

  /** Holds a place of the needed kind: 409 no_free_place, 422 constraint_violated with every failing reason. */
  async propose(p: Principal, requestId: string, facilityId: string, idempotencyKey?: string) {
    // the answer is built in the committing transaction from what it wrote: a committed hold is never answered as an error
    return this.tx.run(async (t) => {
      // statement 1: the request row locked (it serialises proposals and decisions of one request), then the facility's
      const r = await this.requestsRepo.lockForProposal(t, requestId, facilityId);
      requireVisible(p, 'request.read', r, 'placement request');
      const once =
        idempotencyKey === undefined ? undefined : this.idempotency.inParts(p, `proposals:${requestId}`, idempotencyKey, { facilityId });
      const offer = await this.offer(t, p, r!, facilityId, undefined, once);
      if ('replayedId' in offer) {
        const known = await this.repo.findWithHold(t, offer.replayedId);
        const { proposal } = this.visible(p, known, r! as PlacementRequestEntity);
        return { ...presentProposal(proposal, known!.hold ?? undefined, can(p, 'proposal.profile', r!) ? r! : undefined), replayed: true };
      }
      return { ...presentProposal(offer.proposal, offer.hold, can(p, 'proposal.profile', r!) ? r! : undefined), replayed: false };
    });
  }

  /**
   * The offer itself, inside `t` with the request row already locked. `kind` forces the place
   * kind (a batch plan decided it); otherwise the core chooses.
   */
  async proposeLocked(
    t: Tx,
    p: Pick<Principal, 'sub' | 'role'>,
    r: ProposableRequest,
    facilityId: string,
    kind?: PlaceKind,
  ): Promise<string> {
    // under the facility lock, a concurrent proposal of the same network to this facility is seen
    await this.holds.lockFacility(t, facilityId);
    const offer = await this.offer(t, p, r, facilityId, kind);
    return 'replayedId' in offer ? offer.replayedId : offer.proposal.id;
  }

  /**
   * With the request and the facility locked: one statement reads what the checks need, TypeScript
   * decides, one statement holds the place (approdo_hold_or_fail) and writes the proposal, the
   * request's status, the audit row, the report fact, the notices and the idempotency key.
   */
  private async offer(
    t: Tx,
    p: Pick<Principal, 'sub' | 'role'>,
    r: ProposableRequest,
    facilityId: string,
    kind?: PlaceKind,
    once?: ReturnType<IdempotencyService['inParts']>,
  ): Promise<{ replayedId: string } | { proposal: ProposalEntity; hold: { expiresAt: Date; live: boolean } }> {
    const requestId = r.id;
    const ofRequest = this.repo.ofRequestParts(requestId);
    // read after both locks: proposals of this request or to this facility that committed meanwhile are seen
    const read = await this.tx.readTogether<OfferReads>(t, {
      ...this.matching.checkParts(facilityId, r.conflictTags, requestId),
      ...ofRequest,
      contacts: this.recipients.facilityAndRegionContactsPart(facilityId),
      ...(r.previousPlacementId ? { previous: this.placementsRepo.wherePart(r.previousPlacementId) } : {}),
      ...(once ? { key: once.lookup } : {}),
    });
    const replayedId = once?.decide(read.key ?? []);
    if (replayedId) return { replayedId };
    if (r.status !== 'open' && r.status !== 'proposed') throw conflict('request_not_open', `the request is ${r.status}`);
    if (read.live.some((x) => x.facilityId === facilityId))
      throw conflict('already_proposed', 'this request is already offered to that facility');
    if (read.live.some((x) => x.status === 'accepted'))
      throw conflict('already_accepted', 'another facility has already accepted this request');
    const check = this.matching.checkRead(this.requests.toMatch(r, this.requests.currentFacilityIn(read.previous?.[0])), read);
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
    // the place is held inside the statement that writes the proposal: a refusal (someone took the
    // last bed since the checks' read) ends that statement before anything else of it is written
    const hold = this.holds.holdInStatement(p, facilityId, placeKind, id, this.holds.ttlHoursFor(r.urgency));
    const now = this.clock.now();
    const proposal: ProposalEntity = {
      id,
      requestId,
      facilityId,
      placeKind,
      status: 'pending',
      holdId: null,
      createdBySub: p.sub,
      createdAt: now,
      decidedBySub: null,
      decidedAt: null,
      declineReason: null,
      declineNote: null,
      placementId: null,
    };
    const [facility] = read.snapshot;
    const contacts = read.contacts[0];
    const notices: Notice[] = [
      { event: 'proposal_created', to: [contacts?.facility ?? null], reference: r.caseCode, path: pagePath.proposal(id) },
    ];
    // into another region: that region's UOR is told (case code and facility only, never the profile)
    if (contacts && contacts.regionCode !== r.regionCode)
      notices.push({ event: 'proposal_cross_region', to: [contacts.uor], reference: r.caseCode, path: pagePath.facility(facilityId) });
    try {
      const [{ holdId }] = await this.tx.writeTogether<{ holdId: string }>(
        t,
        [
          r.status === 'open' ? this.requestsRepo.statusPart(requestId, 'proposed', now) : null,
          this.audit.part(p, 'proposal.create', 'proposal', id, { requestId, facilityId }),
          this.facts.proposedPart(
            { ...r, facilityRegionCode: facility.regionCode, facilityType: facility.type, proposals: read.count[0].n + 1 },
            proposal,
          ),
          this.notifications.part(...notices),
          once ? once.claimed(id) : null,
        ],
        this.repo.insertHeldPart(proposal, hold.part),
      );
      proposal.holdId = holdId;
    } catch (e) {
      throw hold.refusal(e) ?? e;
    }
    return { proposal, hold: { expiresAt: hold.expiresAt, live: true } };
  }

  /**
   * One proposal as `p` sees it, opened on its page: the proposal, its request and its hold in one
   * statement; the case only for a role that may read it, and that read audited.
   */
  async get(p: Principal, id: string) {
    const showCase = can(p, 'proposal.profile', ANY_CASE);
    const d = await this.repo.findForReading(id, showCase);
    requireVisible(p, 'case.read', d ? { regionCode: d.request.regionCode, facilityId: d.proposal.facilityId } : null, 'proposal');
    const { proposal, request, hold } = d!;
    // asked again with the case: the rule is by role today, and this stays right if it ever is not
    const forFacility = showCase && can(p, 'proposal.profile', { regionCode: request.regionCode, facilityId: proposal.facilityId });
    if (forFacility && request.profile)
      await this.audit.record(null, p, 'request.read_profile', 'placement_request', request.id, { via: 'proposal', proposalId: id });
    // a hold lives only as long as its proposal is pending or accepted
    const open = proposal.status === 'pending' || proposal.status === 'accepted';
    return presentProposal(proposal, open ? (hold ?? undefined) : undefined, forFacility ? request : undefined);
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
