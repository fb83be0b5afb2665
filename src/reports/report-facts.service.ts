import { Inject, Injectable } from '@nestjs/common';
import { CLOCK, type Clock } from '../common/clock.js';
import { Transactions, type Tx } from '../database/transactions.repository.js';
import { todayInItaly } from './report-definitions.js';
import { commonestExclusion, type Fact, hoursBetween, personDims } from './report-facts.js';
import { ReportFactsRepository, type CaseForFacts } from './report-facts.repository.js';

/** The proposal fields a fact needs (ProposalEntity fits). */
export interface ProposalForFacts {
  requestId: string;
  facilityId: string;
  placeKind: string;
}

/**
 * Writes the anonymous facts reports count, inside the transaction of the event (one call per
 * event from the lifecycle services). Nothing here identifies a person or a request.
 */
@Injectable()
export class ReportFactsService {
  constructor(
    private readonly repo: ReportFactsRepository,
    private readonly tx: Transactions,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  async requestCreated(t: Tx, requestId: string): Promise<void> {
    const r = await this.repo.request(t, requestId);
    if (r)
      await this.write(t, { event: 'request_created', regionCode: r.regionCode, urgency: r.urgency, referralChannel: r.referralChannel });
  }

  /** After a proposal is written: every one is counted; the request's first one measures the time to a first proposal. */
  async proposed(t: Tx, proposal: ProposalForFacts): Promise<void> {
    const r = await this.repo.requestAtFacility(t, proposal.requestId, proposal.facilityId, true);
    if (!r) return;
    const facts: Omit<Fact, 'at'>[] = [{ event: 'proposal', ...atFacility(r, proposal) }];
    if (r.proposals === 1)
      facts.push({ event: 'first_proposal', ...atFacility(r, proposal), hours: hoursBetween(r.createdAt, this.clock.now()) });
    await this.write(t, ...facts);
  }

  async accepted(t: Tx, proposal: ProposalForFacts): Promise<void> {
    const r = await this.repo.requestAtFacility(t, proposal.requestId, proposal.facilityId);
    if (r) await this.write(t, { event: 'acceptance', ...atFacility(r, proposal), hours: hoursBetween(r.createdAt, this.clock.now()) });
  }

  /** A proposal ends without admission: declined (with its reason), withdrawn or expired. */
  async proposalClosed(
    t: Tx,
    proposal: ProposalForFacts,
    status: 'declined' | 'withdrawn' | 'expired',
    reason?: string | null,
  ): Promise<void> {
    const r = await this.repo.requestAtFacility(t, proposal.requestId, proposal.facilityId);
    const event = ({ declined: 'decline', withdrawn: 'withdrawal', expired: 'expiry' } as const)[status];
    if (r) await this.write(t, { event, ...atFacility(r, proposal), reason: status === 'declined' ? (reason ?? null) : null });
  }

  /** Admission: the person's anonymous dimensions, where she comes from and goes, how long it took. */
  async admitted(t: Tx, proposal: ProposalForFacts): Promise<void> {
    const r = await this.repo.requestAtFacility(t, proposal.requestId, proposal.facilityId);
    if (!r) return;
    const transfer = r.previousPlacementId !== null;
    const from = transfer ? ((await this.repo.placementRegion(t, r.previousPlacementId!)) ?? r.regionCode) : r.regionCode;
    await this.write(t, {
      event: 'admission',
      ...atFacility(r, proposal),
      ...personDims(r.profile),
      referralChannel: r.referralChannel,
      fromRegionCode: from,
      transfer,
      hours: hoursBetween(r.createdAt, this.clock.now()),
    });
  }

  /**
   * A placement ends: who leaves (the dimensions her admission counted, so that the people still
   * placed are admissions minus discharges) and after how many nights.
   */
  async discharged(t: Tx, placement: ProposalForFacts, reason: string): Promise<void> {
    const r = await this.repo.requestAtFacility(t, placement.requestId, placement.facilityId, false, todayInItaly(this.clock.now()));
    if (!r) return;
    const { gender, ageBand, exploitation, children, childrenFemale, childrenMale } = personDims(r.profile);
    const stayDays = r.stayDays === undefined || r.stayDays === null ? null : Number(r.stayDays);
    await this.write(t, {
      event: 'discharge',
      ...atFacility(r, placement),
      reason,
      gender,
      ageBand,
      exploitation,
      children,
      childrenFemale,
      childrenMale,
      transfer: reason === 'transferred',
      stayDays,
    });
  }

  /** A request cancelled before any admission; `excluded` is what a search would exclude now (when it finds nobody). */
  async closedUnplaced(t: Tx, requestId: string, reason: string | null): Promise<void> {
    const r = await this.repo.request(t, requestId);
    if (r) await this.write(t, { event: 'closed_unplaced', regionCode: r.regionCode, urgency: r.urgency, reason });
  }

  /** A search (request candidates or a capacity search) that found nobody; its own one-row transaction. */
  async searchWithoutCandidates(regionCode: string, urgency: string | null, excluded: { reason: string; count: number }[]): Promise<void> {
    await this.tx.run((t) =>
      this.write(t, { event: 'search_without_candidates', regionCode, urgency, reason: commonestExclusion(excluded) }),
    );
  }

  private write(t: Tx, ...facts: Omit<Fact, 'at'>[]): Promise<void> {
    const at = this.clock.now();
    return this.repo.insert(t, ...facts.map((f) => ({ ...f, at })));
  }
}

/** The dimensions of a fact about a proposal: the request's region and urgency, the facility's region and type. */
const atFacility = (r: CaseForFacts, p: ProposalForFacts): Partial<Fact> => ({
  regionCode: r.regionCode,
  urgency: r.urgency,
  facilityId: p.facilityId,
  facilityRegionCode: r.facilityRegionCode,
  facilityType: r.facilityType,
  kind: p.placeKind,
});
