import { Inject, Injectable } from '@nestjs/common';
import { AuditService } from '../audit/audit.service.js';
import type { Principal } from '../auth/principal.js';
import { CLOCK, type Clock } from '../common/clock.js';
import { conflict, notFound } from '../domain/errors.js';
import { Transactions, type Tx } from '../database/transactions.repository.js';
import { IdempotencyService } from '../common/idempotency/idempotency.service.js';
import { FacilitiesService } from '../facilities/facilities.service.js';
import { assertKindAccepted, assertPlacesConsistent } from '../facilities/facility-input.js';
import { presentPlaces } from '../facilities/facility.presenter.js';
import type { FacilityRecord } from '../facilities/facility.record.js';
import { facilityAccess, requireAccess } from '../auth/access.js';
import { AvailabilityEventsRepository, type NewAvailabilityEvent } from '../facilities/place-events.repository.js';
import { AvailabilityRepository } from './availability.repository.js';
import type { UpdateAvailabilityDto } from './dto/update-availability.dto.js';
import { deltaOf, isZero, numbersOf } from '../facilities/place-events.js';

@Injectable()
export class AvailabilityService {
  constructor(
    private readonly facilities: FacilitiesService,
    private readonly repo: AvailabilityRepository,
    private readonly events: AvailabilityEventsRepository,
    private readonly tx: Transactions,
    private readonly audit: AuditService,
    private readonly idempotency: IdempotencyService,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  async get(p: Principal, facilityId: string) {
    return this.present(p, await this.facilities.findVisible(p, facilityId));
  }

  /**
   * A manager's save: optimistic on `version`, checked under the row locks, confirms the data. With an
   * Idempotency-Key (the bed board replaying a save queued offline) a retry returns the first answer.
   * A conflict carries the current numbers, so the page can show hers and these side by side.
   */
  async update(p: Principal, facilityId: string, dto: UpdateAvailabilityDto, key?: string) {
    return this.tx.run((t) =>
      this.idempotency.answerOnce(t, p, `availability:${facilityId}`, key, dto, () => this.save(t, p, facilityId, dto)),
    );
  }

  private async save(t: Tx, p: Principal, facilityId: string, dto: UpdateAvailabilityDto) {
    const f = await this.managed(p, facilityId);
    const locked = await this.repo.lockFacilityVersion(t, facilityId);
    if (!locked) throw notFound('facility');
    if (locked.version !== dto.version)
      throw conflict('version_conflict', `availability changed since version ${dto.version}; reload and retry`, {
        currentVersion: locked.version,
        // read under the lock: the numbers that stand now
        current: await this.get(p, facilityId),
      });
    const current = await this.repo.lockPlaces(t, facilityId);
    const now = this.clock.now();
    const events: NewAvailabilityEvent[] = [];
    for (const next of dto.places) {
      const before = current.find((c) => c.kind === next.kind);
      if (!before) assertKindAccepted({ adults: f.acceptsAdults, minors: f.acceptsMinors, children: f.acceptsChildren }, next.kind);
      const held = before?.held ?? 0;
      assertPlacesConsistent([
        { ...next, held, childCapacity: next.childCapacity ?? (next.kind === 'mother_child' ? before?.childCapacity : undefined) },
      ]);
      const childCapacity = next.kind === 'mother_child' ? (next.childCapacity ?? before?.childCapacity ?? null) : null;
      await this.repo.upsertPlace(t, facilityId, {
        kind: next.kind,
        total: next.total,
        occupied: next.occupied,
        outOfService: next.outOfService,
        childCapacity,
      });
      const after = { total: next.total, occupied: next.occupied, outOfService: next.outOfService, held };
      const delta = deltaOf(numbersOf(before), after);
      if (!isZero(delta) || childCapacity !== (before?.childCapacity ?? null))
        events.push(this.event(p, facilityId, 'manager_update', now, { kind: next.kind, delta, after: { ...after, childCapacity } }));
    }
    const intake = this.intakeChange(f, dto.acceptingNewGuests, dto.intakeNote);
    if (intake) events.push(this.event(p, facilityId, intake.accepting ? 'intake_resumed' : 'intake_paused', now, {}));
    events.push(this.event(p, facilityId, 'confirm', now, {}));
    await this.repo.touchFacility(t, facilityId, { bumpVersion: true, confirmedAt: now, intake });
    await this.events.append(t, events);
    await this.audit.record(t, p, 'availability.update', 'facility', facilityId, { kinds: dto.places.map((x) => x.kind) });
    // read back in the committing transaction (see Transactions)
    return this.get(p, facilityId);
  }

  /** "Still true": refreshes confirmedAt, numbers and version untouched; with an Idempotency-Key, once. */
  async confirm(p: Principal, facilityId: string, key?: string) {
    return this.tx.run((t) =>
      this.idempotency.answerOnce(t, p, `availability-confirm:${facilityId}`, key, {}, async () => {
        await this.managed(p, facilityId);
        const now = this.clock.now();
        await this.repo.touchFacility(t, facilityId, { bumpVersion: false, confirmedAt: now });
        await this.events.append(t, [this.event(p, facilityId, 'confirm', now, {})]);
        return this.get(p, facilityId);
      }),
    );
  }

  async setIntake(p: Principal, facilityId: string, accepting: boolean, note?: string) {
    return this.tx.run(async (t) => {
      const f = await this.managed(p, facilityId);
      const intake = this.intakeChange(f, accepting, note);
      if (intake) {
        await this.repo.touchFacility(t, facilityId, { bumpVersion: false, intake });
        await this.events.append(t, [this.event(p, facilityId, accepting ? 'intake_resumed' : 'intake_paused', this.clock.now(), {})]);
      }
      return this.get(p, facilityId);
    });
  }

  async history(p: Principal, facilityId: string, afterId: string | undefined, limit: number) {
    const f = await this.facilities.findVisible(p, facilityId);
    requireAccess(p, 'availability.history', f);
    const rows = await this.events.findForFacility(facilityId, afterId, limit);
    return {
      facilityId,
      events: rows.map((e) => ({
        id: e.id,
        at: e.at.toISOString(),
        type: e.type,
        kind: e.kind,
        actor: { sub: e.actorSub, role: e.actorRole },
        delta: e.delta,
        after: e.after,
        holdId: e.holdId,
        details: e.details,
      })),
      nextAfterId: rows.length === limit ? rows[rows.length - 1].id : null,
    };
  }

  present(p: Principal, f: FacilityRecord) {
    const freshness = this.facilities.freshness(f);
    const full = facilityAccess(p, f) === 'full';
    return {
      facilityId: f.id,
      version: f.availabilityVersion,
      confirmedAt: f.confirmedAt?.toISOString() ?? null,
      freshness,
      stale: freshness !== 'fresh',
      acceptingNewGuests: f.acceptingNewGuests,
      ...(full ? { intakeNote: f.intakeNote } : {}),
      places: presentPlaces(f),
    };
  }

  /** The facility, when the caller manages it: 404 if invisible, 403 if visible but not its own. */
  private async managed(p: Principal, facilityId: string): Promise<FacilityRecord> {
    const f = await this.facilities.findVisible(p, facilityId);
    requireAccess(p, 'availability.manage', f);
    return f;
  }

  private intakeChange(f: FacilityRecord, accepting: boolean | undefined, note: string | undefined) {
    if (accepting === undefined) return undefined;
    if (accepting === f.acceptingNewGuests && (note ?? null) === f.intakeNote) return undefined;
    return { accepting, note: note ?? null };
  }

  private event(
    p: Principal,
    facilityId: string,
    type: NewAvailabilityEvent['type'],
    at: Date,
    extra: Partial<NewAvailabilityEvent>,
  ): NewAvailabilityEvent {
    return { facilityId, type, actorSub: p.sub, actorRole: p.role, at, ...extra };
  }
}
