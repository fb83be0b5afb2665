import { Inject, Injectable } from '@nestjs/common';
import type { Principal } from '../auth/principal.js';
import { CLOCK, type Clock } from '../common/clock.js';
import { conflict, ruleBroken } from '../domain/errors.js';
import { APP_CONFIG, type AppConfig } from '../config/app-config.js';
import type { SqlPart } from '../database/sql-parts.js';
import { Transactions, type Tx } from '../database/transactions.repository.js';
import type { PlaceKind } from '../domain/types.js';
import { AvailabilityEventsRepository, type AvailabilityEventType } from '../facilities/place-events.repository.js';
import { AvailabilityRepository, type HoldRow, type PlaceRow, toPlace } from './availability.repository.js';
import { deltaOf, numbersOf } from '../facilities/place-events.js';

export type Actor = Pick<Principal, 'sub' | 'role'>;

/** A hold refused: the same 409 whether approdo_hold answered it or approdo_hold_or_fail raised it. */
const refused = (why: 'no_free_place' | 'no_kind', facilityId: string, kind: PlaceKind) =>
  why === 'no_kind'
    ? conflict('no_free_place', `the facility has no ${kind} places`)
    : conflict('no_free_place', `no free ${kind} place left`, { facilityId, kind });
export const SYSTEM: Actor = { sub: 'system', role: 'admin' };

/**
 * The internal API proposals use: hold one place for a TTL, release it, turn it into an occupied
 * place, free an occupied one. Safe across processes: see AvailabilityRepository.
 */
