import { Inject, Injectable } from '@nestjs/common';
import { requireVisible } from '../../auth/access.js';
import { AuditService } from '../../audit/audit.service.js';
import type { Principal } from '../../auth/principal.js';
import { type Actor, HoldsService } from '../../availability/holds.service.js';
import { CLOCK, type Clock } from '../../common/clock.js';
import { conflict, DomainError } from '../../domain/errors.js';
import { Transactions, type Tx } from '../../database/transactions.repository.js';
import type { PlaceRow } from '../../availability/availability.repository.js';
import { PlacementRequestsRepository } from '../requests/placement-requests.repository.js';
import { assertDischargeDate, dayOf } from './discharge-date.js';
import type { DischargeReason, PlacementEntity } from './placement.entity.js';
import { PlacementsRepository } from './placements.repository.js';
import { ReportFactsService } from '../../reports/report-facts.service.js';

const present = (x: PlacementEntity) => ({
  id: x.id,
  requestId: x.requestId,
  proposalId: x.proposalId,
  facilityId: x.facilityId,
  placeKind: x.placeKind,
  status: x.status,
  admittedAt: x.admittedAt.toISOString(),
  dischargedAt: x.dischargedAt?.toISOString() ?? null,
  dischargeDate: x.dischargeDate,
  dischargeReason: x.dischargeReason,
});

@Injectable()
export class PlacementsService {
  constructor(
    private readonly repo: PlacementsRepository,
    private readonly requests: PlacementRequestsRepository,
    private readonly holds: HoldsService,
    private readonly tx: Transactions,
    private readonly audit: AuditService,
    @Inject(CLOCK) private readonly clock: Clock,
    private readonly facts: ReportFactsService,
  ) {}

  async get(p: Principal, id: string) {
    return present(await this.findVisible(p, id));
  }

  /**
   * Frees the place and closes the request; a transfer is a new request linked to this placement.
   * Three statements: the placement, its facility and its place row locked; the place's numbers
   * read under that lock; every write. The answer is built from them.
   */
  async discharge(p: Principal, id: string, reason: DischargeReason, date: string) {
    return this.tx.run(async (t) => {
      const d = await this.repo.lockForDischarge(t, id);
      requireVisible(p, 'case.read', d && { regionCode: d.request.regionCode, facilityId: d.placement.facilityId }, 'placement');
      const { placement, request, facility } = d!;
      if (placement.status !== 'active') throw conflict('already_discharged', 'the placement has already ended');
      assertDischargeDate(date, placement.admittedAt, this.clock.now());
      const now = this.clock.now();
      const read = await this.tx.readTogether<{ place: PlaceRow[] }>(t, {
        place: this.holds.placePart(placement.facilityId, placement.placeKind),
      });
      await this.tx.writeTogether(t, [
        ...this.holds.dischargeParts(p, placement.facilityId, placement.placeKind, read.place, { reason, placementId: placement.id }),
        this.repo.endPart(placement.id, now, date, reason),
        this.requests.closePart(placement.requestId, now),
        this.audit.part(p, 'placement.discharge', 'placement', placement.id, { reason }),
        this.facts.dischargedPart({ ...request, facilityRegionCode: facility.regionCode, facilityType: facility.type }, placement, reason),
      ]);
      return present({ ...placement, status: 'discharged', dischargedAt: now, dischargeDate: date, dischargeReason: reason });
    });
  }

  /**
   * A transfer's admission: the person's previous placement (when still active) ends as
   * `transferred` on the admission's day, inside the admission's transaction, so one person never
   * holds two beds. Returns the id of the placement it ended, or null.
   */
  async endForTransfer(t: Tx, actor: Actor, previousPlacementId: string): Promise<string | null> {
    const previous = await this.repo.lockById(t, previousPlacementId);
    if (!previous || previous.status !== 'active') return null;
    // the old house's manager may already have freed the bed by hand: the admission is not held up by it
    await this.endLocked(t, actor, previous, 'transferred', dayOf(this.clock.now()), { bedMayBeFree: true });
    return previous.id;
  }

  /** Frees the place, ends the placement and closes its request; `placement` is locked by the caller. */
  private async endLocked(
    t: Tx,
    actor: Actor,
    placement: PlacementEntity,
    reason: DischargeReason,
    date: string,
    o: { bedMayBeFree?: boolean } = {},
  ) {
    const now = this.clock.now();
    try {
      await this.holds.discharge(actor, placement.facilityId, placement.placeKind, { reason, placementId: placement.id }, t);
    } catch (e) {
      // refused before any write (see HoldsService.discharge): nothing to undo
      if (!(o.bedMayBeFree && e instanceof DomainError && e.code === 'nothing_occupied')) throw e;
    }
    await this.repo.update(t, placement.id, { status: 'discharged', dischargedAt: now, dischargeDate: date, dischargeReason: reason });
    await this.requests.update(t, placement.requestId, { status: 'closed', closedAt: now, updatedAt: now });
    await this.audit.record(t, actor, 'placement.discharge', 'placement', placement.id, { reason });
    await this.facts.discharged(t, placement, reason);
  }

  /** Its facility's managers, the UOR of the request's region, admins; else 404. */
  private async findVisible(p: Principal, id: string, tx?: Tx): Promise<PlacementEntity> {
    const x = await this.repo.findById(id, tx);
    const request = x ? await this.requests.findById(x.requestId, tx) : null;
    requireVisible(p, 'case.read', x && request ? { regionCode: request.regionCode, facilityId: x.facilityId } : null, 'placement');
    return x!;
  }
}
