import { Inject, Injectable } from '@nestjs/common';
import { CLOCK, type Clock } from '../common/clock.js';
import type { SqlPart } from '../database/sql-parts.js';
import { Transactions, type Tx } from '../database/transactions.repository.js';
import { nightsOfStay } from './report-definitions.js';
import { commonestExclusion, type Fact, hoursBetween, personDims } from './report-facts.js';
import { ReportFactsRepository, type CaseForFacts } from './report-facts.repository.js';

/** What a fact about a proposal needs of its case (a caller that read these itself passes them). */
export type CaseAtFacility = Pick<
  CaseForFacts,
  'regionCode' | 'urgency' | 'createdAt' | 'facilityRegionCode' | 'facilityType' | 'proposals'
>;

/** What a discharge fact needs besides the case: who leaves (her profile, null once erased) and when she came. */
export type DischargeCase = CaseAtFacility & Pick<CaseForFacts, 'profile'> & { admittedAt: Date | string };

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

  /** A proposal, for a caller that read the case itself (`proposals`: counted with this one): its one write statement's part. */
  proposedPart(r: CaseAtFacility, proposal: ProposalForFacts): SqlPart {
    const facts: Omit<Fact, 'at'>[] = [{ event: 'proposal', ...atFacility(r, proposal) }];
    if (r.proposals === 1)
      facts.push({ event: 'first_proposal', ...atFacility(r, proposal), hours: hoursBetween(r.createdAt, this.clock.now()) });
    return this.part(...facts);
  }

  /** An acceptance, as a part of the caller's one write statement: it measures the time from the request. */
  acceptedPart(r: CaseAtFacility, proposal: ProposalForFacts): SqlPart {
    return this.part({ event: 'acceptance', ...atFacility(r, proposal), hours: hoursBetween(r.createdAt, this.clock.now()) });
  }

  /** A proposal ends without admission: declined (with its reason), withdrawn or expired. */
  async proposalClosed(t: Tx, proposal: ProposalForFacts, status: ClosedAs, reason?: string | null): Promise<void> {
    const r = await this.repo.requestAtFacility(t, proposal.requestId, proposal.facilityId);
    if (r) await this.write(t, closedFact(r, proposal, status, reason));
  }

  /** `proposalClosed` as a part of the caller's one write statement (the case read by the caller). */
  proposalClosedPart(r: CaseAtFacility, proposal: ProposalForFacts, status: ClosedAs, reason?: string | null): SqlPart {
    return this.part(closedFact(r, proposal, status, reason));
  }

  /** `admitted` as a part of the caller's one write statement; `previousRegion`: where a transfer's previous placement is. */
  admittedPart(r: CaseForFacts, proposal: ProposalForFacts, previousRegion: string | null): SqlPart {
    return this.part(this.admittedFact(r, proposal, previousRegion));
  }

  private admittedFact(r: CaseForFacts, proposal: ProposalForFacts, previousRegion: string | null): Omit<Fact, 'at'> {
    const transfer = r.previousPlacementId !== null;
    return {
      event: 'admission',
      ...atFacility(r, proposal),
      ...personDims(r.profile),
      referralChannel: r.referralChannel,
      fromRegionCode: transfer ? (previousRegion ?? r.regionCode) : r.regionCode,
      transfer,
      hours: hoursBetween(r.createdAt, this.clock.now()),
    };
  }

  /**
   * A placement ends, as a part of the caller's one write statement (the case read by the caller):
   * who leaves (the dimensions her admission counted, so that the people still placed are
   * admissions minus discharges) and after how many nights (from her admission to `date`).
   */
  dischargedPart(r: DischargeCase, placement: ProposalForFacts, reason: string, date: string): SqlPart {
    const { gender, ageBand, exploitation, children, childrenFemale, childrenMale } = personDims(r.profile);
    return this.part({
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
      stayDays: nightsOfStay(new Date(r.admittedAt), date),
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

  private part(...facts: Omit<Fact, 'at'>[]): SqlPart {
    const at = this.clock.now();
    return this.repo.insertPart(...facts.map((f) => ({ ...f, at })));
  }
}

type ClosedAs = 'declined' | 'withdrawn' | 'expired';

const closedFact = (r: CaseAtFacility, p: ProposalForFacts, status: ClosedAs, reason?: string | null): Omit<Fact, 'at'> => ({
  event: ({ declined: 'decline', withdrawn: 'withdrawal', expired: 'expiry' } as const)[status],
  ...atFacility(r, p),
  reason: status === 'declined' ? (reason ?? null) : null,
});

/** The dimensions of a fact about a proposal: the request's region and urgency, the facility's region and type. */
const atFacility = (r: CaseAtFacility, p: ProposalForFacts): Partial<Fact> => ({
  regionCode: r.regionCode,
  urgency: r.urgency,
  facilityId: p.facilityId,
  facilityRegionCode: r.facilityRegionCode,
  facilityType: r.facilityType,
  kind: p.placeKind,
});