@Injectable()
export class HoldsService {
  constructor(
    private readonly repo: AvailabilityRepository,
    private readonly events: AvailabilityEventsRepository,
    private readonly tx: Transactions,
    @Inject(CLOCK) private readonly clock: Clock,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  /**
   * Holds a free place of `kind`, or throws 409 no_free_place. One statement: inside `tx` when
   * given (a proposal), else on its own, atomically.
   */
  async hold(
    actor: Actor,
    facilityId: string,
    kind: PlaceKind,
    referenceId: string | null = null,
    tx?: Tx,
    ttlHours = this.config.holdTtlHours,
  ): Promise<HoldRow> {
    const now = this.clock.now();
    const expiresAt = new Date(now.getTime() + ttlHours * 3_600_000);
    const r = await this.repo.holdAtomically(this.tx.manager(tx), {
      facilityId,
      kind,
      referenceId,
      now,
      expiresAt,
      actorSub: actor.sub,
      actorRole: actor.role,
    });
    if (r.outcome !== 'held' || !r.holdId) throw refused(r.outcome === 'no_kind' ? 'no_kind' : 'no_free_place', facilityId, kind);
    return { id: r.holdId, facilityId, kind, referenceId, expiresAt };
  }

  /**
   * A hold for the statement that writes what it is for (a proposal): the SQL expression that holds
   * and gives the hold's id, and when it expires. If the statement fails, `refusal` says whether the
   * hold was refused (409 no_free_place, as `hold` answers) or something else went wrong (null).
   */
  holdInStatement(actor: Actor, facilityId: string, kind: PlaceKind, referenceId: string, ttlHours: number) {
    const now = this.clock.now();
    const expiresAt = new Date(now.getTime() + ttlHours * 3_600_000);
    const part = this.repo.holdOrFailPart({ facilityId, kind, referenceId, now, expiresAt, actorSub: actor.sub, actorRole: actor.role });
    const refusal = (e: unknown) => {
      const why = this.repo.holdRefusal(e);
      return why ? refused(why, facilityId, kind) : null;
    };
    return { part, expiresAt, refusal };
  }

  /** Frees a live hold; false when it was no longer live. */
  release(
    actor: Actor,
    holdId: string,
    reason: 'released' | 'declined' | 'expired' | 'withdrawn' | 'cancelled',
    tx?: Tx,
  ): Promise<boolean> {
    return this.repo.releaseAtomically(this.tx.manager(tx), holdId, reason, this.clock.now(), actor.sub, actor.role, { reason });
  }

  /** `release` as the query of the caller's one write statement (it must be that statement's main query, see writesTogether). */
  releasePart(actor: Actor, holdId: string, reason: 'declined' | 'withdrawn' | 'expired'): SqlPart {
    return this.repo.releasePart(holdId, reason, this.clock.now(), actor.sub, actor.role, { reason });
  }

  /** Several releases by one actor as the query of the caller's one write statement. */
  releaseManyPart(actor: Actor, holdIds: string[], reason: 'withdrawn'): SqlPart {
    return this.repo.releaseManyPart(holdIds, reason, this.clock.now(), actor.sub, actor.role, { reason });
  }

  /** Whether a hold is live, as a read of the caller's one read statement (a row when it is). */
  livePart(holdId: string): SqlPart {
    return this.repo.liveHoldPart(holdId);
  }

  /** `extend` as a write of the caller's one statement, with the new expiry. */
  extendPart(holdId: string, ttlHours = this.config.holdTtlHours): { part: SqlPart; expiresAt: Date } {
    const expiresAt = new Date(this.clock.now().getTime() + ttlHours * 3_600_000);
    return { part: this.repo.extendHoldPart(holdId, expiresAt), expiresAt };
  }

  /** Admission: the held place becomes occupied, in one step. */
  admit(actor: Actor, holdId: string, tx?: Tx): Promise<HoldRow> {
    return this.inTx(tx, async (t) => {
      const hold = await this.repo.findLiveHold(t, holdId);
      if (!hold) throw conflict('hold_not_live', 'the hold has expired or was released');
      // facility row first, then its places: the order manager saves use, so the two never deadlock
      await this.repo.lockFacilityVersion(t, hold.facilityId);
      const [place] = await this.repo.lockPlaces(t, hold.facilityId, hold.kind);
      if (!(await this.repo.markReleased(t, holdId, 'admitted', this.clock.now())))
        throw conflict('hold_not_live', 'the hold has expired or was released');
      await this.repo.addOccupied(t, hold.facilityId, hold.kind, 1);
      await this.repo.touchFacility(t, hold.facilityId, { bumpVersion: true });
      const after = { ...numbersOf(place), occupied: place.occupied + 1, held: place.held - 1 };
      await this.record(t, actor, 'admission', hold.facilityId, hold.kind, numbersOf(place), after, holdId);
      return hold;
    });
  }

  /** Discharge: one occupied place of `kind` becomes free. */
  discharge(actor: Actor, facilityId: string, kind: PlaceKind, details: Record<string, unknown>, tx?: Tx): Promise<void> {
    return this.inTx(tx, async (t) => {
      await this.repo.lockFacilityVersion(t, facilityId);
      const [place] = await this.repo.lockPlaces(t, facilityId, kind);
      // the manager may already have corrected the numbers by hand
      if (!place || place.occupied < 1) throw ruleBroken('nothing_occupied', `no occupied ${kind} place to free`);
      await this.repo.addOccupied(t, facilityId, kind, -1);
      await this.repo.touchFacility(t, facilityId, { bumpVersion: true });
      await this.record(
        t,
        actor,
        'discharge',
        facilityId,
        kind,
        numbersOf(place),
        { ...numbersOf(place), occupied: place.occupied - 1 },
        null,
        details,
      );
    });
  }

  /** The place a discharge frees, as a read of the caller's one read statement, once the caller locked its row. */
  placePart(facilityId: string, kind: PlaceKind): SqlPart {
    return this.repo.placePart(facilityId, kind);
  }

  /**
   * `discharge` in parts: on the place row as placePart read it (locked by the caller), the writes
   * of the caller's one statement; refused (nothing_occupied) before any write, as `discharge`.
   */
  dischargeParts(actor: Actor, facilityId: string, kind: PlaceKind, read: PlaceRow[], details: Record<string, unknown>): SqlPart[] {
    const place = read[0] ? toPlace(read[0]) : undefined;
    if (!place || place.occupied < 1) throw ruleBroken('nothing_occupied', `no occupied ${kind} place to free`);
    const before = numbersOf(place);
    return this.bedParts(actor, 'discharge', facilityId, kind, -1, before, { ...before, occupied: place.occupied - 1 }, null, details);
  }

  /**
   * `admit` in parts: the hold as livePart read it and its place as placePart read it, both under
   * the caller's locks (the request's, the facility's, the place row's); the writes of its one statement.
   */
  admitParts(actor: Actor, holdId: string, facilityId: string, kind: PlaceKind, live: unknown[], read: PlaceRow[]): SqlPart[] {
    if (!live.length) throw conflict('hold_not_live', 'the hold has expired or was released');
    const before = numbersOf(read[0] ? toPlace(read[0]) : undefined);
    const after = { ...before, occupied: before.occupied + 1, held: before.held - 1 };
    return [
      this.repo.markReleasedPart(holdId, 'admitted', this.clock.now()),
      ...this.bedParts(actor, 'admission', facilityId, kind, 1, before, after, holdId),
    ];
  }

  private bedParts(
    actor: Actor,
    type: 'admission' | 'discharge',
    facilityId: string,
    kind: PlaceKind,
    delta: 1 | -1,
    before: ReturnType<typeof numbersOf>,
    after: ReturnType<typeof numbersOf>,
    holdId: string | null,
    details?: Record<string, unknown>,
  ): SqlPart[] {
    return [
      ...this.repo.occupiedParts(facilityId, kind, delta),
      this.events.appendPart({
        facilityId,
        kind,
        type,
        actorSub: actor.sub,
        actorRole: actor.role,
        at: this.clock.now(),
        delta: deltaOf(before, after),
        after,
        holdId,
        details,
      }),
    ];
  }

  /** Row lock on the facility: serialises placement decisions that must see each other (conflict tags). */
  async lockFacility(tx: Tx, facilityId: string): Promise<void> {
    await this.repo.lockFacilityVersion(tx, facilityId);
  }

  /** When each hold expires, and whether it is still live. */
  expiries(holdIds: string[], tx?: Tx) {
    return this.repo.expiriesOf(this.tx.manager(tx), holdIds);
  }

  /** A fresh TTL from now, e.g. once a proposal is accepted and the person travels. */
  async extend(holdId: string, tx: Tx, ttlHours = this.config.holdTtlHours): Promise<Date> {
    const expiresAt = new Date(this.clock.now().getTime() + ttlHours * 3_600_000);
    await this.repo.extendHold(tx, holdId, expiresAt);
    return expiresAt;
  }

  /** How long a proposal for a request of this urgency holds its place (configurable). */
  ttlHoursFor(urgency: keyof AppConfig['holdTtlHoursByUrgency']): number {
    return this.config.holdTtlHoursByUrgency[urgency];
  }

  /** Live holds past expiry; the proposals job expires them with their proposals. */
  findExpired(tx: Tx, limit = 100): Promise<HoldRow[]> {
    return this.repo.findExpiredHolds(tx, this.clock.now(), limit);
  }

  private inTx<T>(tx: Tx | undefined, work: (t: Tx) => Promise<T>): Promise<T> {
    return tx ? work(tx) : this.tx.run(work);
  }

  private record(
    t: Tx,
    actor: Actor,
    type: AvailabilityEventType,
    facilityId: string,
    kind: PlaceKind,
    before: ReturnType<typeof numbersOf>,
    after: ReturnType<typeof numbersOf>,
    holdId: string | null,
    details?: Record<string, unknown>,
  ) {
    return this.events.append(t, [
      {
        facilityId,
        kind,
        type,
        actorSub: actor.sub,
        actorRole: actor.role,
        at: this.clock.now(),
        delta: deltaOf(before, after),
        after,
        holdId,
        details,
      },
    ]);
  }
}
