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
import { assertDischargeDate, dischargeInstant } from './discharge-date.js';
import type { DischargeReason, PlacementEntity } from './placement.entity.js';
import { PlacementsRepository } from './placements.repository.js';
import { type DischargeCase, ReportFactsService } from '../../reports/report-facts.service.js';
import type { SqlPart } from '../../database/sql-parts.js';

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
  async discharge(p: Principal, id: string, reason: DischargeReason, date: string, time?: string) {
    return this.tx.run(async (t) => {
      const d = await this.repo.lockForDischarge(t, id);
      requireVisible(p, 'case.read', d && { regionCode: d.request.regionCode, facilityId: d.placement.facilityId }, 'placement');
      const { placement, request, facility } = d!;
      if (placement.status !== 'active') throw conflict('already_discharged', 'the placement has already ended');
      assertDischargeDate(date, placement.admittedAt, this.clock.now());
      const now = dischargeInstant(date, time, placement.admittedAt, this.clock.now());
      const read = await this.tx.readTogether<{ place: PlaceRow[] }>(t, {
        place: this.holds.placePart(placement.facilityId, placement.placeKind),
      });
      await this.tx.writeTogether(t, [
        ...this.holds.dischargeParts(p, placement.facilityId, placement.placeKind, read.place, { reason, placementId: placement.id }),
        this.repo.endPart(placement.id, now, date, reason),
        this.requests.closePart(placement.requestId, now),
        this.audit.part(p, 'placement.discharge', 'placement', placement.id, { reason }),
        this.facts.dischargedPart(
          { ...request, facilityRegionCode: facility.regionCode, facilityType: facility.type, admittedAt: placement.admittedAt },
          placement,
          reason,
          date,
        ),
      ]);
      return present({ ...placement, status: 'discharged', dischargedAt: now, dischargeDate: date, dischargeReason: reason });
    });
  }

  /**
   * The writes that end a placement whose row, facility row and place row the caller locked, on its
   * place as read under those locks: the bed freed, the placement ended, the request closed, the
   * audit row, the fact. A transfer's admission ends the previous placement with these in its own
   * transaction (`bedMayBeFree`: the old house's manager may already have freed the bed by hand, the
   * admission is not held up by it), so one person never holds two beds.
   */
  endParts(
    actor: Actor,
    placement: Pick<PlacementEntity, 'id' | 'requestId' | 'facilityId' | 'placeKind'>,
    reason: DischargeReason,
    date: string,
    place: PlaceRow[],
    factCase: DischargeCase,
    o: { bedMayBeFree?: boolean } = {},
  ): SqlPart[] {
    const now = this.clock.now();
    let bed: SqlPart[] = [];
    try {
      bed = this.holds.dischargeParts(actor, placement.facilityId, placement.placeKind, place, { reason, placementId: placement.id });
    } catch (e) {
      if (!(o.bedMayBeFree && e instanceof DomainError && e.code === 'nothing_occupied')) throw e;
    }
    return [
      ...bed,
      this.repo.endPart(placement.id, now, date, reason),
      this.requests.closePart(placement.requestId, now),
      this.audit.part(actor, 'placement.discharge', 'placement', placement.id, { reason }),
      this.facts.dischargedPart(factCase, placement, reason, date),
    ];
  }

  /** Its facility's managers, the UOR of the request's region, admins; else 404. */
  private async findVisible(p: Principal, id: string, tx?: Tx): Promise<PlacementEntity> {
    const x = await this.repo.findById(id, tx);
    const request = x ? await this.requests.findById(x.requestId, tx) : null;
    requireVisible(p, 'case.read', x && request ? { regionCode: request.regionCode, facilityId: x.facilityId } : null, 'placement');
    return x!;
  }
}
